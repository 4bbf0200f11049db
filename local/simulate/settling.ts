import type { LocalStepFunctions } from '../step-functions.ts';

/*
 * When a lead has finished: none of its executions is still running and none of its answers is still being
 * delivered. Leads waited for are checked each time an execution stops or an answer is done, so the next lead is
 * enrolled as soon as a slot frees, and a check reads only the executions in flight.
 */

export class LeadSettling {
  /** Answers still being delivered, by lead: a reply stops its execution while the touch is still returning. */
  private readonly busy = new Map<string, number>();
  private readonly waiting = new Map<string, () => void>();
  private readonly leadOf = new Map<string, string>();
  private readonly unsubscribe: () => void;
  private checkQueued = false;

  constructor(private readonly sfn: LocalStepFunctions) {
    this.unsubscribe = sfn.onFinished(() => this.queueCheck());
  }

  /** Runs `fn` with the lead counted as busy until it is done. */
  async whileAnswering<T>(leadId: string, fn: () => Promise<T>): Promise<T> {
    this.busy.set(leadId, (this.busy.get(leadId) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const left = (this.busy.get(leadId) ?? 1) - 1;
      if (left > 0) this.busy.set(leadId, left);
      else this.busy.delete(leadId);
      this.queueCheck();
    }
  }

  /** Resolves once the lead has finished. */
  settled(leadId: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiting.set(leadId, resolve));
    // Its executions may all have ended already.
    this.queueCheck();
    return done;
  }

  stop(): void {
    this.unsubscribe();
  }

  /**
   * One check after the current turn of work: an execution that ends as its Complete task starts the next one is
   * seen with its successor already running, and a burst of endings costs one check.
   */
  private queueCheck(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      this.wakeSettled();
    });
  }

  private wakeSettled(): void {
    if (this.waiting.size === 0) return;
    const running = new Set(this.busy.keys());
    for (const record of this.sfn.runningExecutions()) {
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
