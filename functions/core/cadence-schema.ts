import { DURATION_PATTERN, parseDuration } from './duration.ts';
import * as z from './zod.ts';
import { isoParts, isTimeZone } from './zoned.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const CHANNELS = ['email', 'sms', 'call', 'task'] as const;
export type Channel = (typeof CHANNELS)[number];
export const EXIT_SIGNALS = ['reply', 'unsubscribe', 'bounce', 'complaint', 'conversion'] as const;
export type ExitSignal = (typeof EXIT_SIGNALS)[number];

export const DEFAULT_SEND_WINDOW = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[],
  start: '09:00',
  end: '17:00',
};
export const DEFAULT_MIN_GAP = '12 hours';
/** A step's `sendWindow` for a transactional touch: no window, no holiday, no minGap before it (§2.3). */
export const IMMEDIATE = 'immediate';
/*
 * Each module-level schema is built by an arrow marked pure and called at once: esbuild counts every call as a possible
 * side effect (a pure mark on a function in another module does not carry over), so without it a bundle that never
 * parses a cadence keeps every schema (docs/architecture.md §9). They are still built at load, as before.
 */
/** A `spread` lies inside one day's window: a whole number of minutes or hours, at least one. */
export const SPREAD_PATTERN = '^[1-9][0-9]* (minute|hour)s?$';
const SPREAD_RE = /* @__PURE__ */ (() => new RegExp(SPREAD_PATTERN))();
const SPREAD_EXAMPLE = 'e.g. "90 minutes" or "2 hours"';
/** US TCPA quiet hours: no marketing texts before 08:00 or after 21:00 in the recipient's zone. */
export const SMS_EARLIEST = '08:00';
export const SMS_LATEST = '21:00';
/** A Standard execution ends at one year; keep every cadence well inside it and chain the rest with `then`. */
export const MAX_CADENCE_DAYS = 360;

const ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TIME_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE_RE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Renders a value the way the user wrote it, for error messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A zod error callback: "<value> is not <what>; use <example>", or "required; use <example>". */
function says(what: string, use: string) {
  return (issue: { input?: unknown; code?: string }) =>
    issue.input === undefined
      ? `required; use ${use}`
      : `${showValue(issue.input)} is not ${what}; use ${use}`;
}

const id = (what: string, example: string) =>
  z.string({ error: says(what, example) }).check(z.regex(ID_RE, { error: says(what, example) }));

const Time = /* @__PURE__ */ (() =>
  z
    .string({ error: says('a time', '"HH:MM" on a 24-hour clock, e.g. "09:00"') })
    .check(z.regex(TIME_RE, { error: says('a time', '"HH:MM" on a 24-hour clock, e.g. "09:00"') })))();

const Weekdays = /* @__PURE__ */ (() =>
  z
    .array(z.enum(WEEKDAYS, { error: says('a weekday', `one of ${WEEKDAYS.join(', ')}`) }), {
      error: says('a list of weekdays', '["mon", "tue", "wed", "thu", "fri"]'),
    })
    .check(
      z.minLength(1, { error: 'must name at least one day; use e.g. ["mon", "tue", "wed", "thu", "fri"]' }),
    ))();

const WINDOW_EXAMPLE = '{ "days": ["mon", "tue"], "start": "09:00", "end": "17:00" }';

const windowObject = (error: (issue: { input?: unknown }) => string) =>
  z.described(
    z.strictObject({ days: z.optional(Weekdays), start: z.optional(Time), end: z.optional(Time) }, { error }),
    "When touches may go out, in the lead's local time. Fields left out fall back to the cadence's.",
  );

export const SendWindowSchema = /* @__PURE__ */ (() =>
  windowObject((issue) =>
    issue.input === IMMEDIATE
      ? `"${IMMEDIATE}" is for a step that answers the lead at once, not for a whole cadence; set "sendWindow": "${IMMEDIATE}" on that step`
      : says('a send window', WINDOW_EXAMPLE)(issue),
  ))();

