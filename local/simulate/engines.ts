import type { AggregateRow } from '../../functions/core/report.ts';
import type { LeadReads } from '../../functions/domain/reads.ts';
import { signToken } from '../../functions/domain/tokens.ts';
import type { Clock } from '../clock.ts';
import { createMemoryEngine } from '../memory/engine.ts';
import { MemoryLeadReads } from '../memory/lead-reads.ts';
import { replyMime, sesReceiptEvent } from '../signal-events.ts';
import type { LocalFunction, LocalStepFunctions } from '../step-functions.ts';
import type { Counts } from './metering.ts';
import type { Store } from './stores.ts';

/*
 * What a shard runs its leads on (docs/architecture.md §6): `memory`, the handlers over the in-memory ports in this
 * process (the default: fast), or `dynalite`, the whole local runtime with real SDK clients over loopback (full
 * fidelity). Both run the same compiled definitions and handler code; on one seed they give the same result.
 */

type Handler = (event: unknown) => Promise<unknown>;

export interface SimEngine {
  readonly sfn: LocalStepFunctions;
  /** The functions Task states invoke, which a shard wraps to count and answer each touch. */
  readonly functions: Map<string, LocalFunction>;
  readonly intake: (event: unknown) => Promise<{ statusCode?: number; body?: string }>;
  readonly shopEvents: Handler;
  readonly outcome: Handler;
  /** A reply from the lead, as SES receipt would deliver it; the lead's status afterwards. */
  reply(leadId: string): Promise<string>;
  /** What the engine's functions billed so far. */
  counts(): Counts;
  /** What the run stored, read without being counted. */
  readonly reads: LeadReads;
  aggregates(): Promise<AggregateRow[]>;
  stop(): Promise<void>;
}

export function startEngine(store: Store, root: string, clock: Clock): Promise<SimEngine> {
  return store === 'memory' ? Promise.resolve(memoryEngine(root, clock)) : dynaliteEngine(root, clock);
}

function memoryEngine(root: string, clock: Clock): SimEngine {
  const engine = createMemoryEngine({ root, clock });
  const { store } = engine;
  return {
    sfn: engine.sfn,
    functions: engine.functions,
    intake: engine.intake,
    shopEvents: engine.signals.shopEvents,
    outcome: engine.signals.outcome,
    // As local/signal-events.ts's deliverSignal builds a reply, over the store instead of the table.
    async reply(leadId) {
      const lead = await store.getLead(leadId);
      if (!lead) throw new Error(`no lead ${leadId}`);
      const at = clock.now();
      const messageId = `local-${crypto.randomUUID()}`;
      const to = `reply+${signToken(lead.leadId, engine.signingKey)}@${engine.config.replyDomain}`;
      // The same words and mail as deliverSignal: the reader must read the same reply on both stores.
      engine.rawMail.put(messageId, replyMime(lead, { to, messageId, at }));
      await engine.signals.inboundEmail(sesReceiptEvent(messageId, [to], at));
      return (await store.getLead(leadId))?.status ?? 'deleted';
    },
    counts: () => ({ ...engine.counts() }),
    reads: new MemoryLeadReads(store),
    aggregates: () => engine.aggregates.read(),
    async stop() {
      await engine.sfn.shutdown();
    },
  };
}

async function dynaliteEngine(root: string, clock: Clock): Promise<SimEngine> {
  // Loaded only here: the memory engine needs no SDK, no emulator and no server.
  const [{ startRuntime }, { deliverSignal }, { countRequests }, { DynamoLeadReads }, { DynamoAggregates }] =
    await Promise.all([
      import('../runtime.ts'),
      import('../signal-events.ts'),
      import('./metering.ts'),
      import('../../functions/adapters/dynamo/reads.ts'),
      import('../../functions/adapters/dynamo-aggregates.ts'),
    ]);
  // The engine's JSON logs would drown the summary and spoil `--json`; failures are reported in the result.
  const rt = await startRuntime({ port: 0, clock, dataDir: undefined, root, logLevel: 'SILENT' });
  const counts: Counts = { reads: 0, writes: 0, emails: 0, texts: 0 };
  // The clients the runtime gave its functions: counted from here on, before any lead is enrolled.
  const uncount = countRequests(counts, rt.clients);
  return {
    sfn: rt.sfn,
    functions: rt.functions as Map<string, LocalFunction>,
    intake: rt.intake,
    shopEvents: rt.signals.shopEvents,
    outcome: rt.signals.outcome,
    reply: async (leadId) => (await deliverSignal(rt, leadId, { type: 'reply' })).status,
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
