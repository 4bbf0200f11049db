import type { LocalStepFunctions } from '../step-functions.ts';

/*
 * When a lead has finished: none of its executions is still running and none of its answers is still being
 * delivered. A poll of the executions resolves the leads waited for.
 */

const SETTLE_POLL_MS = 20;

export class LeadSettling {
  /** Answers still being delivered, by lead: a reply stops its execution while the touch is still returning. */
  private readonly busy = new Map<string, number>();
  private readonly waiting = new Map<string, () => void>();
  private readonly leadOf = new Map<string, string>();
  private readonly poll: NodeJS.Timeout;

  constructor(private readonly sfn: LocalStepFunctions) {
    this.poll = setInterval(() => this.wakeSettled(), SETTLE_POLL_MS);
  }

  /** Runs `fn` with the lead counted as busy until it is done. */
  async whileAnswering<T>(leadId: string, fn: () => Promise<T>): Promise<T> {
    this.busy.set(leadId, (this.busy.get(leadId) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.busy.set(leadId, (this.busy.get(leadId) ?? 1) - 1);
    }
  }

  /** Resolves once the lead has finished. */
  settled(leadId: string): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.set(leadId, resolve));
  }

  stop(): void {
    clearInterval(this.poll);
  }

  private wakeSettled(): void {
    if (this.waiting.size === 0) return;
    const running = new Set([...this.busy].filter(([, n]) => n > 0).map(([leadId]) => leadId));
    for (const record of this.sfn.list()) {
      if (record.status !== 'RUNNING') continue;
      let leadId = this.leadOf.get(record.executionArn);
      if (!leadId) {
        leadId = (JSON.parse(record.input) as { leadId: string }).leadId;
        this.leadOf.set(record.executionArn, leadId);
      }
      running.add(leadId);
    }
    for (const [leadId, wake] of this.waiting) {
      if (running.has(leadId)) continue;
      this.waiting.delete(leadId);
      wake();
    }
  }
}
