import { INTENTS } from '../core/intent-labels.ts';
import * as z from '../core/zod.ts';

/*
 * Every way a cadence must stop (docs/architecture.md §4), as one versioned, discriminated signal type: what each
 * provider reports, parsed at the edge and applied by applySignal (signals.ts).
 */

const Instant = z.iso.datetime({ offset: true });
const Phone = z.string().check(z.regex(/^\+[1-9][0-9]{6,14}$/, { error: 'must be an E.164 number' }));
const Currency = z.string().check(z.regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code, e.g. USD' }));
const MessageId = z.optional(z.string().check(z.minLength(1)));
const OptOutWords = z.string().check(z.minLength(1), z.maxLength(500));

const base = {
  v: z.literal(1),
  /** The dedupe id: the same fact delivered twice carries the same id. */
  id: z.string().check(z.minLength(1), z.maxLength(512)),
  leadId: z.string().check(z.minLength(1)),
  /** When it happened, as its provider says (SES, SNS, EventBridge), so a redelivery records the same instant. */
  at: Instant,
  /** What reported it: "ses-inbound", "ses-events", "list-unsubscribe", "sms", "rep", "shop". */
  source: z.string().check(z.minLength(1)),
};

/** The reply reader's labels: the signal carries what the reply was read as. */
export const READING_LABELS = INTENTS;
export type ReadingLabel = (typeof READING_LABELS)[number];

/** What a reply was read as; `until` is the snooze's end, already resolved to an instant (a default when none). */
export const ReadingSchema = z.object({
  label: z.enum(READING_LABELS),
  confidence: z.number().check(z.gte(0), z.lte(1)),
  cue: z.string().check(z.maxLength(500)),
  until: z.optional(Instant),
  reason: z.optional(z.enum(['wrong-person', 'left-company'])),
});
export type SignalReading = z.infer<typeof ReadingSchema>;
const reading = z.optional(ReadingSchema);

export const OUTCOME_RESULTS = ['replied', 'meeting', 'won', 'lost', 'not-now'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];
/**
 * What a rep can record from a task email: an outcome, or `done` — the call or step is done (e.g. called, no answer
 * yet), the lead's status stays. Each of them marks the task done (functions/domain/outcome-task.ts).
 */
export const TASK_RESULTS = ['done', ...OUTCOME_RESULTS] as const;
export type TaskResult = (typeof TASK_RESULTS)[number];

export const SignalSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('reply'), messageId: MessageId, reading }),
  /** An out-of-office answer; `until` is the return date it names, when it names one. */
  z.object({
    ...base,
    type: z.literal('auto-reply'),
    messageId: MessageId,
    until: z.optional(Instant),
    reading,
  }),
  z.object({
    ...base,
    type: z.literal('bounce'),
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.optional(z.string()),
    /** The bounced recipients; the lead's email when absent. */
    addresses: z.optional(z.array(z.string())),
    messageId: MessageId,
  }),
  z.object({
    ...base,
    type: z.literal('complaint'),
    addresses: z.optional(z.array(z.string())),
    feedbackType: z.optional(z.string()),
    messageId: MessageId,
  }),
  /** `words`: the request to stop, as the lead wrote it, when it came in words rather than a link. */
  z.object({ ...base, type: z.literal('unsubscribe'), words: z.optional(OptOutWords), reading }),
  /** A STOP keyword, or an opt-out in words ("please stop texting me"): either revokes SMS consent. */
  z.object({
    ...base,
    type: z.literal('sms-stop'),
    phone: Phone,
    keyword: z.optional(z.string()),
    words: z.optional(OptOutWords),
    reading,
  }),
  z.object({
    ...base,
    type: z.literal('sms-start'),
    phone: Phone,
    keyword: z.string(),
    /** AWS still has the number on its opt-out list: the START is recorded, and consent stays revoked. */
    stillOptedOut: z.optional(z.literal(true)),
  }),
  z.object({ ...base, type: z.literal('sms-help'), phone: Phone }),
  z.object({ ...base, type: z.literal('sms-reply'), phone: Phone, reading }),
  z.object({
    ...base,
    type: z.literal('outcome'),
    result: z.enum(OUTCOME_RESULTS),
    value: z.optional(z.number().check(z.gte(0))),
    currency: z.optional(Currency),
    /** For `not-now`: when to try again; DEFAULT_SNOOZE_DAYS from `at` when absent. */
    until: z.optional(Instant),
    note: z.optional(z.string().check(z.maxLength(2000))),
    /** A correction of a reading: the id of the reply signal it overrules (functions/domain/signal-reading.ts). */
    corrects: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  }),
  z.object({
    ...base,
    type: z.literal('conversion'),
    orderId: z.string().check(z.minLength(1)),
    revenue: z.number().check(z.gte(0)),
    currency: Currency,
  }),
  z.object({ ...base, type: z.literal('delivery'), messageId: MessageId }),
  z.object({ ...base, type: z.literal('open'), messageId: MessageId }),
  z.object({ ...base, type: z.literal('click'), messageId: MessageId, link: z.optional(z.string()) }),
]);
export type Signal = z.infer<typeof SignalSchema>;
/** A signal whose lead is not known yet (an SES event before its tags are read). */
export type UnmatchedSignal = Signal extends infer S ? (S extends Signal ? Omit<S, 'leadId'> : never) : never;
