import type { FieldErrors } from '../core/field-errors.ts';
import { type EnrollDeps, enrollLead } from './enroll.ts';
import type { LeadProfile } from './lead.ts';
import { parseSubmission } from './lead-input.ts';

/*
 * A CSV row becomes a lead the way a form post does: the same validation (parseSubmission) and the same enrollment
 * (enrollLead), so an imported lead differs from a signed-up one only by its source, and a row imported twice is
 * enrolled once. The header is mapped once; what a row gets wrong is said against the file's own column names.
 */

/** The fields a row can carry, named as the signup form names them. */
export const IMPORT_FIELDS = [
  'email',
  'name',
  'firstName',
  'lastName',
  'company',
  'phone',
  'timezone',
  'note',
  'interest',
  'smsConsent',
  'consentText',
  'consentAt',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Header spellings, lower-cased with spaces, dashes and dots as "_". */
const ALIASES: Readonly<Record<string, ImportField>> = {
  email: 'email',
  e_mail: 'email',
  email_address: 'email',
  mail: 'email',
  name: 'name',
  full_name: 'name',
  contact_name: 'name',
  first_name: 'firstName',
  firstname: 'firstName',
  given_name: 'firstName',
  last_name: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  family_name: 'lastName',
  company: 'company',
  company_name: 'company',
  organization: 'company',
  organisation: 'company',
  business: 'company',
  phone: 'phone',
  phone_number: 'phone',
  mobile: 'phone',
  mobile_phone: 'phone',
  cell: 'phone',
  telephone: 'phone',
  timezone: 'timezone',
  time_zone: 'timezone',
  tz: 'timezone',
  note: 'note',
  notes: 'note',
  comment: 'note',
  comments: 'note',
  interest: 'interest',
  sms_consent: 'smsConsent',
  smsconsent: 'smsConsent',
  sms_opt_in: 'smsConsent',
  text_consent: 'smsConsent',
  consent_text: 'consentText',
  consenttext: 'consentText',
  consent_wording: 'consentText',
  sms_consent_text: 'consentText',
  consent_at: 'consentAt',
  sms_consent_at: 'consentAt',
  consent_date: 'consentAt',
  source: 'source',
  lead_source: 'source',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  utm_term: 'utm_term',
  utm_content: 'utm_content',
};

/** A header the import cannot work with: no email column, or two columns for one field. */
export class ImportHeaderInvalid extends Error {
  override readonly name = 'ImportHeaderInvalid';
}

export interface ColumnMap {
  /** The file's header, as written. */
  readonly header: readonly string[];
  /** The field of each column; undefined for a column the import does not know (its values are not used). */
  readonly fields: readonly (ImportField | undefined)[];
  /** Columns the import ignores, as written in the header. */
  readonly unknown: readonly string[];
}

const normalize = (column: string) =>
  column
    .trim()
    .toLowerCase()
    .replace(/[\s.\-/]+/g, '_');

/** Maps a CSV header to the import's fields; throws ImportHeaderInvalid when no column holds the email. */
export function mapHeader(header: readonly string[]): ColumnMap {
  const fields = header.map((column) => ALIASES[normalize(column)]);
  const seen = new Map<ImportField, string>();
  header.forEach((column, i) => {
    const field = fields[i];
    if (!field) return;
    const other = seen.get(field);
    if (other !== undefined) {
      throw new ImportHeaderInvalid(
        `the columns "${other}" and "${column}" both hold the ${field}; keep one of them`,
      );
    }
    seen.set(field, column);
  });
  if (!seen.has('email')) {
    throw new ImportHeaderInvalid(
      `the first line must be a header with an "email" column (found: ${header.map((c) => `"${c}"`).join(', ') || 'nothing'})`,
    );
  }
  const unknown = header.filter((column, i) => !fields[i] && column.trim() !== '');
  return { header, fields, unknown };
}

export type RowFields = Partial<Record<ImportField, string>>;

/** A row's values by field; a row with more values than the header has columns is refused. */
export function rowFields(
  map: ColumnMap,
  values: readonly string[],
): { fields: RowFields } | { error: string } {
  const extra = values.slice(map.header.length).filter((v) => v.trim() !== '');
  if (extra.length > 0) {
    return {
      error: `the row has ${values.length} values but the header has ${map.header.length} columns (a comma in a value that is not in quotes?)`,
    };
  }
  const fields: RowFields = {};
  map.fields.forEach((field, i) => {
    const value = values[i];
    if (field && value !== undefined && value.trim() !== '') fields[field] = value;
  });
  return { fields };
}

/** Whether a row has nothing in it but commas and spaces. */
export const blankRow = (values: readonly string[]) => values.every((v) => v.trim() === '');

export interface ImportRowOptions {
  readonly cadenceId: string;
  /** Recorded as where the lead came from (and where its SMS consent was recorded) when the row says neither. */
  readonly origin: string;
  /** The column each field came from, so errors name what the user sees; the field name otherwise. */
  readonly columnOf?: (field: string) => string | undefined;
}

export type RowOutcome =
  | {
      readonly kind: 'enrolled';
      /**
       * `started`: this row enrolled the lead; `existing`: it was already enrolled in the cadence; `pending`: this row
       * enrolled it but its start failed, so the sweeper starts it (docs/architecture.md §3.4).
       */
      readonly status: 'started' | 'existing' | 'pending';
      readonly leadId: string;
      readonly enrollmentId: string;
    }
  /** Valid, but the lead may not be enrolled: suppressed, won, lost… (the reason says which). */
  | { readonly kind: 'not-enrolled'; readonly leadId: string; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

/** The submission fields parseSubmission takes, from a row. */
export function submissionOf(fields: RowFields): Record<string, string> {
  const { firstName, lastName, consentAt: _consentAt, ...rest } = fields;
  const name = rest.name ?? ([firstName, lastName].filter(Boolean).join(' ') || undefined);
  return Object.fromEntries(
    Object.entries({ ...rest, ...(name ? { name } : {}) }).filter(([, v]) => v !== undefined),
  ) as Record<string, string>;
}

/** "phone: is not a phone number…; email: …", naming the file's columns. */
export function rejectionReason(
  errors: FieldErrors,
  columnOf?: (field: string) => string | undefined,
): string {
  const column = (field: string) =>
    columnOf?.(field) ?? columnOf?.(field === 'name' ? 'firstName' : field) ?? FIELD_COLUMN[field] ?? field;
  return Object.entries(errors)
    .map(([field, message]) => `${column(field)}: ${message}`)
    .join('; ');
}

/** The column a user would add for a field the row lacks. */
const FIELD_COLUMN: Readonly<Record<string, string>> = {
  smsConsent: 'sms_consent',
  consentText: 'consent_text',
  consentAt: 'consent_at',
  timezone: 'timezone',
};

/** When consent was given, if the row says: a date or an instant in the past. */
function consentInstant(value: string | undefined, now: Date): string | { error: string } | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  const ms = Date.parse(at);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    return { error: 'is not a date; use e.g. 2026-03-01 or 2026-03-01T15:00:00Z' };
  }
  if (ms > now.getTime()) return { error: 'is in the future; it is when the lead agreed to texts' };
  return new Date(ms).toISOString();
}

