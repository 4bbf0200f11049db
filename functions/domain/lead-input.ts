import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type FieldErrors, fieldErrors } from '../core/field-errors.ts';
import { oneLine } from '../core/one-line.ts';
import * as z from '../core/zod.ts';
import { isTimeZone } from '../core/zoned.ts';
import type { LeadProfile, Utm } from './lead.ts';
import { normalizeEmail } from './lead.ts';

/*
 * A signup as a web form or a JSON client posts it, validated into a LeadProfile. Every problem is reported against
 * its field, in words for the person filling the form, so the endpoint can answer with field-level errors.
 */

export interface SubmissionOptions {
  readonly allowedCadences: readonly string[];
  readonly defaultCadence: string;
  /** The page the form was on (Referer), recorded as where consent was given when the form does not say. */
  readonly page?: string;
  readonly now: Date;
}

export type SubmissionResult =
  | {
      readonly kind: 'lead';
      readonly profile: LeadProfile;
      readonly cadenceId: string;
      /** Where a browser goes afterwards, as posted; the HTTP layer checks it against the allowed origins. */
      readonly redirect?: string;
    }
  /** The honeypot field was filled: answer as if all went well and keep nothing. */
  | { readonly kind: 'bot'; readonly cadenceId: string; readonly email: string; readonly redirect?: string }
  | { readonly kind: 'invalid'; readonly errors: FieldErrors };

/** Form fields arrive as strings, repeated fields as arrays (the last one wins: a checkbox after its hidden twin). */
function scalar(value: unknown): unknown {
  const last = Array.isArray(value) ? value.at(-1) : value;
  if (typeof last === 'number' || typeof last === 'boolean') return String(last);
  if (typeof last === 'string') return last.trim() === '' ? undefined : last.trim();
  return last ?? undefined;
}

const text = (max: number, what = 'text') =>
  z.preprocess(
    scalar,
    z.optional(
      z
        .string({ error: `must be ${what}` })
        .check(z.maxLength(max, { error: `is too long; keep it under ${max} characters` })),
    ),
  );

/** A one-line field (a name, a company): cleaned as every header value is, so it can reach a subject as it is. */
const line = (max: number) =>
  z.preprocess(
    scalar,
    z.optional(
      z.pipe(
        z
          .string({ error: 'must be text' })
          .check(z.maxLength(max, { error: `is too long; keep it under ${max} characters` })),
        // Cleaning never lengthens: a value within `max` comes back whole; one of only controls is no value.
        z.transform((value: string) => oneLine(value, max) || undefined),
      ),
    ),
  );

// A domain label: letters, digits and inner hyphens; a top-level domain is letters, or an IDN's xn-- form.
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]*[a-z0-9])$/i;
// Zod's local part; the domain by the rules above (zod's own refuses an xn-- top-level domain).
const ADDRESS =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]*[a-z0-9])$/i;

/**
 * Why the domain of `email` cannot receive mail (RFC 1035 label rules, a real top-level domain's shape), in words
 * that say the fix; undefined when it can, or when there is no domain to judge (the address check says so).
 */
export function emailDomainProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (at <= 0 || domain === '') return undefined;
  const fix = 'check what follows the @, e.g. jordan@example.com';
  if (domain.length > 253) return `has a domain longer than 253 characters; ${fix}`;
  const labels = domain.split('.');
  if (labels.length < 2) return `needs a domain with a dot after the @, e.g. jordan@example.com`;
  if (labels.some((label) => label === ''))
    return `has an empty part in its domain (two dots, or a dot at an end); ${fix}`;
  if (labels.some((label) => label.length > 63)) return `has a domain part longer than 63 characters; ${fix}`;
  for (const label of labels) {
    if (label.startsWith('-') || label.endsWith('-')) {
      return `has a domain part that starts or ends with "-", which no domain can; ${fix}`;
    }
    if (!LABEL.test(label)) {
      return `has a character no domain holds (use letters, digits and "-", an accented domain in its xn-- form); ${fix}`;
    }
  }
  if (!TOP_LEVEL.test(labels.at(-1) ?? '')) {
    return `does not end in a top-level domain (letters, at least two, like .com or .co.uk); ${fix}`;
  }
  return undefined;
}

/** Zones already checked, at most this many: a new zone's check builds an Intl formatter. */
const MAX_CHECKED_ZONES = 512;
const checkedZones = new Map<string, boolean>();

/** Whether a zone is an IANA zone, remembered: an import asks for the same few zones row after row. */
function knownZone(zone: string): boolean {
  let valid = checkedZones.get(zone);
  if (valid === undefined) {
    valid = isTimeZone(zone);
    // Bounded, so a stream of made-up zones from the public form cannot grow it.
    if (checkedZones.size < MAX_CHECKED_ZONES) checkedZones.set(zone, valid);
  }
  return valid;
}

