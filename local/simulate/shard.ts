import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { executionName } from '../../functions/core/execution-input.ts';
import type { AggregateRow } from '../../functions/core/report.ts';
import { HELD_OUT } from '../../functions/domain/metrics.ts';
import { CART_CADENCE, type ShopResult } from '../../functions/domain/shop.ts';
import type { ExecutionRecord, LocalFunction } from '../step-functions.ts';
import { LeadAnswers, type TouchPayload } from './answers.ts';
import { cadenceIn } from './chosen-cadence.ts';
import { type SimEngine, startEngine } from './engines.ts';
import { cartAbandonedEvent, signupEvent } from './events.ts';
import { type LeadHistory, readLeadHistories } from './lead-histories.ts';
import type { Counts, LambdaCounts } from './metering.ts';
import type { ReplyMix } from './reply-mix.ts';
import type { ReplyReadingsSummary } from './reply-readings.ts';
import { LeadSettling } from './settling.ts';
import type { Store } from './stores.ts';
import { type SyntheticLead, syntheticLeads } from './synthetic-leads.ts';
import { VirtualClock } from './virtual-clock.ts';

/* One shard of a simulation: some of the seed's leads, on an engine of their own. */

/** One shard's work: leads [from, to) of the seed's list, on an engine of its own. */
export interface ShardInput {
  readonly root: string;
  readonly store: Store;
  readonly cadenceId: string;
  readonly leads: number;
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
  readonly start: string;
  readonly concurrency: number;
  /** The kinds of reply leads write (`--reply-mix`); absent, every reply is the one fixed text. */
  readonly replyMix?: ReplyMix;
  readonly variantEffect?: Readonly<Record<string, number>>;
  readonly lift?: number;
}

export interface ExecutionTally {
  readonly started: number;
  readonly done: number;
  readonly exited: number;
  readonly failed: number;
  readonly aborted: number;
}

/** What a shard counted and stored; shards add up, because every lead's run is independent of the others'. */
export interface ShardOutput {
  readonly transitions: number;
  readonly sfnInvocations: number;
  readonly counts: Counts;
  readonly lambda: LambdaCounts;
  readonly executions: ExecutionTally;
  /** Replies and outcomes that still failed after their retries. */
  readonly failedDeliveries: number;
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
  readonly histories: LeadHistory[];
  /** The report's counters as production keeps them (functions/domain/metrics.ts), read before the engine stops. */
  readonly aggregates: AggregateRow[];
  /** With a mix: what the reader read each kind of reply as, and what the replies left their leads as. */
  readonly readings?: ReplyReadingsSummary;
}

/**
 * Runs leads [from, to) on a fresh engine: enrolls them as production would, lets their executions run on the
 * virtual clock with replies and wins delivered between touches, and reads back what was stored. Once `signal`
 * aborts, no further lead is enrolled: the leads in flight finish and the engine stops.
 */
export async function runShard(
  input: ShardInput,
  onFinished?: (finished: number) => void,
  signal?: AbortSignal,
): Promise<ShardOutput> {
  const start = new Date(input.start);
  const cadence = cadenceIn(input.root, input.cadenceId);
  const leads = syntheticLeads(input.leads, input.seed, start, cadence.id).slice(input.from, input.to);
  const clock = new VirtualClock(start);
  let engine: SimEngine | undefined;
  let settling: LeadSettling | undefined;
  try {
    engine = await startEngine(input.store, input.root, clock);
    const lambda: LambdaCounts = { intake: 0, touch: 0, complete: 0, signals: 0 };
    settling = new LeadSettling(engine.sfn);
    const answers = new LeadAnswers(engine, { ...input, cadence }, lambda);
    const firstEnrollments = new Set(leads.map((l) => executionName(l.leadId, cadence.id, l.enrolledAt)));
    instrumentFunctions(engine, { lambda, answers, settling, firstEnrollments });
    await runLeads(engine, {
      cadence,
      leads,
      lambda,
      settling,
      concurrency: input.concurrency,
      onFinished,
      signal,
    });
    await engine.sfn.idle();
    const output = await shardOutput(engine, engine.counts(), lambda, answers.failedDeliveries, leads);
    return input.replyMix ? { ...output, readings: answers.readings.summary() } : output;
  } finally {
    settling?.stop();
    await engine?.stop();
  }
}