const StepWindowSchema = /* @__PURE__ */ (() =>
  z.described(
    z.union(
      [z.literal(IMMEDIATE), windowObject(says('a send window', `"${IMMEDIATE}" or ${WINDOW_EXAMPLE}`))],
      {
        error: says(
          'a send window',
          `"${IMMEDIATE}" (a transactional touch, sent at once) or ${WINDOW_EXAMPLE}`,
        ),
      },
    ),
    `When this touch may go out; fields left out fall back to the cadence's. "${IMMEDIATE}": a transactional touch ` +
      'sent as soon as its wait is over, at any hour, on any day, holidays included, with no minGap before it ' +
      '(email, call and task steps; never SMS).',
  ))();

const DurationText = (example: string) =>
  z
    .string({ error: says('a duration', example) })
    .check(z.regex(new RegExp(DURATION_PATTERN), { error: says('a duration', example), abort: true }));

function spreadMessage(input: unknown): string {
  const duration = typeof input === 'string' ? parseDuration(input) : undefined;
  if (!duration) return `${showValue(input)} is not a duration; use ${SPREAD_EXAMPLE}`;
  if (duration.n === 0)
    return `${showValue(input)} spreads nothing; use ${SPREAD_EXAMPLE}, or leave "spread" out`;
  return `${showValue(input)} is longer than a send window can be; use minutes or hours, ${SPREAD_EXAMPLE}`;
}

const IsoDate = /* @__PURE__ */ (() =>
  z.string({ error: says('a date', '"YYYY-MM-DD", e.g. "2026-12-25"') }).check(
    z.regex(DATE_RE, { error: says('a date', '"YYYY-MM-DD", e.g. "2026-12-25"'), abort: true }),
    z.refine((d) => isoParts(d) !== undefined, {
      error: (issue) =>
        `${showValue(issue.input)} is not a calendar date; use "YYYY-MM-DD", e.g. "2026-12-25"`,
    }),
  ))();

const holdoutError = /* @__PURE__ */ (() =>
  says('a share', 'a number from 0 up to (not including) 1, e.g. 0.1 for 10%'))();
/** A rep's SLA on a call or task: whole minutes or hours, "business" counting only the rep's working hours. */
export const SLA_PATTERN = '^[1-9][0-9]* (business )?(minute|hour)s?$';
const SLA_EXAMPLE = 'e.g. "15 business minutes" or "2 hours"';
const dayNumber = /* @__PURE__ */ (() =>
  says('a day number', 'a whole number of 1 or more; day 1 is the enrollment day'))();

const TemplateName = /* @__PURE__ */ (() =>
  id('a template name', 'the name of a file in templates/ without extension, e.g. "proposal-sent"'))();
const VARIANT_EXAMPLE = '{ "id": "a", "template": "proposal-received", "weight": 1 }';
const weight = /* @__PURE__ */ (() =>
  says('a weight', 'a number of 0 or more, e.g. 1 (leads split in proportion to the weights)'))();

/** The metrics a variant may be judged on; never opens (a pixel, not a person: docs/architecture.md §5.3). */
export const DECIDE_ON = ['positiveReplies', 'meetings', 'wins'] as const;
export type DecideOn = (typeof DECIDE_ON)[number];
export const DEFAULT_DECIDE_ON: DecideOn = 'positiveReplies';
/** A holdout above half leaves more leads unsent than sent: lint warns (lint.ts). */
export const LINT_MAX_HOLDOUT = 0.5;

export const VariantSchema = /* @__PURE__ */ (() =>
  z.described(
    z.strictObject(
      {
        id: id('a variant id', 'lowercase letters, digits and dashes, e.g. "a" or "short"'),
        template: TemplateName,
        weight: z.described(
          z.optional(z.number({ error: weight }).check(z.gte(0, { error: weight }))),
          'Share of leads relative to the other variants of the step. Default 1.',
        ),
      },
      { error: says('a variant', VARIANT_EXAMPLE) },
    ),
    'One version of a touch: its id (recorded on the touch and in the report) and its template.',
  ))();

