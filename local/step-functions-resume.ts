import type { ExecutionRecord } from './step-functions.ts';

/* How LocalStepFunctions (local/step-functions.ts) resumes the executions in flight at a restart (§7). */

/** Running executions in the order to resume them: each replays its schedule from the start, earliest due first. */
export function inDueOrder(records: readonly ExecutionRecord[]): ExecutionRecord[] {
  return records
    .filter((r) => r.status === 'RUNNING')
    .map((record) => ({ record, first: firstDue(record) }))
    .sort((a, b) => a.first - b.first)
    .map(({ record }) => record);
}

/** An execution's first touch instant (its input's `schedule`, §3.1), else its start. */
function firstDue(record: ExecutionRecord): number {
  const input = JSON.parse(record.input) as { schedule?: readonly { at?: unknown }[] };
  const at = Array.isArray(input.schedule) ? input.schedule[0]?.at : undefined;
  return Date.parse(typeof at === 'string' ? at : record.startDate) || 0;
}

/**
 * The resumed executions still replaying or sending touches already due; `done` resolves once each has caught up:
 * it sleeps until a touch still to come, or it has ended.
 */
export class CatchUp {
  private readonly behind = new Map<string, () => void>();
  readonly done: Promise<void>;

  constructor(executionArns: readonly string[]) {
    this.done = Promise.all(
      executionArns.map((arn) => new Promise<void>((resolve) => this.behind.set(arn, resolve))),
    ).then(() => undefined);
  }

  caughtUp(executionArn: string): void {
    this.behind.get(executionArn)?.();
    this.behind.delete(executionArn);
  }
}
