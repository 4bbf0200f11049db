import type { AggregateRow } from '../../functions/core/report.ts';
import type { InboundEmailResult } from '../../functions/domain/inbound-email.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { LeadReads } from '../../functions/domain/reads.ts';
import { signToken } from '../../functions/domain/tokens.ts';
import { createMemoryEngine } from '../memory/engine.ts';
import { MemoryLeadReads } from '../memory/lead-reads.ts';
import { replyMime, sesReceiptEvent } from '../signal-events.ts';
import { executionContext, type LocalFunction, type LocalStepFunctions } from '../step-functions.ts';
import type { Counts } from './metering.ts';
import type { ReplyWriter } from './reply-texts.ts';
import type { Store } from './stores.ts';
import type { VirtualClock } from './virtual-clock.ts';

/*
 * What a shard runs its leads on (docs/architecture.md §6): `memory`, the handlers over the in-memory ports in this
 * process (the default: fast), or `dynalite`, the whole local runtime with real SDK clients over loopback (full
 * fidelity). Both run the same compiled definitions and handler code; on one seed they give the same result.
 */

type Handler = (event: unknown) => Promise<unknown>;
/** A handler run as AWS would deliver its event at `at`, from outside any execution: `at` is its "now". */
type DeliveredAt = (event: unknown, at: Date) => Promise<unknown>;

export interface SimEngine {
  readonly sfn: LocalStepFunctions;
  /** The functions Task states invoke, which a shard wraps to count and answer each touch. */
  readonly functions: Map<string, LocalFunction>;
  readonly intake: (event: unknown, at: Date) => Promise<{ statusCode?: number; body?: string }>;
  readonly shopEvents: DeliveredAt;
  readonly outcome: DeliveredAt;
  /**
   * A reply from the lead at `at`, as SES receipt would deliver it, in the words `compose` writes for it (default:
   * LOCAL_REPLY_TEXT of local/signal-events.ts); the lead's status afterwards and what the reader read it as.
   */
  reply(leadId: string, at: Date, compose?: (lead: ReplyWriter) => string): Promise<ReplyOutcome>;
  /** What the engine's functions billed so far. */
  counts(): Counts;
  /** What the run stored, read without being counted. */
  readonly reads: LeadReads;
  aggregates(): Promise<AggregateRow[]>;
  stop(): Promise<void>;
}

export function startEngine(store: Store, root: string, clock: VirtualClock): Promise<SimEngine> {
  return store === 'memory' ? Promise.resolve(memoryEngine(root, clock)) : dynaliteEngine(root, clock);
}

/** What a reply goes through on either store: the lead's record, the raw-mail store and the inbound-email handler. */
interface Inbox {
  getLead(leadId: string): Promise<Pick<Lead, 'leadId' | 'email' | 'name' | 'status'> | undefined>;
  readonly rawMail: { put(messageId: string, raw: string): unknown };
  readonly inboundEmail: Handler;
  readonly signingKey: string;
  readonly replyDomain: string;
}

/** The lead's status after a reply, and what the reader read the reply as (undefined when nothing read it). */
export interface ReplyOutcome {
  readonly status: string;
  readonly readAs?: string;
}

/**
 * The lead's reply, addressed to its reply token and stored as the receipt rule stores it, then handed to the
 * inbound-email handler: the same words and mail on both stores, so the reader reads the same reply on each.
 */
async function replyThroughInbox(
  inbox: Inbox,
  leadId: string,
  at: Date,
  compose: ((lead: ReplyWriter) => string) | undefined,
): Promise<ReplyOutcome> {
  const lead = await inbox.getLead(leadId);
  if (!lead) throw new Error(`no lead ${leadId}`);
  const messageId = `local-${crypto.randomUUID()}`;
  const to = `reply+${signToken(lead.leadId, inbox.signingKey)}@${inbox.replyDomain}`;
  const text = compose?.({ email: lead.email, name: lead.name });
  inbox.rawMail.put(messageId, replyMime(lead, { to, messageId, at, ...(text ? { text } : {}) }));
  const results = (await inbox.inboundEmail(
    sesReceiptEvent(messageId, [to], at),
  )) as readonly InboundEmailResult[];
  const status = (await inbox.getLead(leadId))?.status ?? 'deleted';
  const readAs = readingOf(results[0]);
  return readAs ? { status, readAs } : { status };
}

