import { Drop, Liquid, LiquidError } from 'liquidjs';
import { parse as parseYaml } from 'yaml';
import { closest } from './cadence.ts';
import type { Channel } from './cadence-schema.ts';
import { UserError } from './errors.ts';
import { escapeHtml } from './html.ts';

/** A template file as written: `templates/<name>.liquid`, YAML front matter, then a Liquid body. */
export interface TemplateSource {
  readonly name: string;
  /** Email subject (Liquid); for a call or task, the title of the rep's task. */
  readonly subject?: string;
  /** One line naming what this touch gives the lead; lint asks for one in every touch. */
  readonly value?: string;
  readonly body: string;
}

export interface LeadVariables {
  /** Always set: the first word of the name, or "there" so "Hi there," reads right. */
  readonly firstName: string;
  readonly email: string;
  readonly name?: string;
  readonly company?: string;
  /** The rep's personal line about this lead, e.g. "Congratulations on the new location." */
  readonly note?: string;
  /** What the lead asked about, e.g. "fleet maintenance plans". */
  readonly interest?: string;
  /** Where the lead came from, e.g. "website contact form". */
  readonly source?: string;
}

export interface OwnerVariables {
  readonly name: string;
  readonly firstName: string;
  readonly email: string;
  readonly phone?: string;
  /** Multi-line sign-off, e.g. "Sam Rivera\nNorthwind Supply · (312) 555-0142". */
  readonly signature: string;
}

export interface BusinessVariables {
  readonly name: string;
  /** Required in every marketing email (CAN-SPAM); lines are joined with ", " in the footer. */
  readonly postalAddress: string;
  readonly website?: string;
}

export interface CartItem {
  readonly name: string;
  readonly quantity: number;
  /** Unit price in `cart.currency`; format with `{{ item.price | money: cart.currency }}`. */
  readonly price: number;
}

export interface CartVariables {
  readonly url: string;
  readonly items: readonly CartItem[];
  readonly total: number;
  /** ISO 4217 code, e.g. "USD". */
  readonly currency: string;
}

export interface TemplateContext {
  readonly lead: LeadVariables;
  readonly owner: OwnerVariables;
  readonly business: BusinessVariables;
  readonly unsubscribeUrl: string;
  readonly cart?: CartVariables;
}

export interface RenderedMessage {
  readonly subject?: string;
  readonly text: string;
  readonly html?: string;
}

export interface TemplateIssue {
  readonly template: string;
  readonly message: string;
}

/** The lead as the store keeps it; empty fields are left out so templates must guard them. */
export interface LeadFields {
  readonly email: string;
  readonly name?: string | null;
  readonly firstName?: string | null;
  readonly company?: string | null;
  readonly note?: string | null;
  readonly interest?: string | null;
  readonly source?: string | null;
}

export class TemplateNotFound extends UserError {
  override readonly name = 'TemplateNotFound';
  constructor(
    readonly template: string,
    readonly path: string,
    detail = `no template "${template}": expected the file ${path}`,
  ) {
    super(detail);
  }
}

