import { formatPath } from './cadence.ts';
import { UserError } from './errors.ts';
import { formatMailbox, MailboxInvalid } from './mailbox.ts';
import * as z from './zod.ts';
import { isTimeZone } from './zoned.ts';

/*
 * Each module-level schema is built by an arrow marked pure and called at once: esbuild counts every call as a possible
 * side effect (a pure mark on a function in another module does not carry over), so without it a bundle that never
 * parses a config keeps every schema (docs/architecture.md §9). They are still built at load, as before.
 */
const email = /* @__PURE__ */ (() =>
  z.email({
    error: (i) => `${JSON.stringify(i.input)} is not an email address; use e.g. "sales@acme.com"`,
  }))();
const https = /* @__PURE__ */ (() =>
  z.url({
    protocol: /^https$/,
    error: (i) => `${JSON.stringify(i.input)} is not an https URL; use e.g. "https://www.acme.com"`,
  }))();
const domain = /* @__PURE__ */ (() =>
  z.string().check(
    z.regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/i, {
      error: (i) => `${JSON.stringify(i.input)} is not a domain; use e.g. "acme.com"`,
    }),
  ))();
const e164 = /* @__PURE__ */ (() =>
  z.string().check(
    z.regex(/^\+[1-9][0-9]{6,14}$/, {
      error: (i) => `${JSON.stringify(i.input)} is not an E.164 phone number; use e.g. "+12175550100"`,
    }),
  ))();