export const StepSchema = /* @__PURE__ */ (() =>
  z.described(
    z
      .strictObject(
        {
          id: id('a step id', 'lowercase letters, digits and dashes, e.g. "did-you-get-it"'),
          day: z.described(
            z.optional(
              z
                .number({ error: dayNumber })
                .check(z.int({ error: dayNumber }), z.gte(1, { error: dayNumber })),
            ),
            'Calendar day counted from enrollment (day 1 = the enrollment day), at the enrollment time.',
          ),
          wait: z.described(
            z.optional(
              DurationText(
                'e.g. "3 business days"; units: minutes, hours, days, business days, weeks, months',
              ),
            ),
            'Time after the previous touch, e.g. "2 hours", "3 business days", "1 month".',
          ),
          channel: z.enum(CHANNELS, { error: says('a channel', `one of ${CHANNELS.join(', ')}`) }),
          template: z.optional(TemplateName),
          variants: z.described(
            z.optional(
              z
                .array(VariantSchema, {
                  error: says('a list of variants', `[${VARIANT_EXAMPLE}, ...]`),
                })
                .check(
                  z.minLength(1, { error: `must name at least one variant; use e.g. [${VARIANT_EXAMPLE}]` }),
                  z.refine((list) => new Set(list.map((v) => v.id)).size === list.length, {
                    error: 'names the same variant id twice; give each variant its own id',
                  }),
                ),
            ),
            'Instead of "template": the versions of this touch to compare. Each lead gets one, fixed by its lead id ' +
              '(SHA-256 of lead, cadence and step id), in proportion to the weights; the touch records which.',
          ),
          sendWindow: z.optional(StepWindowSchema),
          sla: z.described(
            z.optional(
              z
                .string({ error: says('an SLA', SLA_EXAMPLE) })
                .check(z.regex(new RegExp(SLA_PATTERN), { error: says('an SLA', SLA_EXAMPLE) })),
            ),
            'Call and task steps only: how long the rep has to mark the task done before the lead is escalated ' +
              '(to the next rep in "owners", then to "owner"). "business" counts only the rep\'s working hours; ' +
              'e.g. "15 business minutes", "2 hours".',
          ),
        },
        { error: says('a step', '{ "id": "intro", "day": 1, "channel": "email", "template": "intro" }') },
      )
      .check(
        // A deadline is for a person: an email or text has no one to mark it done (#15).
        z.refine((step) => step.sla === undefined || step.channel === 'call' || step.channel === 'task', {
          error: (issue) =>
            `"sla" is only for call and task steps (a rep's task to mark done); remove it from this ${
              (issue.input as { channel?: string } | undefined)?.channel ?? ''
            } step, or make the step a call or task`,
          path: ['sla'],
        }),
        z.refine((step) => (step.template === undefined) !== (step.variants === undefined), {
          error: (issue) =>
            (issue.input as { variants?: unknown } | undefined)?.variants === undefined
              ? 'required; use the name of a file in templates/ without extension, e.g. "proposal-sent"'
              : 'has both "template" and "variants"; keep "variants" (or make the winner the template with `followup cadence promote`)',
          path: ['template'],
        }),
      ),
    'One touch. Exactly one of "day" or "wait" (checked by parseCadence; the JSON Schema says oneOf), and exactly ' +
      'one of "template" or "variants".',
  ))();

/** A variant step's `template` is its first variant's: what the compiled definition pins (docs/architecture.md §2.1). */
const StepOutputSchema = /* @__PURE__ */ (() =>
  z.pipe(
    StepSchema,
    z.transform((step) =>
      step.template !== undefined
        ? (step as typeof step & { template: string })
        : { ...step, template: (step.variants?.[0]?.template ?? '') as string },
    ),
  ))();