/** Validates a row as the signup form would and enrolls its lead; never throws for what the row says. */
export async function importRow(
  deps: EnrollDeps,
  fields: RowFields,
  options: ImportRowOptions,
  now: Date,
): Promise<RowOutcome> {
  const parsed = parseSubmission(submissionOf(fields), {
    allowedCadences: [options.cadenceId],
    defaultCadence: options.cadenceId,
    page: options.origin,
    now,
  });
  const consentAt = consentInstant(fields.consentAt, now);
  const errors: FieldErrors = parsed.kind === 'invalid' ? { ...parsed.errors } : {};
  if (typeof consentAt === 'object') errors.consentAt = consentAt.error;
  if (parsed.kind !== 'lead' || Object.keys(errors).length > 0) {
    return {
      kind: 'rejected',
      reason: rejectionReason(
        Object.keys(errors).length > 0 ? errors : { email: 'was not accepted' },
        options.columnOf,
      ),
    };
  }
  const profile: LeadProfile =
    parsed.profile.smsConsent && typeof consentAt === 'string'
      ? { ...parsed.profile, smsConsent: { ...parsed.profile.smsConsent, at: consentAt } }
      : parsed.profile;
  // An import is not a raised hand: a lead that is won, lost or in nurture stays where it is.
  const result = await enrollLead(deps, { profile, cadenceId: options.cadenceId, source: 'import' }, now);
  const { enrollment } = result;
  return enrollment.status === 'not-enrolled'
    ? { kind: 'not-enrolled', leadId: result.leadId, reason: enrollment.reason }
    : { kind: 'enrolled', status: enrollment.status, leadId: result.leadId, enrollmentId: enrollment.id };
}