const nonEmpty = () => z.string().check(z.minLength(1));
const count = () => z.number().check(z.int(), z.gte(1));
const zone = /* @__PURE__ */ (() =>
  z.string().check(
    z.refine((name) => isTimeZone(name), {
      error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone; use e.g. "America/Chicago"`,
    }),
  ))();

// Working hours of a rep in `owners` (#15): the same days grammar as functions/domain/owners.ts parses.
const DAY = '(mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const DAYS_RE = /* @__PURE__ */ (() => new RegExp(`^${DAY}(-${DAY})?(, *${DAY}(-${DAY})?)*$`, 'i'))();
const clock = /* @__PURE__ */ (() =>
  z.string().check(
    z.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, {
      error: (i) => `${JSON.stringify(i.input)} is not a time; use "HH:MM" on a 24-hour clock, e.g. "09:00"`,
    }),
  ))();
const WorkingHoursSchema = /* @__PURE__ */ (() =>
  z.described(
    z
      .strictObject({
        days: z._default(
          z.string().check(
            z.regex(DAYS_RE, {
              error: (i) =>
                `${JSON.stringify(i.input)} is not a list of days; use e.g. "Mon-Fri" or "Mon,Wed,Fri"`,
            }),
          ),
          'Mon-Fri',
        ),
        from: clock,
        to: clock,
      })
      .check(
        z.refine((h) => h.to > h.from, {
          path: ['to'],
          error: 'must be after "from" (hours that pass midnight are not supported; split them across days)',
        }),
      ),
    'When the rep works, in the rep\'s zone, e.g. { "days": "Mon-Fri", "from": "09:00", "to": "17:00" }; absent, always on duty.',
  ))();
const RepSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    name: nonEmpty(),
    email,
    phone: z.nullish(e164),
    weight: z.described(
      z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 1),
      'The share of new leads this rep gets, relative to the others (a whole number 1–100; default 1).',
    ),
    timeZone: z.described(z.optional(zone), "The rep's IANA zone; default the deployment's defaultTimeZone."),
    hours: z.optional(WorkingHoursSchema),
  }))();

/** How long a not-now that names no date snoozes the lead. */
export const DEFAULT_REPLY_SNOOZE_DAYS = 90;
/** A snooze's re-engage must still end inside a Standard execution's year (docs/architecture.md §4.2). */
const MAX_REPLY_SNOOZE_DAYS = 330;
export const DEFAULT_REENGAGE_CADENCE = 're-engage';

/*
 * The sending governor (#15; functions/domain/sending-governor.ts). SES puts an account under review at a 5% bounce
 * rate or a 0.1% complaint rate (and may pause it at 10% / 0.5%): the defaults pause marketing sends below both.
 */
const rate = (what: string) =>
  z.number({ error: `must be a ${what} between 0 and 1, e.g. 0.04` }).check(z.gt(0), z.lt(1));
const perSecond = () => z.number({ error: 'must be a number of sends a second, e.g. 14' }).check(z.gt(0));
/** `ratePerSecond: "account"`: SES's MaxSendRate and Max24HourSend, asked with GetAccount (docs/architecture.md §8.12). */
export const ACCOUNT_RATE = 'account';
/** What an SES account in the sandbox may send (SES quotas: 1 email a second, 200 in 24 hours): safe on any account. */
export const SANDBOX_LIMITS = { ratePerSecond: 1, dailyCap: 200 } as const;
/** A 10DLC number's default MPS in End User Messaging SMS; a US toll-free number has 3, a short code 100. */
export const DEFAULT_SMS_RATE = 1;
export const SendingConfigSchema = /* @__PURE__ */ (() =>
  z.described(
    z.strictObject({
      dailyCap: z.optional(
        z.described(
          count(),
          'Most emails the sender sends in a day (the day of timeZone); immediate steps count but are never held. Unset: the account\'s Max24HourSend with "ratePerSecond": "account" (none when SES says -1), else no cap.',
        ),
      ),
      ramp: z._default(
        z.described(
          z.array(count()),
          'Daily caps for a new domain: day n after rampStart caps at ramp[n], then dailyCap, e.g. [50, 100, 200, 400].',
        ),
        [],
      ),
      rampStart: z.optional(
        z.described(
          z.iso.date({ error: (i) => `${JSON.stringify(i.input)} is not a date; use e.g. "2026-12-01"` }),
          'The first day of the ramp (ramp[0]), YYYY-MM-DD.',
        ),
      ),
      timeZone: z.optional(
        z.described(
          z.string().check(
            z.refine((zone) => isTimeZone(zone), {
              error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone; use e.g. "America/Chicago"`,
            }),
          ),
          'Where a sending day begins and ends; default: defaultTimeZone.',
        ),
      ),
      ratePerSecond: z._default(
        z.described(
          z.union([z.literal(ACCOUNT_RATE), perSecond()], {
            error: (i) =>
              `${JSON.stringify(i.input)} is not a rate; use "account" or a number of emails a second, e.g. 14`,
          }),
          'Emails a second across all touches (a token bucket in DynamoDB). "account": the SES account\'s MaxSendRate, asked with GetAccount at most every 15 minutes; if that fails, fallback.',
        ),
        ACCOUNT_RATE,
      ),
      fallback: z._default(
        z.described(
          z.strictObject({
            ratePerSecond: z._default(perSecond(), SANDBOX_LIMITS.ratePerSecond),
            dailyCap: z._default(count(), SANDBOX_LIMITS.dailyCap),
          }),
          "The rate and daily cap while GetAccount cannot be read (logged once): the SES sandbox's 1 a second and 200 a day, safe on any account.",
        ),
        { ...SANDBOX_LIMITS },
      ),
      local: z._default(
        z.described(
          z.strictObject({ ratePerSecond: z._default(perSecond(), 14), dailyCap: z.optional(count()) }),
          'What "account" means on the local runtime, which has no SES account to ask (the local SES has no GetAccount); simulate runs ungoverned.',
        ),
        { ratePerSecond: 14 },
      ),
      sms: z._default(
        z.described(
          z.strictObject({
            ratePerSecond: z._default(
              z.described(
                perSecond(),
                "Texts a second, a bucket of their own: your origination number's MPS (10DLC 1 by default, US toll-free 3, short code 100).",
              ),
              DEFAULT_SMS_RATE,
            ),
          }),
          'Texts: their own token bucket; marketing texts stop while sending is paused.',
        ),
        { ratePerSecond: DEFAULT_SMS_RATE },
      ),
      pause: z._default(
        z.described(
          z.strictObject({
            bounceRate: z._default(
              z.described(
                rate('bounce rate'),
                'Hard bounces over the window that pause; SES reviews at 0.05.',
              ),
              0.04,
            ),
            complaintRate: z._default(
              z.described(
                rate('complaint rate'),
                'Complaints over the window that pause; SES reviews at 0.001.',
              ),
              0.0008,
            ),
            overLast: z._default(
              z.described(count(), 'How many of the latest sends the rates are over.'),
              1000,
            ),
          }),
          'Pause every marketing email and text when bounces or complaints over the last overLast sends reach the rate; `followup sending resume` resumes.',
        ),
        { bounceRate: 0.04, complaintRate: 0.0008, overLast: 1000 },
      ),
    }),
    'The sending governor: a daily cap with a ramp, an account-wide send rate, a rate for texts and a reputation pause. Immediate (transactional) steps are never capped or paused.',
  ))();