export const CadenceSchema = /* @__PURE__ */ (() =>
  z.described(
    z.strictObject(
      {
        $schema: z.optional(z.string()),
        id: id(
          'a cadence id',
          'lowercase letters, digits and dashes matching the file name, e.g. "proposal"',
        ),
        name: z
          .string({ error: says('a name', 'a short title such as "Proposal follow-up"') })
          .check(
            z.minLength(1, { error: 'must not be empty; use a short title such as "Proposal follow-up"' }),
          ),
        description: z.optional(z.string({ error: says('a description', 'a sentence of text') })),
        timezone: z.described(
          z.optional(
            z.string({ error: says('a time zone', 'an IANA zone such as "America/Chicago"') }).check(
              z.refine((zone) => isTimeZone(zone), {
                error: (issue) =>
                  `${showValue(issue.input)} is not a time zone; use an IANA zone such as "America/Chicago"`,
              }),
            ),
          ),
          'Fallback zone for leads that have none.',
        ),
        sendWindow: z.optional(SendWindowSchema),
        holidays: z.described(
          z.optional(z.array(IsoDate, { error: says('a list of dates', '["2026-12-25", "2027-01-01"]') })),
          'Dates (YYYY-MM-DD) on which no touch goes out and that do not count as business days.',
        ),
        minGap: z.described(
          z.optional(
            DurationText('e.g. "12 hours"; units: minutes, hours, days, weeks').check(
              z.refine(
                (text) =>
                  parseDuration(text)?.unit !== 'business day' && parseDuration(text)?.unit !== 'month',
                {
                  error: (issue) =>
                    `${showValue(issue.input)} is not an exact gap; use minutes, hours, days or weeks, e.g. "12 hours"`,
                },
              ),
            ),
          ),
          'Least time between two touches of this cadence. Default "12 hours".',
        ),
        spread: z.described(
          z.optional(
            z
              .string({ error: says('a duration', SPREAD_EXAMPLE) })
              .check(z.regex(SPREAD_RE, { error: (issue) => spreadMessage(issue.input) })),
          ),
          "Spreads touches that were moved to a window's start over this span from it, each lead at its own " +
            'offset (from its lead id, so the preview shows what production does), e.g. "90 minutes". ' +
            'Minutes or hours, at most as long as the shortest window it applies to. Default: none.',
        ),
        exitOn: z.described(
          z.optional(
            z.array(
              z.enum(EXIT_SIGNALS, { error: says('an exit signal', `one of ${EXIT_SIGNALS.join(', ')}`) }),
              {
                error: says('a list of exit signals', `a list drawn from ${EXIT_SIGNALS.join(', ')}`),
              },
            ),
          ),
          'Signals that end this cadence for the lead. Default: all five.',
        ),
        holdout: z.described(
          z.optional(
            z
              .number({ error: holdoutError })
              .check(z.gte(0, { error: holdoutError }), z.lt(1, { error: holdoutError })),
          ),
          'Share of enrolled leads kept as a control group: enrolled and tracked, never sent to, so conversions of ' +
            'treated and held-out leads give the lift. Fixed by the lead id. Default 0 (none); lint warns above 0.5.',
        ),
        decideOn: z.described(
          z.optional(
            z.enum(DECIDE_ON, { error: says('a decision metric', `one of ${DECIDE_ON.join(', ')}`) }),
          ),
          'What a variant is judged on: positiveReplies (default), meetings or wins. Never opens.',
        ),
        autoPromote: z.described(
          z.optional(z.boolean({ error: says('true or false', 'true or false') })),
          'When true, a step with variants switches to its winner by itself: the 5-minute sweep records it once ' +
            'every variant was sent 200 times and one is best on decideOn with probability >= 0.95, and every ' +
            'touch of the step sends it from then on (held-out leads stay held out); the record never changes and ' +
            'is ignored once the file no longer has that variant. The file changes only through `followup cadence ' +
            'promote`. Default false.',
        ),
        steps: z
          .array(StepOutputSchema, {
            error: says('a list of steps', 'an array of steps, e.g. [{ "id": "intro", ... }]'),
          })
          .check(z.minLength(1, { error: 'must have at least one step' })),
        then: z.described(
          z.optional(id('a cadence id', 'the id of another cadence, e.g. "quarterly-nurture"')),
          'The cadence a lead who never answered moves on to when this one ends.',
        ),
      },
      { error: says('a cadence', 'a JSON object with "id", "name" and "steps"') },
    ),
    'A Followup cadence: the touches a lead receives, and when.',
  ))();

export type CadenceInput = z.input<typeof CadenceSchema>;
export type Cadence = z.output<typeof CadenceSchema>;
export type Step = z.output<typeof StepOutputSchema>;
export type StepVariant = z.output<typeof VariantSchema>;
export type SendWindowInput = z.output<typeof SendWindowSchema>;
export type StepWindow = z.output<typeof StepWindowSchema>;
