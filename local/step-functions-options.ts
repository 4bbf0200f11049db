import type { StateMachineDefinition } from '../functions/core/compile.ts';
import type { Clock } from './clock.ts';
import type { Foreground } from './slots.ts';
import type { ExecutionStore } from './step-functions.ts';

/* What LocalStepFunctions (local/step-functions.ts) runs, and how it tells a function which invocation it runs. */

/** Which execution a Task invocation runs for, and its "now": its touch's due instant (Complete: the last one's). */
export interface Invocation {
  readonly executionArn: string;
  readonly now?: Date;
}

/**
 * A Lambda stand-in: the same handler module Lambda runs, called with the Task's Payload, and with its invocation
 * when the runtime passes it as an argument (`passInvocation`).
 */
export type LocalFunction = (payload: unknown, invocation?: Invocation) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  /** Compiled definitions by state machine name (e.g. "Followup-proposal"). */
  readonly definitions: ReadonlyMap<string, StateMachineDefinition>;
  /** Functions by the FunctionName the definitions use. */
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly clock: Clock;
  readonly store?: ExecutionStore;
  /** Milliseconds between retries of a failed Task (the definitions' backoff is minutes of real time). */
  readonly retryIntervalMs?: number;
  /** How many Task invocations run at once (default: no limit); one that waits for its due time holds no slot. */
  readonly maxConcurrentInvocations?: number;
  /** How many resumed executions are launched before the runtime answers other work again (default 25). */
  readonly resumeBatch?: number;
  /** Requests being answered: background invocations give way to them (local/slots.ts, docs/architecture.md §7). */
  readonly foreground?: Foreground;
  /**
   * Whether each definition is checked against the ASL schema (default true). Definitions straight from
   * compileCadence may skip it: the compiler's output is validated by its tests, and ajv costs a second per process.
   */
  readonly validateDefinitions?: boolean;
  /**
   * Functions get their invocation as a second argument instead of in `executionContext`, and no AsyncLocalStorage
   * is entered: its hooks cost every promise the run makes (the memory engine, docs/architecture.md §9). Default false.
   */
  readonly passInvocation?: boolean;
  /**
   * Counts the transitions and keeps the last state once an execution has ended, instead of as each state is
   * entered: `currentState` is then unset while it runs (simulate, where nobody watches a run). Default false.
   */
  readonly countTransitionsAtEnd?: boolean;
}
