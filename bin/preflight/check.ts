import type {
  EmailIdentityFacts,
  PhoneNumberFacts,
  QuotaFacts,
  SendingAccountFacts,
} from '../../functions/adapters/aws-account-reader.ts';

/*
 * What the deploy preflight's checks share: the facts the read-only calls returned, the part of the configuration they
 * judge, and the shape of a check's verdict. Each check is a pure function of these, so it is tested without AWS.
 */

export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly name: string; readonly message: string };

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

export interface PreflightFacts {
  readonly region: string;
  readonly stackName: string;
  /** The stack's outputs; undefined before the first deploy. */
  readonly stack: Read<Record<string, string> | undefined>;
  readonly senderIdentity: Read<EmailIdentityFacts | undefined>;
  /** The From address as an identity of its own; absent when the From address is the configured identity. */
  readonly fromAddressIdentity?: Read<EmailIdentityFacts | undefined>;
  readonly account: Read<SendingAccountFacts>;
  readonly activeRuleSet: Read<string | undefined>;
  /** The reply domain's MX records; undefined when it has none. */
  readonly replyMx: Read<readonly MxRecord[] | undefined>;
  /** Whether `inbound-smtp.<region>.amazonaws.com` exists: SES receives email only in regions that have one. */
  readonly inboundEndpoint: Read<boolean>;
  /** Present when the configuration names an origination number. */
  readonly sms?: {
    readonly number: Read<PhoneNumberFacts | undefined>;
    /** Present when the number carries a registration id. */
    readonly registration?: Read<string | undefined>;
    readonly accountTier: Read<string | undefined>;
  };
  readonly openExecutions: Read<QuotaFacts | undefined>;
}

/** The part of followup.config.json the checks read. */
export interface PreflightConfig {
  readonly sender: { readonly email: string; readonly identity: string };
  readonly replyDomain: string;
  readonly sms: { readonly originationNumber?: string | null | undefined; readonly optOuts: 'aws' | 'self' };
  readonly api: { readonly rateLimit: number };
}

export type CheckStatus = 'ready' | 'fix' | 'unknown';

export interface Check {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** One line: what was found. */
  readonly summary: string;
  /** What to do, each a command, a console page or a DNS record. Empty when ready. */
  readonly fix: readonly string[];
  /** Why it matters, and what else was found. */
  readonly notes: readonly string[];
}

export const count = (n: number) => n.toLocaleString('en-US');

export function check(
  id: string,
  title: string,
  status: CheckStatus,
  summary: string,
  fix: readonly string[] = [],
  notes: readonly string[] = [],
): Check {
  return { id, title, status, summary, fix, notes };
}

/** A read that failed: the check cannot say ready, and says which permission or setting it needed. */
export function unreadable(
  id: string,
  title: string,
  failed: { name: string; message: string },
  action: string,
): Check {
  return check(id, title, 'unknown', `could not read: ${failed.name}: ${failed.message}`, [
    failed.name === 'AccessDeniedException' || failed.name === 'AccessDenied'
      ? `allow ${action} for the credentials you run the doctor with, then run it again`
      : `run the doctor again; if it keeps failing, check ${action} by hand`,
  ]);
}
