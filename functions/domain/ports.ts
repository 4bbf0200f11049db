import type { Cadence, Channel } from '../core/cadence-schema.ts';
import type { TemplateSource } from '../core/template-file.ts';
import type { Lead, LeadProfile, LeadStatus } from './lead.ts';

/*
 * What the domain needs from the outside world. Adapters implement these with the AWS SDK (functions/adapters),
 * tests and the local runtime with whatever they like; the domain imports no SDK.
 */

/** A status change or another dated fact about a lead, with what caused it. */
export interface LeadEvent {
  readonly at: string;
  /** e.g. "status", "created", "enrolled", "sms-consent". */
  readonly kind: string;
  /** What caused it: "intake", "cadence:web-inquiry", "ses", "rep". */
  readonly source: string;
  readonly from?: LeadStatus;
  readonly to?: LeadStatus;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** How a signup changes a lead that may already exist. */
export interface LeadUpsert {
  /** The whole record, written when the lead is new. */
  readonly create: Lead;
  /** Fields that replace what is stored (the lead's latest word, e.g. its zone or a fresh consent). */
  readonly replace: Partial<LeadProfile>;
  /** Fields written only where the stored lead has none (first-touch attribution, contact details). */
  readonly fill: Partial<LeadProfile>;
}

/** The running enrollment of a lead in a cadence; at most one per lead × cadence. */
export interface ActivePointer {
  readonly leadId: string;
  readonly cadenceId: string;
  readonly enrollmentId: string;
  /** The exact StartExecution input, so whoever finds the pointer can (re)start the same execution. */
  readonly inputJson: string;
  readonly createdAt: string;
  /** When the last touch is due: a pointer long past it belongs to an execution that has ended. */
  readonly endsAt: string;
}

/**
 * `pending` until its execution starts (a failed start is retried by the sweeper); `stuck` when the sweeper gave up
 * (a refusal no retry fixes, or too many failures); `cancelled` when the lead left before it could start.
 */
export type EnrollmentStatus = 'pending' | 'started' | 'stuck' | 'cancelled';

export interface EnrollmentRecord {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly cadenceId: string;
  readonly enrolledAt: string;
  /** The exact StartExecution input (a string: a DynamoDB map would not keep key order). */
  readonly inputJson: string;
  readonly status: EnrollmentStatus;
  /** What enrolled the lead: "intake", "cadence:web-inquiry", "import". */
  readonly source: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly executionArn?: string;
  /** How many starts have failed so far. */
  readonly startAttempts?: number;
  /** Why it has not started: the last start failure (pending, stuck), or why it never will (cancelled). */
  readonly reason?: string;
  /** When the sweeper tries the start again, while it is pending after a failure. */
  readonly retryAt?: string;
  /** When it became `stuck` or `cancelled`. */
  readonly endedAt?: string;
}

/** A due-retry marker: the sweeper starts the enrollment it names once `dueAt` has passed, unless it has started. */
export interface StartRetry {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly cadenceId: string;
  /** ISO 8601, UTC. */
  readonly dueAt: string;
}

/** What a failed start leaves on a pending enrollment. */
export interface StartFailure {
  readonly at: string;
  readonly attempts: number;
  readonly reason: string;
  /** The next try, when there is one; without it the enrollment is given up as `stuck`. */
  readonly retryAt?: string;
}

export interface TouchKey {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
}

/** `unconfirmed`: it may or may not have gone out (a lost answer, or a claim that never finished); a person decides. */
export type TouchStatus = 'claimed' | 'sent' | 'skipped' | 'failed' | 'unconfirmed';

export interface TouchRecord extends TouchKey {
  readonly cadenceId: string;
  readonly stepId: string;
  readonly channel: Channel;
  readonly template: string;
  /** The step's variant this lead got, on a step with `variants` (functions/core/variant.ts). */
  readonly variant?: string;
  readonly scheduledAt: string;
  readonly status: TouchStatus;
  /** Why a touch was skipped, failed or is unconfirmed, e.g. "frequency-cap", "MessageRejected". */
  readonly reason?: string;
  readonly messageId?: string;
  readonly at: string;
  /** When the send was claimed (a `claimed` record, and what became of one): how old a claim is. */
  readonly claimedAt?: string;
  /** When it was given up as unconfirmed. */
  readonly unconfirmedAt?: string;
  /** Who sent it again by hand, and when. */
  readonly redrivenBy?: string;
  readonly redrivenAt?: string;
}

/** A claim's marker: written with the claim, removed when the touch finishes, so old claims are found by a Query. */
export interface ClaimMarker extends TouchKey {
  readonly claimedAt: string;
}

export interface TouchOutcome {
  /** An unconfirmed touch is recorded by `markTouchUnconfirmed`, which also lists it for a redrive. */
  readonly status: Exclude<TouchStatus, 'claimed' | 'unconfirmed'>;
  readonly at: string;
  readonly reason?: string;
  readonly messageId?: string;
}

export interface Contact {
  readonly at: string;
  readonly channel: Channel;
  readonly template: string;
  /** The cadence and enrollment of the touch: what a later reply or deal is counted for. */
  readonly cadenceId: string;
  readonly enrollmentId: string;
  /** The lead's next scheduled touch; absent after the last one. */
  readonly nextTouchAt?: string;
}

/** What recording a sent touch found, read in the same atomic write. */
export interface ContactRecorded {
  /** The lead's touch count with this touch: this was its n-th touch. */
  readonly touchCount: number;
  /** The enrollment of the lead's touch before this one, if any. */
  readonly previousEnrollmentId?: string;
  /** When the lead got its first touch (this one, for a first touch). */
  readonly firstContactAt: string;
}

/** A call or manual step for the lead's owner. */
/** One touch's task: a lead's enrollment and the step's index in it. */
export interface TaskId {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
}

export interface RepTask {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
  readonly cadenceId: string;
  readonly stepId: string;
  readonly channel: 'call' | 'task';
  readonly owner: string;
  readonly title: string;
  readonly script: string;
  readonly dueAt: string;
  readonly createdAt: string;
}

/** Facts a signal records on the lead besides its status. */
export type LeadFacts = Partial<
  Pick<
    Lead,
    | 'dealValue'
    | 'dealCurrency'
    | 'wonAt'
    | 'snoozedUntil'
    | 'smsConsent'
    | 'smsOptedOutAt'
    | 'nextTouchAt'
    | 'lostReason'
    | 'reading'
  >
>;
export type LeadFactName = keyof LeadFacts;

/** Where a signal's idempotency marker lives: on its lead, or on its own when it matched no lead. */
export interface SignalKey {
  readonly leadId?: string;
  /** The dedupe id: the SES message id, the inbound SMS id, `order:<orderId>`… */
  readonly signalId: string;
}

export interface SignalMarker extends SignalKey {
  readonly type: string;
  readonly source: string;
  readonly claimedAt: string;
}

/** Why an address is on the suppression list; the address itself never is, only its hash. */
export interface Suppression {
  /** "bounce", "complaint", "unsubscribe", "sms-stop". */
  readonly reason: string;
  readonly source: string;
  readonly at: string;
  readonly leadId?: string;
}

/** Secondary keys that lead to a lead: its phone (an inbound text), a shop's cart id (an order). */
export type LeadLookup = 'phone' | 'cart';

export interface LeadStore {
  /** Creates the lead or updates the one with its id; `created` says which. No transaction needed. */
  upsertLead(upsert: LeadUpsert): Promise<{ lead: Lead; created: boolean }>;
  /** A consistent read: what a signal wrote a moment ago is seen. */
  getLead(leadId: string): Promise<Lead | undefined>;
  /**
   * Moves the status from `from` to `to` if it still is `from`, with `facts` in the same write, and records the
   * event; false if it was not.
   */
  changeStatus(
    leadId: string,
    from: LeadStatus,
    to: LeadStatus,
    event: LeadEvent,
    facts?: LeadFacts,
  ): Promise<boolean>;
  /** Sets `facts` and removes `remove` on an existing lead, status untouched; false if there is no lead. */
  updateLead(leadId: string, facts: LeadFacts, remove?: readonly LeadFactName[]): Promise<boolean>;
  recordEvent(leadId: string, event: LeadEvent): Promise<void>;
  /** Whether any of the suppression keys (see `suppressionKey`) is on the suppression list. */
  isSuppressed(keys: readonly string[]): Promise<boolean>;