/** What the handler read a reply as: its reading, an opt-out in words, or an out-of-office it recognised. */
function readingOf(result: InboundEmailResult | undefined): string | undefined {
  if (!result || !('leadId' in result)) return undefined;
  if (result.reading) return result.reading;
  if (result.kind === 'opt-out') return 'unsubscribe';
  return result.kind === 'auto-reply' ? 'out-of-office' : undefined;
}

function memoryEngine(root: string, clock: VirtualClock): SimEngine {
  const engine = createMemoryEngine({ root, clock, ungoverned: true });
  const { store } = engine;
  return {
    sfn: engine.sfn,
    functions: engine.functions,
    intake: engine.intake,
    shopEvents: engine.signals.shopEvents,
    outcome: engine.signals.outcome,
    reply: (leadId, at, compose) =>
      replyThroughInbox(
        {
          // The stored record itself, read and never changed: no copy to make.
          getLead: async (id) => store.leads.get(id),
          rawMail: engine.rawMail,
          inboundEmail: (event) => engine.signals.inboundEmail(event, at),
          signingKey: engine.signingKey,
          replyDomain: engine.config.replyDomain,
        },
        leadId,
        at,
        compose,
      ),
    counts: () => ({ ...engine.counts() }),
    reads: new MemoryLeadReads(store),
    aggregates: () => engine.aggregates.read(),
    async stop() {
      await engine.sfn.shutdown();
    },
  };
}

async function dynaliteEngine(root: string, clock: VirtualClock): Promise<SimEngine> {
  // Loaded only here: the memory engine needs no SDK, no emulator and no server.
  const [
    { startRuntime },
    { DynamoLeadStore },
    { countRequests },
    { DynamoLeadReads },
    { DynamoAggregates },
  ] = await Promise.all([
    import('../runtime.ts'),
    import('../../functions/adapters/dynamo/lead-store.ts'),
    import('./metering.ts'),
    import('../../functions/adapters/dynamo/reads.ts'),
    import('../../functions/adapters/dynamo-aggregates.ts'),
  ]);
  // The engine's JSON logs would drown the summary and spoil `--json`; failures are reported in the result.
  const rt = await startRuntime({
    port: 0,
    clock,
    dataDir: undefined,
    root,
    logLevel: 'SILENT',
    ungoverned: true,
  });
  const counts: Counts = { reads: 0, writes: 0, emails: 0, texts: 0 };
  // The clients the runtime gave its functions: counted from here on, before any lead is enrolled.
  const uncount = countRequests(counts, rt.clients);
  // The runtime's handlers read their "now" from the clock: `at` is set around each delivery, outside any execution.
  const deliveredAt = <R>(at: Date, deliver: () => Promise<R>): Promise<R> =>
    executionContext.exit(() => clock.at(at, deliver));
  return {
    sfn: rt.sfn,
    functions: rt.functions as Map<string, LocalFunction>,
    intake: (event, at) => deliveredAt(at, () => rt.intake(event)),
    shopEvents: (event, at) => deliveredAt(at, () => rt.signals.shopEvents(event)),
    outcome: (event, at) => deliveredAt(at, () => rt.signals.outcome(event)),
    // As deliverSignal's reply (POST /api/leads/:id/signals), keeping what the handler read the words as.
    reply: (leadId, at, compose) =>
      deliveredAt(at, () =>
        replyThroughInbox(
          {
            // rt.ddb is not a counted client, as deliverSignal reads the lead.
            getLead: (id) => new DynamoLeadStore({ client: rt.ddb, tableName: rt.tableName }).getLead(id),
            rawMail: rt.rawMail,
            inboundEmail: rt.signals.inboundEmail,
            signingKey: rt.signingKey,
            replyDomain: rt.config.replyDomain,
          },
          leadId,
          at,
          compose,
        ),
      ),
    counts: () => ({ ...counts }),
    // rt.ddb is not a counted client: reading what was stored costs the simulated engine nothing.
    reads: new DynamoLeadReads({ client: rt.ddb, tableName: rt.tableName }),
    aggregates: () => new DynamoAggregates({ client: rt.ddb, tableName: rt.tableName }).read(),
    async stop() {
      uncount();
      await rt.stop();
    },
  };
}