export type SendingConfig = z.output<typeof SendingConfigSchema>;

/*
 * followup.config.json, validated: the deployment's business, sender, owner, cadences offered to forms and limits.
 * Pure, so synth, the local runtime and the CLI all reject a bad file with the same message.
 */

export const FollowupConfigSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    $schema: z.optional(z.string()),
    $comment: z.optional(z.string()),
    business: z.strictObject({
      name: z.string().check(z.minLength(1, { error: 'is empty; use the name leads know you by' })),
      postalAddress: z.string().check(
        z.minLength(10, {
          error: 'is too short; CAN-SPAM needs a full postal address in every marketing email',
        }),
      ),
      website: https,
    }),
    sender: z
      .strictObject({
        email,
        name: nonEmpty(),
        identity: z.union([domain, email]),
        createIdentity: z._default(z.boolean(), false),
      })
      // The From header is built from both: a name SES would refuse fails here, not on every touch.
      .check(
        z.superRefine((sender, ctx) => {
          try {
            formatMailbox(sender.name, sender.email);
          } catch (error) {
            if (!(error instanceof MailboxInvalid)) throw error;
            ctx.addIssue({ code: 'custom', path: ['name'], input: sender.name, message: error.message });
          }
        }),
      ),
    replyDomain: domain,
    owner: z.strictObject({ name: nonEmpty(), email, phone: z.nullish(e164) }),
    owners: z.described(
      z.optional(
        z.array(RepSchema).check(
          z.minLength(1, {
            error: 'is empty; list the reps, or leave "owners" out to give every lead to "owner"',
          }),
          z.refine((reps) => new Set(reps.map((r) => r.email.toLowerCase())).size === reps.length, {
            error: 'names a rep twice; each email may appear once',
          }),
        ),
      ),
      'The reps new leads are shared between: weighted round-robin, skipping reps off duty. "owner" stays the fallback: it gets escalations no rep took.',
    ),
    allowedOrigins: z
      .array(https)
      .check(z.minLength(1, { error: 'must list the site(s) whose forms post leads' })),
    defaultTimeZone: z.string().check(
      z.refine((zone) => isTimeZone(zone), {
        error: (i) => `${JSON.stringify(i.input)} is not an IANA time zone; use e.g. "America/Chicago"`,
      }),
    ),
    defaultCadence: z.string(),
    formCadences: z.array(z.string()).check(z.minLength(1)),
    frequencyCap: z.string().check(
      z.regex(/^[1-9][0-9]* per [1-9][0-9]* days?$/, {
        error: (i) => `${JSON.stringify(i.input)} is not a cap; use e.g. "3 per 7 days"`,
      }),
    ),
    sms: z._default(
      z.strictObject({
        originationNumber: z.nullish(e164),
        // Must match the number's SelfManagedOptOutsEnabled, or STOP and HELP are answered twice or not at all.
        optOuts: z._default(
          z.enum(['aws', 'self'], {
            error: (i) =>
              `${JSON.stringify(i.input)} is not an opt-out mode; use "aws" (the number's SelfManagedOptOutsEnabled is false: AWS answers STOP and HELP, the default, and the only choice on a US toll-free number) or "self" (SelfManagedOptOutsEnabled is true: Followup answers them)`,
          }),
          'aws',
        ),
      }),
      { originationNumber: null, optOuts: 'aws' },
    ),
    // Activating a receipt rule set switches off whichever one the region had active: opt in.
    // What a reply read as not-now or a referral starts (#14); the referral cadence defaults to defaultCadence.
    replies: z._default(
      z.strictObject({
        activateRuleSet: z._default(z.boolean(), false),
        snoozeDays: z.optional(
          z.number().check(
            z.int(),
            z.gte(1),
            z.lte(MAX_REPLY_SNOOZE_DAYS, {
              error: `must be at most ${MAX_REPLY_SNOOZE_DAYS}: re-engage has to finish within Step Functions' one-year limit`,
            }),
          ),
        ),
        referralCadence: z.optional(nonEmpty()),
        reengageCadence: z.optional(nonEmpty()),
      }),
      { activateRuleSet: false },
    ),
    sending: z.described(
      z.optional(z.union([z.literal(false), SendingConfigSchema])),
      'The sending governor (docs: README › Sending at scale). false: ungoverned, no request of its own; leaving it out is the same.',
    ),
    api: z._default(z.strictObject({ rateLimit: count(), burstLimit: count() }), {
      rateLimit: 20,
      burstLimit: 40,
    }),
  }))();