/** An email address as every entry point takes it (form, import, shop): normalized, its domain one that can exist. */
export const EmailAddress = z.pipe(
  z
    .pipe(
      z
        .string({ error: 'is required; enter an email address, e.g. jordan@example.com' })
        .check(z.maxLength(254, { error: 'is too long for an email address' })),
      z.transform(normalizeEmail),
    )
    .check(
      z.superRefine((email, ctx) => {
        const problem = emailDomainProblem(email);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  z.email({ pattern: ADDRESS, error: 'is not an email address; use e.g. jordan@example.com' }),
);

const CHECKED = new Set(['on', 'true', 'yes', '1']);
const UNCHECKED = new Set(['off', 'false', 'no', '0']);

const checkbox = z.preprocess(
  scalar,
  z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined, ctx) => {
      if (value === undefined) return false;
      const v = value.toLowerCase();
      if (CHECKED.has(v)) return true;
      if (UNCHECKED.has(v)) return false;
      return z.reject(ctx, 'must be checked ("on" or true) or left out');
    }),
  ),
);

const EXAMPLE_PHONE = '(312) 555-0142, or +44 20 7946 0958 outside the US';

/** The schema of the last list of allowed cadences: building it costs more than a signup's validation. */
let lastSchema: { readonly key: string; readonly schema: ReturnType<typeof buildSchema> } | undefined;

function submissionSchema(options: SubmissionOptions) {
  const key = options.allowedCadences.join('\n');
  if (lastSchema?.key !== key) lastSchema = { key, schema: buildSchema(new Set(options.allowedCadences)) };
  return lastSchema.schema;
}

function buildSchema(allowed: ReadonlySet<string>) {
  return z.object({
    email: z.preprocess(scalar, EmailAddress),
    name: line(200),
    company: line(200),
    phone: z.preprocess(
      scalar,
      z.optional(
        z.pipe(
          z
            .string({ error: 'must be text' })
            .check(z.maxLength(40, { error: 'is too long for a phone number' })),
          z.transform((value: string, ctx) => {
            const phone = parsePhoneNumberFromString(value, 'US');
            if (phone?.isValid()) return phone.number;
            return z.reject(ctx, `is not a phone number; include the area code, e.g. ${EXAMPLE_PHONE}`);
          }),
        ),
      ),
    ),
    smsConsent: checkbox,
    consentText: text(1000),
    timezone: z.preprocess(
      scalar,
      z.optional(
        z.string({ error: 'must be text' }).check(
          z.refine(knownZone, {
            error: 'is not a time zone; use an IANA zone such as America/Chicago',
          }),
        ),
      ),
    ),
    note: text(2000),
    interest: line(200),
    cadence: z.preprocess(
      scalar,
      z.optional(
        z
          .string({ error: 'must be text' })
          .check(z.refine((id) => allowed.has(id), { error: 'is not a follow-up this form can start' })),
      ),
    ),
    source: text(2000),
    utm_source: line(200),
    utm_medium: line(200),
    utm_campaign: line(200),
    utm_term: line(200),
    utm_content: line(200),
    redirect: text(2000),
  });
}

/** Checks across fields, on the raw values, so they are reported alongside every other field's problem. */
function consentErrors(fields: Record<string, unknown>): FieldErrors {
  const consent = CHECKED.has(String(scalar(fields.smsConsent) ?? '').toLowerCase());
  if (!consent) return {};
  return {
    ...(scalar(fields.phone) === undefined ? { phone: 'is needed to receive text messages' } : {}),
    ...(scalar(fields.consentText) === undefined
      ? { consentText: 'is required with smsConsent: send the consent wording the form showed' }
      : {}),
  };
}

const HONEYPOT = 'website';

/** Validates a posted signup: a lead profile and its cadence, a bot, or the errors of each field. */
export function parseSubmission(body: unknown, options: SubmissionOptions): SubmissionResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'invalid', errors: { body: 'must be a JSON object or a form post of fields' } };
  }
  const fields = body as Record<string, unknown>;
  if (scalar(fields[HONEYPOT]) !== undefined) {
    const redirect = scalar(fields.redirect);
    return {
      kind: 'bot',
      cadenceId: options.defaultCadence,
      email: String(scalar(fields.email) ?? ''),
      ...(typeof redirect === 'string' ? { redirect } : {}),
    };
  }
  const parsed = submissionSchema(options).safeParse(fields);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  for (const [field, message] of Object.entries(consentErrors(fields))) errors[field] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  const v = parsed.data;
  const source = v.source ?? options.page;
  const utm: Utm = compact({
    source: v.utm_source,
    medium: v.utm_medium,
    campaign: v.utm_campaign,
    term: v.utm_term,
    content: v.utm_content,
  });
  const profile: LeadProfile = compact({
    email: v.email,
    name: v.name,
    company: v.company,
    phone: v.phone,
    zone: v.timezone,
    note: v.note,
    interest: v.interest,
    source,
    utm: Object.keys(utm).length > 0 ? utm : undefined,
    smsConsent:
      v.smsConsent && v.consentText
        ? { at: options.now.toISOString(), source: source ?? 'web form', wording: v.consentText }
        : undefined,
  });
  return {
    kind: 'lead',
    profile,
    cadenceId: v.cadence ?? options.defaultCadence,
    ...(v.redirect ? { redirect: v.redirect } : {}),
  };
}

/** Drops undefined fields: DynamoDB and the template context both treat "absent" and "undefined" differently. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