export class TemplateInvalid extends UserError {
  override readonly name = 'TemplateInvalid';
  constructor(
    readonly template: string,
    readonly problem: string,
  ) {
    super(`${template}${TEMPLATE_EXTENSION}: ${problem}`);
  }
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

export const TEMPLATE_EXTENSION = '.liquid';
export const FRONT_MATTER_KEYS = ['subject', 'value'] as const;
export const FIRST_NAME_FALLBACK = 'there';

export const SAMPLE_CONTEXT: TemplateContext = {
  lead: {
    firstName: 'Jordan',
    name: 'Jordan Alvarez',
    email: 'jordan.alvarez@example.com',
    company: 'Alvarez Landscaping',
    note: 'Congratulations on opening the second yard in Naperville.',
    interest: 'fleet maintenance plans',
    source: 'website contact form',
  },
  owner: {
    name: 'Sam Rivera',
    firstName: 'Sam',
    email: 'sam@northwind.example',
    phone: '(312) 555-0142',
    signature: 'Sam Rivera\nNorthwind Supply · (312) 555-0142',
  },
  business: {
    name: 'Northwind Supply',
    postalAddress: '400 N Wells St, Suite 200\nChicago, IL 60654',
    website: 'https://northwind.example',
  },
  unsubscribeUrl: 'https://followup.northwind.example/u/SAMPLE-TOKEN',
  cart: {
    url: 'https://shop.northwind.example/cart/r/8f3a2c',
    items: [
      { name: 'Cedar planter box, large', quantity: 2, price: 49 },
      { name: 'Drip irrigation kit', quantity: 1, price: 34.5 },
    ],
    total: 132.5,
    currency: 'USD',
  },
};

/** The least a template can meet: a lead with only an email, an owner without a phone, no cart. */
export const SPARSE_CONTEXT: TemplateContext = {
  lead: { firstName: FIRST_NAME_FALLBACK, email: 'lead@example.com' },
  owner: {
    name: 'Sam Rivera',
    firstName: 'Sam',
    email: 'sam@northwind.example',
    signature: 'Sam Rivera\nNorthwind Supply',
  },
  business: { name: 'Northwind Supply', postalAddress: '400 N Wells St, Chicago, IL 60654' },
  unsubscribeUrl: 'https://followup.northwind.example/u/SAMPLE-TOKEN',
};

/** Text is trimmed and "" is absent; anything else stored in a text field is kept so rendering can name it. */
const present = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return (value ?? undefined) as string | undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
};

/** The `lead` a template sees. Empty fields are absent, never "", so an unguarded one fails loudly. */
export function leadVariables(lead: LeadFields): LeadVariables {
  const name = present(lead.name);
  const fields = {
    firstName:
      present(lead.firstName) ??
      (typeof name === 'string' ? name.split(/\s+/)[0] : undefined) ??
      FIRST_NAME_FALLBACK,
    email: lead.email.trim(),
    name,
    company: present(lead.company),
    note: present(lead.note),
    interest: present(lead.interest),
    source: present(lead.source),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as unknown as LeadVariables;
}

/** What a `{{ }}` printed that is not text: a group of fields, a list of groups, a function. */
class NotPrintable extends Error {
  constructor(readonly kind: string) {
    super(`${kind} cannot be printed as text`);
  }
}

const isScalar = (value: unknown) =>
  value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);

function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (!Array.isArray(value)) return 'a group of fields';
  return value.every(isScalar) ? 'a list' : 'a list of groups of fields';
}

/** Every output goes through here: the value's type is checked, so text that reads "[object Object]" prints. */
function printable(value: unknown): unknown {
  const plain = value instanceof Drop ? value.valueOf() : value;
  if (Array.isArray(plain) ? plain.every(isScalar) : isScalar(plain)) return plain;
  throw new NotPrintable(kindOf(plain));
}

const liquid = new Liquid({
  strictVariables: true,
  strictFilters: true,
  lenientIf: true,
  ownPropertyOnly: true,
  // Liquid stringifies what this returns, as it would the value itself.
  outputEscape: printable as (value: unknown) => string,
  // An empty in-memory file map: include/render/layout find nothing instead of reading the disk.
  templates: {},
});
// `raw` skips outputEscape; it must not skip the type check.
liquid.registerFilter('raw', { raw: true, handler: printable });

liquid.registerFilter('money', (amount: unknown, currency: unknown = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: String(currency) }).format(Number(amount)),
);

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/** Splits a template file into its front matter and body; throws TemplateInvalid naming what is wrong. */
export function parseTemplate(name: string, text: string): TemplateSource {
  const content = text.replace(/^\uFEFF/, '');
  if (!/^---[ \t]*\r?\n/.test(content)) return { name, body: content };
  const match = FRONT_MATTER.exec(content);
  if (!match) {
    throw new TemplateInvalid(
      name,
      'the front matter opened by "---" on line 1 is never closed; end it with a line "---"',
    );
  }
  const meta = readFrontMatter(name, match[1] ?? '');
  return { name, ...meta, body: content.slice(match[0].length) };
}

