import type { Channel } from './cadence-schema.ts';
import { footerHtml, textToHtml } from './email-html.ts';
import { html, type SafeHtml } from './html.ts';
import { SAMPLE_CONTEXT, SPARSE_CONTEXT, type TemplateContext } from './template-context.ts';
import {
  liquidProblem,
  mistyped,
  type Part,
  parseAndRender,
  staticIssues,
  templateVariables,
} from './template-liquid.ts';
import { TemplateInvalid, type TemplateSource } from './template-source.ts';

/*
 * Rendering a template for one channel, and checking one for `followup cadence validate` (docs/architecture.md §2.2):
 * the file is read by template-file.ts, its variables are defined in template-context.ts, Liquid runs in
 * template-liquid.ts and an email's HTML is made in email-html.ts.
 */

// Other slices import these from here.

export interface RenderedMessage {
  readonly subject?: string;
  readonly text: string;
  readonly html?: string;
}

export interface TemplateIssue {
  readonly template: string;
  readonly message: string;
}

export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(
    readonly template: string,
    readonly problem: string,
    /** The variable that had no value, when that is what went wrong. */
    readonly variable?: string,
  ) {
    super(`template "${template}": ${problem}`);
  }
}

function checkTypes(source: TemplateSource, ctx: TemplateContext): void {
  let paths: string[][];
  try {
    paths = templateVariables(source);
  } catch {
    return; // a syntax error: rendering reports it with its line
  }
  for (const path of paths) {
    const bad = mistyped(path, ctx);
    if (bad) {
      throw new TemplateRenderError(
        source.name,
        `${bad.variable} holds ${bad.kind}, not text: the stored record is malformed; save that field as text`,
        bad.variable,
      );
    }
  }
}

function renderLiquid(source: TemplateSource, part: Part, ctx: TemplateContext): string {
  try {
    return parseAndRender((part === 'subject' ? source.subject : source.body) ?? '', ctx);
  } catch (error) {
    const { problem, variable } = liquidProblem(error, part);
    throw new TemplateRenderError(source.name, problem, variable);
  }
}

/** Trailing spaces, doubled spaces and runs of blank lines that Liquid tags leave behind are removed. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/(\S)[ \t]{2,}/g, '$1 ').replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The body rendered and tidied, with no footer: what the lead reads, for lint and SMS length. */
export function renderBodyText(source: TemplateSource, ctx: TemplateContext): string {
  const text = tidy(renderLiquid(source, 'body', ctx));
  if (!text)
    throw new TemplateRenderError(
      source.name,
      'the body renders empty; write the message below the front matter',
    );
  return text;
}

function renderSubject(source: TemplateSource, ctx: TemplateContext): string | undefined {
  if (source.subject === undefined) return undefined;
  // A header is one line of plain text: control characters and line breaks become single spaces.
  const subject = renderLiquid(source, 'subject', ctx)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  if (!subject)
    throw new TemplateRenderError(
      source.name,
      'the subject renders empty; give it words that do not depend on lead data',
    );
  return subject;
}

/** A postal address on one line: its lines joined with ", ". */
const addressLine = (address: string) =>
  address
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/,$/, ''))
    .filter(Boolean)
    .join(', ');

function footer(source: TemplateSource, ctx: TemplateContext): { text: string; html: SafeHtml } {
  const address = addressLine(ctx.business.postalAddress ?? '');
  if (!address) {
    throw new TemplateRenderError(
      source.name,
      'business.postalAddress is empty; every marketing email must carry it',
    );
  }
  if (!/^https?:\/\/\S+$/.test(ctx.unsubscribeUrl ?? '')) {
    throw new TemplateRenderError(
      source.name,
      'unsubscribeUrl is not an http(s) URL; every marketing email must carry one',
    );
  }
  const sender = `${ctx.business.name}, ${address}`;
  return {
    text: `--\n${sender}\nDon't want these emails? Unsubscribe: ${ctx.unsubscribeUrl}`,
    html: footerHtml(sender, ctx.unsubscribeUrl),
  };
}

/**
 * Renders a template for one channel. Email gets a one-line subject, the text body and an HTML body made by
 * escaping the text (lead data can never become markup), both with the compliance footer. Any variable that
 * does not exist, or has no value for this lead, throws TemplateRenderError: never a blank in an inbox.
 */
export function renderTemplate(
  source: TemplateSource,
  channel: Channel,
  ctx: TemplateContext,
): RenderedMessage {
  checkTypes(source, ctx);
  switch (channel) {
    case 'email': {
      if (source.subject === undefined) {
        throw new TemplateInvalid(
          source.name,
          'an email needs a subject; add "subject: …" to the front matter',
        );
      }
      const subject = renderSubject(source, ctx) as string;
      const body = renderBodyText(source, ctx);
      const foot = footer(source, ctx);
      return {
        subject,
        text: `${body}\n\n${foot.text}`,
        html: html`${textToHtml(body)}\n${foot.html}`.value,
      };
    }
    case 'sms':
      return { text: renderBodyText(source, ctx) };
    case 'call':
    case 'task': {
      const subject = renderSubject(source, ctx);
      const text = renderBodyText(source, ctx);
      return subject === undefined ? { text } : { subject, text };
    }
    default:
      throw new Error(`unknown channel ${JSON.stringify(channel satisfies never)}`);
  }
}

/** A cart template can only serve a shop's cart event: no form or import carries a cart. */
export const usesCart = (source: TemplateSource) =>
  templateVariables(source).some((path) => path[0] === 'cart');

/**
 * What `followup cadence validate` reports for a template: a missing subject, unknown variables and filters,
 * Liquid syntax errors, and fields that a lead with only an email lacks and the template does not guard.
 */
export function checkTemplate(source: TemplateSource, channel: Channel): TemplateIssue[] {
  const messages: string[] = [];
  if (channel === 'email' && source.subject === undefined) {
    messages.push('an email needs a subject; add "subject: …" to the front matter');
  }
  if (channel === 'sms' && source.subject !== undefined) {
    messages.push('an SMS has no subject; remove "subject" from the front matter');
  }
  const found = staticIssues(source);
  messages.push(...found);
  if (found.length === 0) {
    // Cart templates serve cart events, which always carry a cart; the sparse lead gets the sample cart.
    const sparse = usesCart(source) ? { ...SPARSE_CONTEXT, cart: SAMPLE_CONTEXT.cart } : SPARSE_CONTEXT;
    for (const [ctx, who] of [
      [SAMPLE_CONTEXT, ''],
      [sparse, 'for a lead with only an email: '],
    ] as const) {
      try {
        if (channel !== 'sms') renderSubject(source, ctx);
        renderBodyText(source, ctx);
      } catch (error) {
        if (!(error instanceof TemplateRenderError)) throw error;
        messages.push(`${who}${error.problem}`);
        break;
      }
    }
  }
  return [...new Set(messages)].map((message) => ({ template: source.name, message }));
}