  /** Takes the lead × cadence slot; returns the pointer that holds it when that is another enrollment. */
  claimActive(pointer: ActivePointer, replacing?: string): Promise<ActivePointer | undefined>;
  /** Frees the slot if it still belongs to `enrollmentId`; false if it did not. */
  releaseActive(leadId: string, cadenceId: string, enrollmentId: string): Promise<boolean>;
  listActive(leadId: string): Promise<ActivePointer[]>;
  putEnrollment(record: EnrollmentRecord): Promise<void>;
  getEnrollment(leadId: string, enrollmentId: string): Promise<EnrollmentRecord | undefined>;
  markEnrollmentStarted(
    leadId: string,
    enrollmentId: string,
    at: string,
    executionArn?: string,
  ): Promise<void>;
  /** Puts a due-retry marker; one with the same key stays as it is. */
  scheduleStartRetry(retry: StartRetry): Promise<void>;
  /** The markers due at `now` or earlier, earliest first, at most `limit`: one Query, never a scan. */
  dueStartRetries(now: string, limit: number): Promise<StartRetry[]>;
  clearStartRetry(retry: StartRetry): Promise<void>;
  /** Records a failed start on an enrollment that is still pending; false if it is not (it started meanwhile). */
  markStartFailed(leadId: string, enrollmentId: string, failure: StartFailure): Promise<boolean>;
  /** Marks a pending enrollment `cancelled` with the reason; false if it is not pending. */
  cancelEnrollment(leadId: string, enrollmentId: string, reason: string, at: string): Promise<boolean>;
  /** Sets the lead's next touch if it has none, or a later or past one. */
  setNextTouch(leadId: string, at: string, now: string): Promise<void>;