function readFrontMatter(name: string, yamlText: string): { subject?: string; value?: string } {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]?.replace(/:$/, '');
    throw new TemplateInvalid(
      name,
      `front matter is not valid YAML: ${reason}; if a value holds Liquid or ": ", put it in single quotes, e.g. subject: 'Hi {{ lead.name | default: "there" }}'`,
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new TemplateInvalid(name, 'front matter must be "key: value" lines, e.g. "subject: Your proposal"');
  }
  const out: { subject?: string; value?: string } = {};
  for (const [key, raw] of Object.entries(data)) {
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, FRONT_MATTER_KEYS);
      throw new TemplateInvalid(
        name,
        guess
          ? `front matter: unknown key "${key}"; did you mean "${guess}"?`
          : `front matter: unknown key "${key}"; allowed: ${FRONT_MATTER_KEYS.join(', ')}`,
      );
    }
    if (typeof raw !== 'string') {
      throw new TemplateInvalid(name, `front matter: "${key}" must be text on one line; put it in quotes`);
    }
    const line = raw.trim();
    if (!line) throw new TemplateInvalid(name, `front matter: "${key}" is empty; write it or remove the key`);
    if (line.includes('\n')) throw new TemplateInvalid(name, `front matter: "${key}" must be one line`);
    out[key as (typeof FRONT_MATTER_KEYS)[number]] = line;
  }
  return out;
}

type Shape = string | number | boolean | null | undefined | readonly unknown[] | { [key: string]: unknown };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Liquid lets these follow an array or a string: `cart.items.size`, `cart.items.first.name`. */
const BUILT_IN_PROPERTIES = ['size', 'first', 'last'];

type Lookup = { known: true } | { known: false; parent: string; segment: string; fields: string[] };

/** Walks a variable path against the full sample context, the definition of what variables exist. */
function lookup(path: readonly (string | number)[]): Lookup {
  let node: Shape = SAMPLE_CONTEXT as unknown as Shape;
  const walked: string[] = [];
  for (const segment of path) {
    const unknown = (fields: string[]): Lookup => ({
      known: false,
      parent: walked.join('.'),
      segment: String(segment),
      fields,
    });
    if (Array.isArray(node)) {
      if (segment === 'size') return { known: true };
      if (typeof segment !== 'number' && segment !== 'first' && segment !== 'last') {
        return unknown(BUILT_IN_PROPERTIES);
      }
      node = node[0] as Shape;
    } else if (isRecord(node)) {
      if (typeof segment !== 'string' || !Object.hasOwn(node, segment)) return unknown(Object.keys(node));
      node = node[segment] as Shape;
    } else if (typeof node === 'string' && BUILT_IN_PROPERTIES.includes(String(segment))) {
      return { known: true };
    } else {
      return unknown([]);
    }
    walked.push(String(segment));
  }
  return { known: true };
}

const describeRoot = () => Object.keys(SAMPLE_CONTEXT).join(', ');

function unknownVariableMessage(
  variable: string,
  result: Extract<Lookup, { known: false }>,
  at = '',
): string {
  const guess = closest(result.segment, result.fields);
  const suggestion = guess ? `did you mean "${[result.parent, guess].filter(Boolean).join('.')}"? ` : '';
  const scope = result.parent
    ? result.fields.length > 0
      ? `${result.parent} has: ${result.fields.join(', ')}`
      : `${result.parent} is a plain value with no fields`
    : `the variables are: ${describeRoot()}`;
  return `unknown variable "${variable}"${at}; ${suggestion}${scope}`;
}

/** A loop variable (`item` in `for item in cart.items`) is not in the context; say what loop items have. */
function loopHint(): string {
  const items = SAMPLE_CONTEXT.cart?.items[0];
  return items ? ` (each of cart.items has: ${Object.keys(items).join(', ')})` : '';
}

function pathOf(segments: readonly unknown[]): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  for (const s of segments) {
    if (typeof s === 'string' || typeof s === 'number') out.push(s);
    else return out.length > 0 ? out : undefined; // a computed segment (`lead[x]`): check the part before it
  }
  return out;
}

/** Every context variable a template refers to, as paths, from liquidjs's static analysis. */
export function templateVariables(source: TemplateSource): string[][] {
  const paths: string[][] = [];
  for (const text of [source.subject ?? '', source.body]) {
    for (const segments of liquid.globalVariableSegmentsSync(text)) {
      const path = pathOf(segments);
      if (path) paths.push(path.map(String));
    }
  }
  return paths;
}

type Part = 'subject' | 'body';

