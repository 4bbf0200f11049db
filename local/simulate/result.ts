import { CHANNELS, type Channel } from '../../functions/core/cadence-schema.ts';
import { buildReport, type Report } from '../../functions/core/report.ts';
import { LEAD_STATUSES } from '../../functions/domain/lead.ts';
import type { LeadHistory } from './lead-histories.ts';
import type { LambdaCounts } from './metering.ts';
import { type CostBreakdown, costOf, round6, type Usage } from './pricing.ts';
import type { ReplyMix } from './reply-mix.ts';
import { inOrder, ReplyReadings, type ReplyReadingsSummary } from './reply-readings.ts';
import type { ExecutionTally, ShardOutput } from './shard.ts';
import type { Store } from './stores.ts';

/* A simulation's result: its shards' counts added up, priced, and the report from the aggregates they stored. */

/** How a simulation ran: its options with their defaults filled in. */
export interface SimulationRun {
  readonly cadence: string;
  /** The cadence run once after it ends (its `then`), if any. */
  readonly then: string | null;
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
  readonly start: string;
  readonly leads: number;
  /** What the engine stored in: `memory` (the default) or `dynalite`. */
  readonly store: Store;
  /** The kinds of reply leads wrote (`--reply-mix`), when a mix was given. */
  readonly replyMix?: ReplyMix;
}

export interface SimulationResult extends Usage, SimulationRun {
  /** Touches sent. */
  readonly touches: number;
  readonly byChannel: Readonly<Record<Channel, number>>;
  readonly skipped: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  readonly failedTouches: number;
  /** Simulated replies and outcomes that failed every attempt: counted, never fatal. */
  readonly failedDeliveries: number;
  readonly lambda: Readonly<LambdaCounts>;
  readonly executions: ExecutionTally;
  /** The first failed execution's error, if any. */
  readonly firstFailure?: { readonly error?: string; readonly cause?: string };
  readonly costUsd: number;
  readonly costPer1000Leads: number;
  readonly costBreakdown: CostBreakdown;
  /** The report `followup report` prints, from the aggregates the engine kept while it ran. */
  readonly report: Report;
  /** With a mix: what the reader read each kind of reply as. */
  readonly readings?: ReplyReadingsSummary;
  /**
   * With a mix: how often the simulated leads moved to each status over the run (snoozed, lost, referred...), from
   * their stored events: what the replies did, a not-now lead's re-engage run included.
   */
  readonly statusChanges?: Readonly<Record<string, number>>;
  /** What the run stored of each lead, when asked for (`keepHistories`). */
  readonly histories?: readonly LeadHistory[];
}

/** Adds the shards' outputs up into the result of `run`. */
export function simulationResult(
  run: SimulationRun,
  outputs: readonly ShardOutput[],
  keepHistories: boolean,
): SimulationResult {
  const histories = outputs.flatMap((o) => o.histories);
  const sum = (of: (o: ShardOutput) => number) => outputs.reduce((total, o) => total + of(o), 0);
  const stored = storedTouches(histories);
  const lambda: LambdaCounts = {
    intake: sum((o) => o.lambda.intake),
    touch: sum((o) => o.lambda.touch),
    complete: sum((o) => o.lambda.complete),
    signals: sum((o) => o.lambda.signals),
  };
  const usage: Usage = {
    transitions: sum((o) => o.transitions),
    // Intake and the signal handlers are Lambda functions too: one invocation per signup, reply and outcome.
    lambdaInvocations: lambda.intake + sum((o) => o.sfnInvocations) + lambda.signals,
    dynamodb: { reads: sum((o) => o.counts.reads), writes: sum((o) => o.counts.writes) },
    emails: sum((o) => o.counts.emails),
    texts: sum((o) => o.counts.texts),
  };
  const cost = costOf(usage);
  const firstFailure = outputs.find((o) => o.firstFailure)?.firstFailure;
  // The keys in the order `--json` has always printed them.
  return {
    leads: run.leads,
    touches: stored.sent,
    byChannel: stored.byChannel,
    transitions: usage.transitions,
    lambdaInvocations: usage.lambdaInvocations,
    dynamodb: usage.dynamodb,
    costUsd: cost.total,
    report: buildReport(outputs.flatMap((o) => o.aggregates)),
    cadence: run.cadence,
    then: run.then,
    seed: run.seed,
    replyRate: run.replyRate,
    winRate: run.winRate,
    dealValue: run.dealValue,
    start: run.start,
    store: run.store,
    skipped: stored.skipped,
    failedTouches: stored.failed,
    failedDeliveries: sum((o) => o.failedDeliveries),
    lambda,
    emails: usage.emails,
    texts: usage.texts,
    executions: {
      started: sum((o) => o.executions.started),
      done: sum((o) => o.executions.done),
      exited: sum((o) => o.executions.exited),
      failed: sum((o) => o.executions.failed),
      aborted: sum((o) => o.executions.aborted),
    },
    ...(firstFailure ? { firstFailure } : {}),
    ...(run.replyMix
      ? { replyMix: run.replyMix, readings: readingsOf(outputs), statusChanges: statusChangesOf(histories) }
      : {}),
    costPer1000Leads: round6((cost.total / run.leads) * 1000),
    costBreakdown: cost.breakdown,
    ...(keepHistories ? { histories } : {}),
  };
}

/** The shards' readings added up. */
function readingsOf(outputs: readonly ShardOutput[]): ReplyReadingsSummary {
  const all = new ReplyReadings();
  for (const output of outputs) if (output.readings) all.merge(output.readings);
  return all.summary();
}

/** The moves to each status over every lead's history, in the order of LEAD_STATUSES. */
function statusChangesOf(histories: readonly LeadHistory[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const status of histories.flatMap((h) => h.movedTo ?? []))
    counts.set(status, (counts.get(status) ?? 0) + 1);
  return inOrder(counts, LEAD_STATUSES);
}

/** The stored touches by outcome: sent by channel, skipped by reason, failed. */
function storedTouches(histories: readonly LeadHistory[]) {
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>;
  const byReason: Record<string, number> = {};
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  for (const t of histories.flatMap((h) => h.touches)) {
    if (t.status === 'sent') {
      sent++;
      byChannel[t.channel]++;
    } else if (t.status === 'skipped') {
      skipped++;
      const reason = t.reason ?? 'unknown';
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    } else if (t.status === 'failed') failed++;
  }
  const sortedReasons = Object.fromEntries(Object.entries(byReason).sort(([a], [b]) => a.localeCompare(b)));
  return { sent, byChannel, skipped: { total: skipped, byReason: sortedReasons }, failed };
}
