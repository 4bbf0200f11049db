import { DateTime, IANAZone } from 'luxon';
import { DURATION_PATTERN, parseDuration } from './duration.ts';
import * as z from './zod.ts';

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
/** A `spread` lies inside one day's window: a whole number of minutes or hours, at least one. */
export const SPREAD_PATTERN = '^[1-9][0-9]* (minute|hour)s?$';
const SPREAD_RE = new RegExp(SPREAD_PATTERN);
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

const Time = z
  .string({ error: says('a time', '"HH:MM" on a 24-hour clock, e.g. "09:00"') })
  .check(z.regex(TIME_RE, { error: says('a time', '"HH:MM" on a 24-hour clock, e.g. "09:00"') }));

const Weekdays = z
  .array(z.enum(WEEKDAYS, { error: says('a weekday', `one of ${WEEKDAYS.join(', ')}`) }), {
    error: says('a list of weekdays', '["mon", "tue", "wed", "thu", "fri"]'),
  })
  .check(
    z.minLength(1, { error: 'must name at least one day; use e.g. ["mon", "tue", "wed", "thu", "fri"]' }),
  );

const WINDOW_EXAMPLE = '{ "days": ["mon", "tue"], "start": "09:00", "end": "17:00" }';

const windowObject = (error: (issue: { input?: unknown }) => string) =>
  z.described(
    z.strictObject({ days: z.optional(Weekdays), start: z.optional(Time), end: z.optional(Time) }, { error }),
    "When touches may go out, in the lead's local time. Fields left out fall back to the cadence's.",
  );

export const SendWindowSchema = windowObject((issue) =>
  issue.input === IMMEDIATE
    ? `"${IMMEDIATE}" is for a step that answers the lead at once, not for a whole cadence; set "sendWindow": "${IMMEDIATE}" on that step`
    : says('a send window', WINDOW_EXAMPLE)(issue),
);

const StepWindowSchema = z.described(
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
);

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

const IsoDate = z.string({ error: says('a date', '"YYYY-MM-DD", e.g. "2026-12-25"') }).check(
  z.regex(DATE_RE, { error: says('a date', '"YYYY-MM-DD", e.g. "2026-12-25"'), abort: true }),
  z.refine((d) => DateTime.fromISO(d, { zone: 'UTC' }).isValid, {
    error: (issue) => `${showValue(issue.input)} is not a calendar date; use "YYYY-MM-DD", e.g. "2026-12-25"`,
  }),
);

const dayNumber = says('a day number', 'a whole number of 1 or more; day 1 is the enrollment day');

export const StepSchema = z.described(
  z.strictObject(
    {
      id: id('a step id', 'lowercase letters, digits and dashes, e.g. "did-you-get-it"'),
      day: z.described(
        z.optional(
          z.number({ error: dayNumber }).check(z.int({ error: dayNumber }), z.gte(1, { error: dayNumber })),
        ),
        'Calendar day counted from enrollment (day 1 = the enrollment day), at the enrollment time.',
      ),
      wait: z.described(
        z.optional(
          DurationText('e.g. "3 business days"; units: minutes, hours, days, business days, weeks, months'),
        ),
        'Time after the previous touch, e.g. "2 hours", "3 business days", "1 month".',
      ),
      channel: z.enum(CHANNELS, { error: says('a channel', `one of ${CHANNELS.join(', ')}`) }),
      template: id(
        'a template name',
        'the name of a file in templates/ without extension, e.g. "proposal-sent"',
      ),
      sendWindow: z.optional(StepWindowSchema),
    },
    { error: says('a step', '{ "id": "intro", "day": 1, "channel": "email", "template": "intro" }') },
  ),
  'One touch. Exactly one of "day" or "wait" (checked by parseCadence; the JSON Schema says oneOf).',
);

export const CadenceSchema = z.described(
  z.strictObject(
    {
      $schema: z.optional(z.string()),
      id: id('a cadence id', 'lowercase letters, digits and dashes matching the file name, e.g. "proposal"'),
      name: z
        .string({ error: says('a name', 'a short title such as "Proposal follow-up"') })
        .check(
          z.minLength(1, { error: 'must not be empty; use a short title such as "Proposal follow-up"' }),
        ),
      description: z.optional(z.string({ error: says('a description', 'a sentence of text') })),
      timezone: z.described(
        z.optional(
          z.string({ error: says('a time zone', 'an IANA zone such as "America/Chicago"') }).check(
            z.refine((zone) => IANAZone.isValidZone(zone), {
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
              (text) => parseDuration(text)?.unit !== 'business day' && parseDuration(text)?.unit !== 'month',
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
      steps: z
        .array(StepSchema, {
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
);

export type CadenceInput = z.input<typeof CadenceSchema>;
export type Cadence = z.output<typeof CadenceSchema>;
export type Step = z.output<typeof StepSchema>;
export type SendWindowInput = z.output<typeof SendWindowSchema>;
export type StepWindow = z.output<typeof StepWindowSchema>;
