import { join } from 'node:path';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { UserError } from '../../functions/core/errors.ts';
import { executionName } from '../../functions/core/execution-input.ts';
import type { AggregateRow } from '../../functions/core/report.ts';
import { CART_CADENCE, type ShopResult } from '../../functions/domain/shop.ts';
import { type Runtime, startRuntime } from '../runtime.ts';
import type { ExecutionRecord, LocalFunction } from '../step-functions.ts';
import { LeadAnswers, type TouchPayload } from './answers.ts';
import { cartAbandonedEvent, signupEvent } from './events.ts';
import { type LeadHistory, readLeadHistories } from './lead-histories.ts';
import { type Counts, countRequests, type LambdaCounts } from './metering.ts';
import { LeadSettling } from './settling.ts';
import { type SyntheticLead, syntheticLeads } from './synthetic-leads.ts';
import { VirtualClock } from './virtual-clock.ts';

/* One shard of a simulation: some of the seed's leads, on an in-memory runtime of their own. */

/** One shard's work: leads [from, to) of the seed's list, on a runtime of its own. */
export interface ShardInput {
  readonly root: string;
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
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
  readonly histories: LeadHistory[];
  /** The report's counters as production keeps them (functions/domain/metrics.ts), read before the runtime stops. */
  readonly aggregates: AggregateRow[];
}

/** The cadence `id` of the project at `root`; its `then` runs once after it. */
export function cadenceIn(root: string, id: string): Cadence {
  const cadences = loadCadencesSync(join(root, 'cadences'));
  const cadence = cadences.find((c) => c.id === id);
  if (!cadence) {
    throw new UserError(`unknown cadence "${id}"; choose one of: ${cadences.map((c) => c.id).join(', ')}`);
  }
  return cadence;
}

/**
 * Runs leads [from, to) on a fresh in-memory runtime: enrolls them as production would, lets their executions run on
 * the virtual clock with replies and wins delivered between touches, and reads back what was stored.
 */
export async function runShard(
  input: ShardInput,
  onFinished?: (finished: number) => void,
): Promise<ShardOutput> {
  const start = new Date(input.start);
  const cadence = cadenceIn(input.root, input.cadenceId);
  const leads = syntheticLeads(input.leads, input.seed, start, cadence.id).slice(input.from, input.to);
  const clock = new VirtualClock(start);
  let runtime: Runtime | undefined;
  let uncount = () => {};
  let settling: LeadSettling | undefined;
  try {
    // The engine's JSON logs would drown the summary and spoil `--json`; failures are reported in the result.
    runtime = await startRuntime({
      port: 0,
      clock,
      dataDir: undefined,
      root: input.root,
      logLevel: 'SILENT',
    });
    const rt = runtime;
    const counts: Counts = { reads: 0, writes: 0, emails: 0, texts: 0 };
    // The clients the runtime gave its functions: counted from here on, before any lead is enrolled.
    uncount = countRequests(counts, rt.clients);
    const lambda: LambdaCounts = { intake: 0, touch: 0, complete: 0, signals: 0 };
    settling = new LeadSettling(rt.sfn);
    const answers = new LeadAnswers(rt, clock, input, lambda);
    const firstEnrollments = new Set(leads.map((l) => executionName(l.leadId, cadence.id, l.enrolledAt)));
    const answerFailures = instrumentFunctions(rt, { lambda, answers, settling, firstEnrollments });
    await runLeads(rt, {
      cadence,
      clock,
      leads,
      lambda,
      settling,
      concurrency: input.concurrency,
      onFinished,
    });
    await rt.sfn.idle();
    const failure = answerFailures[0];
    if (failure) throw new Error(`a simulated reply or outcome failed: ${failure.name}: ${failure.message}`);
    return await shardOutput(rt, counts, lambda, leads);
  } finally {
    settling?.stop();
    uncount();
    await runtime?.stop();
  }
}

