import './polyfills.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { StateMachineDefinition } from '../functions/core/compile.ts';
import { Slots } from './slots.ts';
import { CapacityWaits } from './step-functions-capacity.ts';
import { type LocalMachine, stateMachineOf } from './step-functions-machines.ts';
import type { LocalStepFunctionsOptions } from './step-functions-options.ts';
import { CatchUp, inDueOrder } from './step-functions-resume.ts';

export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  status: ExecutionStatus;
  readonly startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The last state entered, for people looking at a lead ("Wait · Day 7 · call · walkthrough-call"). */
  currentState?: string;
}

/** Where executions are kept between runs, so a restart resumes every lead in flight. */
export interface ExecutionStore {
  load(): Promise<ExecutionRecord[]>;
  /** Keeps these records as they are now (new or changed since the last save); the others stay as saved. */
  save(changed: readonly ExecutionRecord[]): Promise<void>;
}

export class MemoryExecutionStore implements ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  async load() {
    return structuredClone([...this.records.values()]);
  }
  async save(changed: readonly ExecutionRecord[]) {
    for (const record of changed) this.records.set(record.executionArn, structuredClone(record));
  }
}

export type { Invocation, LocalFunction, LocalStepFunctionsOptions } from './step-functions-options.ts';

export class SfnError extends Error {
  constructor(
    override readonly name:
      | 'ExecutionAlreadyExists'
      | 'ExecutionDoesNotExist'
      | 'StateMachineDoesNotExist'
      | 'InvalidArn',
    message: string,
  ) {
    super(message);
  }
}

export interface Counters {
  transitions: number;
  lambdaInvocations: number;
}

/** Which execution a handler runs for: lets the local clock and counters attribute work to it. */
export const executionContext = new AsyncLocalStorage<{ executionArn: string; now?: Date }>();

/**
 * Step Functions on one machine: runs the real compiled definitions on aws-local-stepfunctions, each Task mapped
 * to the handler Lambda would run. Waits are free (overridden to 0); each touch instead sleeps until its
 * `scheduledAt` on the runtime's clock, in slices, so a 30-day wait neither fires early nor overflows a timer.
 */