export type FollowupConfig = z.output<typeof FollowupConfigSchema>;

export class ConfigInvalid extends UserError {
  override readonly name = 'ConfigInvalid';
}

export interface CadenceFacts {
  /** Cadences whose templates use `cart.*` (cartCadenceIds in functions/adapters/cart-cadences.ts): a form cannot start them. */
  readonly cartCadences?: ReadonlySet<string>;
}

type Issue = z.core.$ZodIssue;

/**
 * `"sending": false | {…}` fails as one "Invalid input" union issue: name the problems of the branch the value meant
 * instead (the one whose issues are not about the value's own type), so a bad field says which and how to fix it.
 */
function branchIssues(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const meant = issue.errors.find((branch) => branch.some((i) => i.path.length > 0));
  if (!meant) return [issue];
  return meant.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as Issue).flatMap(branchIssues);
}

/** Validates the deployment configuration; every problem is named with its field and how to fix it. */
export function parseConfig(
  raw: unknown,
  source: string,
  cadenceIds: ReadonlySet<string>,
  facts: CadenceFacts = {},
): FollowupConfig {
  const result = FollowupConfigSchema.safeParse(raw, { reportInput: true });
  const problems = result.success
    ? []
    : result.error.issues.flatMap(branchIssues).map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (result.success) {
    const { referralCadence, reengageCadence } = result.data.replies;
    const named = [
      ...(referralCadence ? [referralCadence] : []),
      ...(reengageCadence ? [reengageCadence] : []),
    ];
    for (const id of [result.data.defaultCadence, ...result.data.formCadences, ...named]) {
      if (!cadenceIds.has(id))
        problems.push(`cadence "${id}" is not in cadences/; use one of ${[...cadenceIds].join(', ')}`);
    }
    if (!result.data.formCadences.includes(result.data.defaultCadence)) {
      problems.push('defaultCadence: must also be listed in formCadences');
    }
    for (const id of result.data.formCadences.filter((c) => facts.cartCadences?.has(c))) {
      problems.push(
        `formCadences: "${id}" needs a cart (its templates use cart.*) and a form has none; shop events start it: remove it from formCadences`,
      );
    }
  }
  if (problems.length > 0 || !result.success) {
    throw new ConfigInvalid(
      `${source} is not valid:\n  ${problems.join('\n  ')}\nFix it and run the command again.`,
    );
  }
  return result.data;
}

/**
 * What replies start, with the defaults filled in. A referral enrolls the person it names only in a cadence the
 * config names: that person never signed up, so writing to them is the business's choice, not a default (without
 * one, the owner is told to add them).
 */
export function replySettings(config: FollowupConfig): {
  readonly snoozeDays: number;
  readonly referralCadence?: string;
  readonly reengageCadence: string;
} {
  const { snoozeDays, referralCadence, reengageCadence } = config.replies;
  return {
    snoozeDays: snoozeDays ?? DEFAULT_REPLY_SNOOZE_DAYS,
    ...(referralCadence ? { referralCadence } : {}),
    reengageCadence: reengageCadence ?? DEFAULT_REENGAGE_CADENCE,
  };
}
