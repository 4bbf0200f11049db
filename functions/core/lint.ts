import { type Cadence, type Channel, IMMEDIATE, LINT_MAX_HOLDOUT } from './cadence-schema.ts';
import { parseDuration } from './duration.ts';
import { isImmediate } from './schedule.ts';
import { SAMPLE_CONTEXT, SPARSE_CONTEXT, type TemplateContext } from './template-context.ts';
import type { TemplateSource } from './template-file.ts';
import { templateVariables } from './template-liquid.ts';
import { renderBodyText } from './templates.ts';

export const LINT_RULES = [
  'filler-phrase',
  'too-many-sentences',
  'no-lead-specific-line',
  'sms-too-long',
  'sms-no-sender',
  'no-value-add',
  'immediate-after-wait',
  'variant-weights-zero',
  'holdout-range',
] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface LintFinding {
  readonly template: string;
  readonly rule: LintRule;
  readonly message: string;
}

export const MAX_SENTENCES = 5;
export const SMS_GSM7_SEGMENT = 160;
export const SMS_UCS2_SEGMENT = 70;
/** The sender appends "Reply STOP to opt out" (or the like); the template must leave it room in the segment. */
export const SMS_OPT_OUT_ROOM = 25;

const FILLER: readonly { pattern: RegExp; phrase: string }[] = [
  { pattern: /\bjust checking in\b/i, phrase: 'just checking in' },
  { pattern: /\btouch(?:ing)? base\b/i, phrase: 'touching base' },
  { pattern: /\bjust (?:following|wanted to follow) up\b/i, phrase: 'just following up' },
  { pattern: /\bcircl(?:e|ing) back\b/i, phrase: 'circling back' },
];

/** Lead fields that say who the lead is, not anything about them. */
const GENERIC_LEAD_FIELDS = new Set(['firstName', 'name', 'email']);

// GSM 03.38: the basic set costs one septet, the extension set two (escape + character).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsLength {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  /** Characters of one single-segment message in this encoding. */
  readonly segment: number;
  /** Characters that forced UCS-2, if any. */
  readonly nonGsm: readonly string[];
}

export function smsLength(text: string): SmsLength {
  const nonGsm = new Set<string>();
  let septets = 0;
  for (const char of text) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENSION.has(char)) septets += 2;
    else nonGsm.add(char);
  }
  return nonGsm.size === 0
    ? { encoding: 'GSM-7', units: septets, segment: SMS_GSM7_SEGMENT, nonGsm: [] }
    : { encoding: 'UCS-2', units: text.length, segment: SMS_UCS2_SEGMENT, nonGsm: [...nonGsm] };
}

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|Inc|Ltd|Co|a\.m|p\.m)\./gi;