export class LocalStepFunctions {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly machines = new Map<string, LocalMachine>();
  /** Each execution's latest touch instant: the virtual "now" of its Complete task under a simulated clock. */
  private readonly lastDue = new Map<string, Date>();
  private readonly capacityWaits = new CapacityWaits();
  readonly counters: Counters = { transitions: 0, lambdaInvocations: 0 };
  /** The records still RUNNING, so asking for them costs what is in flight, not every execution so far. */
  private readonly active = new Set<ExecutionRecord>();
  private readonly finishListeners = new Set<(record: ExecutionRecord) => void>();
  private saving: Promise<void> = Promise.resolve();
  private readonly slots: Slots;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.slots = new Slots(options.maxConcurrentInvocations ?? Number.POSITIVE_INFINITY, options.foreground);
    const validate = options.validateDefinitions ?? true;
    for (const [name, definition] of options.definitions) {
      this.machines.set(name, stateMachineOf(definition, validate));
    }
  }

  static stateMachineArn(name: string, alias?: string): string {
    return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}${alias ? `:${alias}` : ''}`;
  }

  /**
   * Resumes every execution that was running when the runtime last stopped, a batch at a time with a turn of the
   * event loop between batches, so thousands in flight never keep the API from answering (docs/architecture.md §7).
   * Their touches then take the invocation slots in due order. Resolves with how many there are; `idle()` waits
   * for the last batch to be launched too, and `caughtUp()` for each of them to reach a touch still to come.
   */
  async resume(): Promise<number> {
    const saved = (await this.options.store?.load()) ?? [];
    for (const record of saved) this.records.set(record.executionArn, record);
    const running = inDueOrder(saved);
    for (const record of running) this.active.add(record);
    this.catchUp = new CatchUp(running.map((r) => r.executionArn));
    const batch = this.options.resumeBatch ?? 25;
    this.resuming = (async () => {
      for (let i = 0; i < running.length && !this.shuttingDown; i += batch) {
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        // One stopped while it waited for its batch stays stopped.
        for (const record of running.slice(i, i + batch))
          if (record.status === 'RUNNING') this.launch(record);
      }
      // Stopped before its turn, or never launched because the runtime is shutting down.
      for (const record of running) if (!this.running.has(record.executionArn)) this.caughtUpWith(record);
    })();
    return running.length;
  }
  private resuming: Promise<void> = Promise.resolve();
  private catchUp = new CatchUp([]);

  /** Resolves when every resumed execution sleeps until a touch still to come, or has ended (or been shut down). */
  caughtUp(): Promise<void> {
    return this.catchUp.done;
  }

  private caughtUpWith(record: ExecutionRecord): void {
    this.catchUp.caughtUp(record.executionArn);
  }

  async startExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    const machineName = this.machineName(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${machineName}:${name}`;
    const input = request.input ?? '{}';
    const existing = this.records.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same execution, not a new one.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: request.stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: this.options.clock.now().toISOString(),
    };
    this.records.set(executionArn, record);
    this.active.add(record);
    await this.persist(record);
    this.launch(record);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  async stopExecution(request: { executionArn: string; error?: string; cause?: string }) {
    const record = this.get(request.executionArn);
    if (record.status === 'RUNNING') {
      this.finish(record, 'ABORTED', { error: request.error, cause: request.cause });
      this.running.get(record.executionArn)?.abort.abort();
      await this.persist(record);
    }
    return { stopDate: new Date(record.stopDate ?? this.options.clock.now().toISOString()) };
  }

  describeExecution(request: { executionArn: string }) {
    const { startDate, stopDate, ...record } = this.get(request.executionArn);
    return {
      ...record,
      startDate: new Date(startDate),
      ...(stopDate ? { stopDate: new Date(stopDate) } : {}),
    };
  }

  list(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  /** The executions still running. */
  runningExecutions(): ExecutionRecord[] {
    return [...this.active];
  }

  /** Calls `listener` each time an execution stops running (succeeded, failed or aborted); returns the unsubscribe. */
  onFinished(listener: (record: ExecutionRecord) => void): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  /** Resolves when every execution has finished (simulate waits on this). */
  async idle(): Promise<void> {
    await this.resuming;
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.saving;
  }

  /** Stops running (not aborting) every execution, for a clean shutdown: they resume on the next start. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.resuming;
    const stopping = [...this.running.values()];
    for (const run of stopping) run.abort.abort();
    await Promise.allSettled(stopping.map((r) => r.done));
    // A handler already running finishes while DynamoDB and SES are still up: cut off mid-send, it could neither
    // record its send nor give its claim back.
    await Promise.allSettled(this.invocations);
    await this.persist();
  }
  private shuttingDown = false;
  private readonly invocations = new Set<Promise<unknown>>();

  private get(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private machineName(stateMachineArn: string): string {
    const match = /^arn:aws:states:[^:]*:[^:]*:stateMachine:([^:]+)(?::[^:]+)?$/.exec(stateMachineArn);
    if (!match) throw new SfnError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const name = match[1] as string;
    if (!this.machines.has(name)) {
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return name;
  }

  private launch(record: ExecutionRecord): void {
    const machineName = this.machineName(record.stateMachineArn);
    const { machine, parameters } = this.machines.get(machineName) as LocalMachine;
    const definition = this.options.definitions.get(machineName) as StateMachineDefinition;
    const abort = new AbortController();
    const taskHandlers: Record<string, (input: unknown) => Promise<never>> = {};
    const waits: Record<string, number> = {};
    const retries: Record<string, number> = {};
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type === 'Wait') waits[stateName] = 0;
      if (state.Type !== 'Task') continue;
      retries[stateName] = this.options.retryIntervalMs ?? 50;
      const resolve = parameters.get(stateName);
      // Not async: a path that finds nothing throws before the Task starts, as the library's own Parameters would.
      taskHandlers[stateName] = (input) =>
        this.invoke(record, (resolve ? resolve(input) : input) as TaskInput, abort.signal) as Promise<never>;
    }
    const execution = machine.run(JSON.parse(record.input), {
      overrides: {
        taskResourceLocalHandlers: taskHandlers,
        waitTimeOverrides: waits,
        retryIntervalOverrides: retries,
      },
      context: { Execution: { Id: record.executionArn, Name: record.name, StartTime: record.startDate } },
      noThrowOnAbort: true,
    } as never);
    abort.signal.addEventListener('abort', () => execution.abort());
    const done = (async () => {
      // Read live, each event is a wait on the library's EventTarget; at the end they are all queued already.
      const events = this.options.countTransitionsAtEnd
        ? undefined
        : this.countTransitions(record, execution.eventLogs);
      try {
        const output = await execution.result;
        if (record.status === 'RUNNING' && !abort.signal.aborted) {
          this.finish(record, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
        }
      } catch (error) {
        if (record.status === 'RUNNING' && !this.shuttingDown) {
          // aws-local-stepfunctions wraps the state's error; report the state's, as Step Functions does.
          const { name, message } = ((error as Error).cause ?? error) as Error;
          this.finish(record, 'FAILED', { error: name, cause: message });
        }
      }
      await (events ?? this.countTransitions(record, execution.eventLogs)).catch(() => undefined);
      this.running.delete(record.executionArn);
      this.caughtUpWith(record);
      await this.persist(record);
    })();
    this.running.set(record.executionArn, { abort, done });
  }

  /** Counts each state entered and keeps the last one's name, as the interpreter's event log tells them. */
  private async countTransitions(record: ExecutionRecord, events: AsyncIterable<unknown>): Promise<void> {
    for await (const event of events as AsyncIterable<{ type: string; state?: { name: string } }>) {
      if (event.type === 'StateEntered') {
        this.counters.transitions++;
        record.currentState = event.state?.name;
      }
    }
  }

  private async invoke(record: ExecutionRecord, input: TaskInput, signal: AbortSignal): Promise<unknown> {
    const fn = this.options.functions.get(input.FunctionName);
    if (!fn)
      throw Object.assign(new Error(`no local function ${input.FunctionName}`), {
        name: 'Lambda.ResourceNotFoundException',
      });
    const due =
      typeof input.Payload?.scheduledAt === 'string' ? new Date(input.Payload.scheduledAt) : undefined;
    if (due) {
      if (due.getTime() > this.options.clock.now().getTime()) this.caughtUpWith(record);
      await this.options.clock.sleepUntil(due, signal);
      this.lastDue.set(record.executionArn, due);
    }
    // An aborted execution (stopped, or the runtime shutting down) runs nothing more, not even a Retry.
    signal.throwIfAborted();
    const now =
      this.capacityWaits.nowFor(record.executionArn, due) ?? due ?? this.lastDue.get(record.executionArn);
    // Only a due invocation waits for a slot, so an execution asleep until next week never blocks one due now; the
    // earliest due goes first.
    return this.slots
      .run(
        signal,
        () => {
          this.counters.lambdaInvocations++;
          const context = { executionArn: record.executionArn, ...(now ? { now } : {}) };
          const invocation = this.options.passInvocation
            ? (async () => fn(input.Payload, context))()
            : executionContext.run(context, async () => fn(input.Payload));
          this.invocations.add(invocation);
          const forget = () => this.invocations.delete(invocation);
          invocation.then(forget, forget);
          return invocation;
        },
        now?.getTime() ?? 0,
      )
      .then(
        (result) => this.capacityWaits.settled(record.executionArn, result),
        (error: unknown) => this.capacityWaits.failed(record.executionArn, error, this.options.clock, signal),
      );
  }

  private finish(record: ExecutionRecord, status: ExecutionStatus, details: Partial<ExecutionRecord>): void {
    Object.assign(record, details, { status, stopDate: this.options.clock.now().toISOString() });
    this.active.delete(record);
    for (const listener of this.finishListeners) listener(record);
  }

  /** Saves what changed since the last save, `record` included; resolves once that is in the store. */
  private persist(record?: ExecutionRecord): Promise<void> {
    const store = this.options.store;
    if (!store) return Promise.resolve();
    if (record) this.dirty.add(record);
    // Serialised: a later save never lands before an earlier one. Coalesced: a save that has not started yet takes
    // the changed records when it starts, so a burst of starts (a bulk import) costs one write, not one each.
    this.queued ??= this.saving.then(async () => {
      this.queued = undefined;
      const changed = [...this.dirty];
      this.dirty.clear();
      await store.save(changed).catch((error: unknown) => {
        // Not saved: the next save tries these again.
        for (const record of changed) this.dirty.add(record);
        throw error;
      });
    });
    this.saving = this.queued;
    return this.queued;
  }
  private queued: Promise<void> | undefined;
  private readonly dirty = new Set<ExecutionRecord>();
}

interface TaskInput {
  readonly FunctionName: string;
  readonly Payload?: { readonly scheduledAt?: unknown; readonly [key: string]: unknown };
}
