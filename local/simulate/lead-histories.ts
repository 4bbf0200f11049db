import type { Channel } from '../../functions/core/cadence-schema.ts';
import type { LeadReads, LeadTimeline } from '../../functions/domain/reads.ts';

/* What a run stored of each lead, read back once its executions have ended, outside the counts. */

export interface LeadHistory {
  /** Every status the lead moved to during the run, in order (absent in a history written by hand). */
  readonly movedTo?: readonly string[];
  readonly touches: readonly {
    readonly at: string;
    readonly channel: Channel;
    readonly status: string;
    readonly reason?: string;
  }[];
  /** Status changes to `replied`. */
  readonly replies: readonly { readonly at: string }[];
  /** Status changes to `won`, with the deal's value. */
  readonly wins: readonly { readonly at: string; readonly value: number }[];
}

const READ_BATCH = 16;

/** Each lead's history, in the order of `leadIds`, through reads that are not counted: reading costs the run nothing. */
export async function readLeadHistories(
  reads: LeadReads,
  leadIds: readonly string[],
): Promise<LeadHistory[]> {
  const histories: LeadHistory[] = [];
  for (let i = 0; i < leadIds.length; i += READ_BATCH) {
    const batch = leadIds.slice(i, i + READ_BATCH);
    histories.push(...(await Promise.all(batch.map(async (id) => historyOf(await reads.leadTimeline(id))))));
  }
  return histories;
}

/** One lead's touches, its status changes to replied and won, and its deal; nothing for a lead never stored. */
function historyOf(timeline: LeadTimeline | undefined): LeadHistory {
  const touches = (timeline?.touches ?? []).map((t) => ({
    at: t.at,
    channel: t.channel,
    status: t.status,
    ...(t.reason ? { reason: t.reason } : {}),
  }));
  const statusChanges = (timeline?.events ?? []).filter((e) => e.kind === 'status');
  return {
    movedTo: statusChanges.map((e) => e.to ?? 'unknown'),
    touches,
    replies: statusChanges.filter((e) => e.to === 'replied').map((e) => ({ at: e.at })),
    wins: statusChanges
      .filter((e) => e.to === 'won')
      .map((e) => ({ at: e.at, value: timeline?.lead.dealValue ?? 0 })),
  };
}