/** Sentences end in . ! or ? before a space or the end; URLs, decimals and common abbreviations do not end one. */
export function countSentences(text: string): number {
  const plain = text.replace(/https?:\/\/\S+/g, 'link').replace(ABBREVIATIONS, 'abbr');
  return plain.match(/[.!?]+["')\]]*(?=\s|$)/g)?.length ?? 0;
}

function tryRender(source: TemplateSource, ctx: TemplateContext): string | undefined {
  try {
    return renderBodyText(source, ctx);
  } catch {
    return undefined; // checkTemplate reports render failures; lint judges only what renders
  }
}

function tryVariables(source: TemplateSource): string[][] | undefined {
  try {
    return templateVariables(source);
  } catch {
    return undefined;
  }
}

/**
 * The sales advice of `followup cadence lint`: no filler openers, 3–5 sentences, a line about the lead in
 * every email, one SMS segment, the sender named in every SMS, and a value-add named in every touch.
 */
export function lintTemplate(source: TemplateSource, channel: Channel): LintFinding[] {
  const findings: LintFinding[] = [];
  const find = (rule: LintRule, message: string) => findings.push({ template: source.name, rule, message });

  const written = `${source.subject ?? ''}\n${source.body}`;
  for (const { pattern, phrase } of FILLER) {
    if (pattern.test(written)) {
      find(
        'filler-phrase',
        `"${phrase}" gives the lead nothing new and nothing to answer; open with what this touch brings ` +
          'them instead: an answer, a resource, a result from a similar customer, or one specific question',
      );
    }
  }

  const variables = tryVariables(source);
  const rendered = tryRender(source, SAMPLE_CONTEXT);

  if ((channel === 'email' || channel === 'sms') && rendered !== undefined) {
    const sentences = countSentences(rendered);
    if (sentences > MAX_SENTENCES) {
      find(
        'too-many-sentences',
        `the message has ${sentences} sentences; keep it to 3–${MAX_SENTENCES}: why you are writing, ` +
          'the one new thing for the lead, and one easy next step; move the rest to a later touch',
      );
    }
  }

  if (channel === 'email' && variables !== undefined) {
    const specific = variables.some(
      ([root, field]) =>
        root === 'cart' || (root === 'lead' && field !== undefined && !GENERIC_LEAD_FIELDS.has(field)),
    );
    if (!specific) {
      find(
        'no-lead-specific-line',
        'no line is about this lead beyond their name; add one that uses what you know, e.g. ' +
          "{% if lead.note %}{{ lead.note }}{% endif %} (the rep's personal line), lead.company or lead.interest",
      );
    }
  }

  if (channel === 'sms') {
    const cartContext = variables?.some(([root]) => root === 'cart') ? { cart: SAMPLE_CONTEXT.cart } : {};
    const texts = [rendered, tryRender(source, { ...SPARSE_CONTEXT, ...cartContext })];
    const longest = texts
      .filter((text): text is string => text !== undefined)
      .map(smsLength)
      .sort((a, b) => b.units - b.segment - (a.units - a.segment))[0];
    if (longest && longest.units > longest.segment - SMS_OPT_OUT_ROOM) {
      const budget = longest.segment - SMS_OPT_OUT_ROOM;
      const why =
        longest.encoding === 'UCS-2'
          ? `it uses ${longest.nonGsm.map((c) => JSON.stringify(c)).join(' ')}, outside the GSM-7 alphabet, so a ` +
            `segment holds only ${SMS_UCS2_SEGMENT} characters; replace those (e.g. straight quotes, "-" for a dash)`
          : `one segment holds ${SMS_GSM7_SEGMENT} GSM-7 characters (€[]{}^~|\\ count as 2)`;
      find(
        'sms-too-long',
        `the SMS renders to ${longest.units} characters with the sample lead, over ${budget}: ${why}, ` +
          `less ${SMS_OPT_OUT_ROOM} for the opt-out line the sender appends; cut it to one short ask`,
      );
    }
    if (
      variables !== undefined &&
      !variables.some(([root, field]) => root === 'business' && field === 'name')
    ) {
      find(
        'sms-no-sender',
        'the SMS does not say who is texting; name the business with {{ business.name }} (carriers require it)',
      );
    }
  }

  if (source.value === undefined) {
    find(
      'no-value-add',
      'no value-add named; add "value: <what this touch gives the lead>" to the front matter, e.g. ' +
        '"value: a one-page price comparison", and make the message deliver it',
    );
  }
  return findings;
}

/** Advice on a cadence's timing rather than a template's words; `path` is the step's JSON path. */
export interface CadenceFinding extends LintFinding {
  readonly path: string;
}

/** Whether a step falls due within the hour of what came before it: what "immediate" is for. */
function dueWithinTheHour(step: Cadence['steps'][number]): boolean {
  if (step.day !== undefined) return step.day === 1;
  const wait = parseDuration(step.wait ?? '');
  return wait !== undefined && (wait.n === 0 || (wait.unit === 'minute' && wait.n < 60));
}

/**
 * Timing advice: an immediate step sends at whatever hour its wait ends, so one that waits hours or days would reach
 * the lead at, say, 03:00; "immediate" is for answering at once what the lead just did (docs/architecture.md §2.3).
 */
export function lintCadence(cadence: Cadence): CadenceFinding[] {
  return [...timingFindings(cadence), ...experimentFindings(cadence)];
}

/**
 * Experiment advice (docs/architecture.md §2.1): variants whose weights add up to 0 leave the pick to the first one,
 * and a holdout over half keeps more leads from the follow-up than it measures it on.
 */
function experimentFindings(cadence: Cadence): CadenceFinding[] {
  const findings: CadenceFinding[] = cadence.steps.flatMap((step, i) =>
    step.variants && step.variants.reduce((sum, v) => sum + (v.weight ?? 1), 0) <= 0
      ? [
          {
            path: `steps[${i}].variants`,
            template: step.template,
            rule: 'variant-weights-zero' as const,
            message:
              'the weights of these variants add up to 0, so no lead is split between them; give each variant a ' +
              'weight above 0, e.g. "weight": 1',
          },
        ]
      : [],
  );
  const holdout = cadence.holdout ?? 0;
  if (holdout < 0 || holdout > LINT_MAX_HOLDOUT) {
    findings.push({
      path: 'holdout',
      template: '',
      rule: 'holdout-range',
      message:
        `a holdout of ${holdout} keeps ${Math.round(holdout * 100)}% of leads from every touch; keep it between 0 and ` +
        `${LINT_MAX_HOLDOUT} (e.g. 0.1): a tenth is enough to measure the lift once a few hundred leads have enrolled`,
    });
  }
  return findings;
}

function timingFindings(cadence: Cadence): CadenceFinding[] {
  return cadence.steps.flatMap((step, i) =>
    isImmediate(step) && !dueWithinTheHour(step)
      ? [
          {
            path: `steps[${i}].sendWindow`,
            template: step.template,
            rule: 'immediate-after-wait' as const,
            message:
              `"${IMMEDIATE}" sends at any hour, and this touch falls due ${step.day !== undefined ? `on day ${step.day}` : `${step.wait} after the previous one`}, ` +
              `at whatever hour that is; keep "${IMMEDIATE}" for an answer within the hour of what the lead did, and give this step a send window`,
          },
        ]
      : [],
  );
}