/** What the shard counted, how its executions ended and what it stored, read once every execution has ended. */
async function shardOutput(
  rt: Runtime,
  counts: Counts,
  lambda: LambdaCounts,
  leads: readonly SyntheticLead[],
): Promise<ShardOutput> {
  const records = rt.sfn.list();
  const first = records.find((r) => r.status === 'FAILED');
  return {
    transitions: rt.sfn.counters.transitions,
    sfnInvocations: rt.sfn.counters.lambdaInvocations,
    counts: { ...counts },
    lambda,
    executions: executionTally(records),
    ...(first ? { firstFailure: { error: first.error, cause: first.cause } } : {}),
    histories: await readLeadHistories(
      rt,
      leads.map((l) => l.leadId),
    ),
    // rt.ddb is not the counted client: reading the report costs the simulated engine nothing.
    aggregates: await new DynamoAggregates({ client: rt.ddb, tableName: rt.tableName }).read(),
  };
}

/**
 * Wraps the runtime's touch and complete functions: each invocation is counted, each sent touch gets its lead's
 * answer, and the chain stops after one run of `then` (a nurture cadence chains to itself for ever). Returns the
 * answers' failures, kept because the execution a reply stops drops them.
 */
function instrumentFunctions(
  rt: Runtime,
  run: {
    readonly lambda: LambdaCounts;
    readonly answers: LeadAnswers;
    readonly settling: LeadSettling;
    readonly firstEnrollments: ReadonlySet<string>;
  },
): Error[] {
  const { lambda, answers, settling, firstEnrollments } = run;
  const functions = rt.functions as Map<string, LocalFunction>;
  const touch = functions.get('touch') as LocalFunction;
  const complete = functions.get('complete') as LocalFunction;
  const answerFailures: Error[] = [];
  functions.set('touch', async (payload) => {
    lambda.touch++;
    const result = (await touch(payload)) as { status?: string } | undefined;
    if (result?.status !== 'sent') return result;
    const sent = payload as TouchPayload;
    // The lead is busy until its answer's handlers are done, though the reply stops this execution meanwhile.
    await settling.whileAnswering(sent.leadId, () =>
      answers.answer(sent).catch((error: Error) => {
        answerFailures.push(error);
        throw error;
      }),
    );
    return result;
  });
  functions.set('complete', async (payload) => {
    lambda.complete++;
    const p = payload as { enrollmentId: string };
    return complete(firstEnrollments.has(p.enrollmentId) ? p : { ...p, then: null });
  });
  return answerFailures;
}

interface LeadRun {
  readonly cadence: Cadence;
  readonly clock: VirtualClock;
  readonly leads: readonly SyntheticLead[];
  readonly lambda: LambdaCounts;
  readonly settling: LeadSettling;
  readonly concurrency: number;
  readonly onFinished?: ((finished: number) => void) | undefined;
}

/**
 * A bounded number of leads in flight: each runs its whole chain before the next is enrolled, so leads finish at a
 * steady rate (the progress bar means something) and memory stays flat.
 */
async function runLeads(rt: Runtime, run: LeadRun): Promise<void> {
  const refused: string[] = [];
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < run.leads.length) {
      const lead = run.leads[next++] as SyntheticLead;
      const problem = await enroll(rt, run, lead);
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
async function enroll(rt: Runtime, run: LeadRun, lead: SyntheticLead): Promise<string | undefined> {
  run.lambda.intake++;
  if (run.cadence.id === CART_CADENCE) {
    const result = (await run.clock.at(lead.enrolledAt, () =>
      rt.signals.shopEvents(cartAbandonedEvent(lead)),
    )) as ShopResult;
    return result.type === 'cart.abandoned' && result.enrollment.status === 'started'
      ? undefined
      : JSON.stringify(result);
  }
  const response = await run.clock.at(lead.enrolledAt, () => rt.intake(signupEvent(lead.body)));
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