/** What the shard counted, how its executions ended and what it stored, read once every execution has ended. */
async function shardOutput(
  engine: SimEngine,
  counts: Counts,
  lambda: LambdaCounts,
  failedDeliveries: number,
  leads: readonly SyntheticLead[],
): Promise<ShardOutput> {
  const records = engine.sfn.list();
  const first = records.find((r) => r.status === 'FAILED');
  return {
    transitions: engine.sfn.counters.transitions,
    sfnInvocations: engine.sfn.counters.lambdaInvocations,
    counts,
    lambda,
    executions: executionTally(records),
    failedDeliveries,
    ...(first ? { firstFailure: { error: first.error, cause: first.cause } } : {}),
    histories: await readLeadHistories(
      engine.reads,
      leads.map((l) => l.leadId),
    ),
    aggregates: await engine.aggregates(),
  };
}

/**
 * Wraps the engine's touch and complete functions: each invocation is counted, each sent touch gets its lead's
 * answer, and the chain stops after one run of `then` (a nurture cadence chains to itself for ever).
 */
function instrumentFunctions(
  engine: SimEngine,
  run: {
    readonly lambda: LambdaCounts;
    readonly answers: LeadAnswers;
    readonly settling: LeadSettling;
    readonly firstEnrollments: ReadonlySet<string>;
  },
): void {
  const { lambda, answers, settling, firstEnrollments } = run;
  const { functions } = engine;
  const touch = functions.get('touch') as LocalFunction;
  const complete = functions.get('complete') as LocalFunction;
  functions.set('touch', async (payload, invocation) => {
    lambda.touch++;
    const result = (await touch(payload, invocation)) as { status?: string; reason?: string } | undefined;
    if (result?.status === 'skipped' && result.reason === HELD_OUT) {
      const held = payload as TouchPayload;
      await settling.whileAnswering(held.leadId, () => answers.heldOut(held));
    }
    if (result?.status !== 'sent') return result;
    const sent = payload as TouchPayload;
    // The lead is busy until its answer's handlers are done, though the reply stops this execution meanwhile.
    await settling.whileAnswering(sent.leadId, () => answers.answer(sent));
    return result;
  });
  functions.set('complete', async (payload, invocation) => {
    lambda.complete++;
    const p = payload as { enrollmentId: string };
    return complete(firstEnrollments.has(p.enrollmentId) ? p : { ...p, then: null }, invocation);
  });
}

interface LeadRun {
  readonly cadence: Cadence;
  readonly leads: readonly SyntheticLead[];
  readonly lambda: LambdaCounts;
  readonly settling: LeadSettling;
  readonly concurrency: number;
  readonly onFinished?: ((finished: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * A bounded number of leads in flight: each runs its whole chain before the next is enrolled, so leads finish at a
 * steady rate (the progress bar means something) and memory stays flat.
 */
async function runLeads(engine: SimEngine, run: LeadRun): Promise<void> {
  const refused: string[] = [];
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < run.leads.length && !run.signal?.aborted) {
      const lead = run.leads[next++] as SyntheticLead;
      const problem = await enroll(engine, run, lead);
      if (problem) refused.push(problem);
      else await run.settling.settled(lead.leadId);
      run.onFinished?.(++finished);
    }
  };
  await Promise.all(Array.from({ length: Math.min(run.concurrency, run.leads.length) }, worker));
  if (refused.length > 0) {
    throw new Error(`${refused.length} synthetic signups were refused, e.g. ${refused[0]}`);
  }
}

/**
 * Enrolls one lead at its instant; returns why it was refused, if it was. Form leads are posted to the intake
 * function as API Gateway hands it POST /leads; the cart cadence's leads come as the shop's cart.abandoned events,
 * with the cart its templates show.
 */
async function enroll(engine: SimEngine, run: LeadRun, lead: SyntheticLead): Promise<string | undefined> {
  run.lambda.intake++;
  if (run.cadence.id === CART_CADENCE) {
    const result = (await engine.shopEvents(cartAbandonedEvent(lead), lead.enrolledAt)) as ShopResult;
    return result.type === 'cart.abandoned' && result.enrollment.status === 'started'
      ? undefined
      : JSON.stringify(result);
  }
  const response = await engine.intake(signupEvent(lead.body), lead.enrolledAt);
  return response.statusCode === 202 ? undefined : `${response.statusCode} ${response.body ?? ''}`;
}

/** How the shard's executions ended: "done" completed, "exited" ended at a touch, "aborted" stopped by a reply. */
function executionTally(records: readonly ExecutionRecord[]): ExecutionTally {
  const succeeded = records.filter((r) => r.status === 'SUCCEEDED');
  const exited = succeeded.filter((r) => r.currentState === 'Exited').length;
  return {
    started: records.length,
    done: succeeded.length - exited,
    exited,
    failed: records.filter((r) => r.status === 'FAILED').length,
    aborted: records.filter((r) => r.status === 'ABORTED').length,
  };
}