function liquidProblem(error: unknown, part: Part): { problem: string; variable?: string } {
  if (error instanceof LiquidError) {
    const original = error.originalError as { variableName?: unknown; message?: string } | undefined;
    const where = /, line:(\d+), col:(\d+)$/.exec(error.message);
    const at = where ? ` (${part} line ${where[1]}, col ${where[2]})` : ` (${part})`;
    if (original instanceof NotPrintable) {
      return {
        problem: `${original.kind} was printed whole${at}; print one field, e.g. {{ lead.firstName }}`,
      };
    }
    if (typeof original?.variableName === 'string') {
      const variable = original.variableName;
      const path = variable.split('.');
      const result = lookup(path);
      if (result.known) {
        return {
          variable,
          problem: `${variable} has no value${at}; guard it with {% if ${variable} %}…{% endif %} or give a default: {{ ${variable} | default: "…" }}`,
        };
      }
      // A root that is no context variable is usually a loop variable (`item` in `for item in cart.items`).
      const inContext = Object.hasOwn(SAMPLE_CONTEXT, path[0] ?? '');
      return {
        variable,
        problem: `${unknownVariableMessage(variable, result, at)}${inContext ? '' : loopHint()}`,
      };
    }
    const message = (original?.message ?? error.message).replace(/, line:\d+, col:\d+$/, '');
    if (/^undefined filter: /.test(message)) {
      const filter = message.slice('undefined filter: '.length);
      const guess = closest(filter, Object.keys(liquid.filters));
      return {
        problem: `unknown filter "${filter}"${at}; ${guess ? `did you mean "${guess}"?` : 'see https://liquidjs.com/filters/overview.html'}`,
      };
    }
    return { problem: `Liquid error: ${message}${at}` };
  }
  return { problem: `Liquid error: ${(error as Error).message}` };
}

/**
 * The value at `path` when it should be text (the sample context holds a string or number there) and is not:
 * bad data in the store, named before rendering instead of printed or failing somewhere inside Liquid.
 */
function mistyped(
  path: readonly string[],
  ctx: TemplateContext,
): { variable: string; kind: string } | undefined {
  let sample: unknown = SAMPLE_CONTEXT;
  let value: unknown = ctx;
  for (const segment of path) {
    if (!isRecord(sample) || !isRecord(value) || !Object.hasOwn(sample, segment)) return undefined;
    sample = sample[segment];
    value = Object.hasOwn(value, segment) ? value[segment] : undefined;
  }
  if (!isScalar(sample) || isScalar(value)) return undefined;
  return { variable: path.join('.'), kind: kindOf(value) };
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
    const text = (part === 'subject' ? source.subject : source.body) ?? '';
    return String(liquid.parseAndRenderSync(text, ctx as unknown as Record<string, unknown>));
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

const URL_RE = /https?:\/\/[^\s<>"']+/g;

/** Escapes a line and links its http(s) URLs; the URL is escaped too, so nothing in it can become markup. */
function linkify(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_RE)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    const index = match.index;
    out += `${escapeHtml(line.slice(last, index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = index + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

function toHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map(linkify).join('<br>\n')}</p>`)
    .join('\n');
}

const oneLine = (address: string) =>
  address
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/,$/, ''))
    .filter(Boolean)
    .join(', ');

function footer(source: TemplateSource, ctx: TemplateContext): { text: string; html: string } {
  const address = oneLine(ctx.business.postalAddress ?? '');
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
    html:
      `<p style="margin-top:24px;color:#6b7280;font-size:12px">${escapeHtml(sender)}<br>\n` +
      `Don't want these emails? <a href="${escapeHtml(ctx.unsubscribeUrl)}">Unsubscribe</a></p>`,
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
      return { subject, text: `${body}\n\n${foot.text}`, html: `${toHtml(body)}\n${foot.html}` };
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

function staticIssues(source: TemplateSource): string[] {
  const messages: string[] = [];
  for (const [part, text] of [
    ['subject', source.subject ?? ''],
    ['body', source.body],
  ] as const) {
    let variables: unknown[][];
    try {
      variables = liquid.globalVariableSegmentsSync(text);
    } catch (error) {
      messages.push(liquidProblem(error, part).problem);
      continue;
    }
    for (const segments of variables) {
      const path = pathOf(segments);
      if (!path) continue;
      const result = lookup(path);
      if (!result.known) messages.push(unknownVariableMessage(path.join('.'), result));
    }
  }
  return messages;
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