  /**
   * Writes the touch record unless one exists that is not `failed`; returns that one when it does. A `claimed`
   * record (with `claimedAt`) gets its claim marker first, so no claim is ever without one.
   */
  claimTouch(record: TouchRecord): Promise<TouchRecord | undefined>;
  /** Records the outcome of a claimed touch and removes its claim marker. */
  finishTouch(key: TouchKey, outcome: TouchOutcome): Promise<void>;
  /** Deletes a claim (and its marker) so a retry can send. */
  releaseTouch(key: TouchKey): Promise<void>;
  getTouch(key: TouchKey): Promise<TouchRecord | undefined>;
  /** The claim markers taken before `before`, oldest first, at most `limit`: one Query, never a scan. */
  claimMarkersBefore(before: string, limit: number): Promise<ClaimMarker[]>;
  clearClaimMarker(marker: ClaimMarker): Promise<void>;
  /**
   * Turns a touch still `claimed` at `claimedAt` into `unconfirmed` with the reason, lists it for a redrive and
   * removes its claim marker; false if it is no longer that claim (it finished, or another attempt took it).
   */
  markTouchUnconfirmed(marker: ClaimMarker, reason: string, at: string): Promise<boolean>;
  /** The touches listed as unconfirmed that still are, oldest first, at most `limit`: by key, never a scan. */
  unconfirmedTouches(limit: number): Promise<TouchRecord[]>;
  /** Takes an `unconfirmed` touch back as `claimed` (with a marker) for a redrive by `by`; false if it was not. */
  reclaimUnconfirmed(key: TouchKey, by: string, at: string): Promise<boolean>;
  /** Takes the touch off the redrive list (it was redriven, or is not unconfirmed any more). */
  clearUnconfirmed(key: TouchKey): Promise<void>;
  /** Replaces the lead's recent sends if `sendsVersion` is still `version`; false if another send got there first. */
  reserveSends(leadId: string, version: number, recentSends: readonly string[]): Promise<boolean>;
  /**
   * Records a sent touch on the lead, in one write: last contact, channel, template, cadence, counts, next touch.
   * Undefined when there is no such lead.
   */
  recordContact(leadId: string, contact: Contact): Promise<ContactRecorded | undefined>;
  putTask(task: RepTask): Promise<void>;
  /** The task done at `at`: off the reps' open list, `done` on its lead; nothing when it is already, or absent. */
  closeTask(task: TaskId, at: string): Promise<void>;

  /** Puts each key (see `suppressionKey`) on the suppression list; a key already there stays as it is. */
  suppress(keys: readonly string[], suppression: Suppression): Promise<void>;
  /** Takes a key off the list if it was put there for `reason` (an SMS STOP undone by START); false if not. */
  unsuppress(key: string, reason: string): Promise<boolean>;
  /** Points a phone (E.164) or a cart id at a lead. Upserting a lead with a phone does it for the phone. */
  linkLead(lookup: LeadLookup, value: string, leadId: string): Promise<void>;
  findLeadId(lookup: LeadLookup, value: string): Promise<string | undefined>;

  /**
   * Takes a signal's marker with a conditional write: true when this delivery is the first (or the earlier one
   * crashed: its marker was claimed before `staleBefore` and never finished), false for a duplicate.
   */
  claimSignal(marker: SignalMarker, staleBefore: string): Promise<boolean>;
  /** Marks the signal applied: every later delivery is a duplicate. */
  finishSignal(key: SignalKey, at: string, outcome: string): Promise<void>;
  /** Gives up an unfinished claim after a failure, so the retry applies the signal. */
  releaseSignal(key: SignalKey): Promise<void>;
}

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly replyTo?: readonly string[];
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** Values are reduced to [A-Za-z0-9_-]; never put an address in a tag. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface OutgoingSms {
  /** E.164. */
  readonly to: string;
  readonly text: string;
}

export interface SmsSender {
  send(sms: OutgoingSms): Promise<{ messageId: string }>;
}

export interface Executions {
  /** Starts the cadence's state machine; an execution of that name that already exists is success. */
  start(
    cadenceId: string,
    name: string,
    inputJson: string,
  ): Promise<{ executionArn?: string; alreadyExisted: boolean }>;
  /** Stops the enrollment's execution; one that does not exist or has already ended is success. */
  stop(cadenceId: string, name: string): Promise<void>;
}

/** The raw MIME of a received email, by its SES message id (SES receipt rule: S3 action, then Lambda). */
export interface RawMailStore {
  get(messageId: string): Promise<Uint8Array | undefined>;
}

export interface Secrets {
  get(secretId: string): Promise<string>;
}

export interface CadenceCatalog {
  get(id: string): Promise<Cadence | undefined>;
  ids(): Promise<readonly string[]>;
}

export type TemplateLoader = (name: string) => Promise<TemplateSource>;

/** Structured logs: lead ids and outcomes, never addresses. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
