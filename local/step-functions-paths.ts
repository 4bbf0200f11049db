import type { State, StateMachineDefinition } from '../functions/core/compile.ts';

/*
 * Task Parameters resolved here rather than by aws-local-stepfunctions: its path library (jsonpath-plus) answers
 * every lookup that finds one value by throwing and catching an Error, about 6% of a simulated run's time
 * (docs/architecture.md §9). Only templates whose paths are plain ($.a.b[0].c) are taken over, each read as
 * jsonpath-plus reads it; a template with any other path, a context path ($$) or an intrinsic function stays with
 * the library.
 */

/** A Task's Parameters as a function of the state's input. */
export type TaskParameters = (input: unknown) => unknown;

/** The definition without the Parameters taken over, and what each of those Tasks' Parameters resolve to. */
export interface PreparedDefinition {
  readonly definition: StateMachineDefinition;
  readonly parameters: ReadonlyMap<string, TaskParameters>;
}

export function takeOverParameters(definition: StateMachineDefinition): PreparedDefinition {
  const parameters = new Map<string, TaskParameters>();
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const resolve =
      state.Type === 'Task' && !('InputPath' in state) ? templateOf(state.Parameters) : undefined;
    if (state.Type !== 'Task' || !resolve) {
      states[name] = state;
      continue;
    }
    const { Parameters: _taken, ...rest } = state;
    states[name] = rest as State;
    parameters.set(name, resolve);
  }
  return { definition: { ...definition, States: states }, parameters };
}

/** A path of names and indexes only: `$.schedule[0].at`. */
const PLAIN_PATH = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/;
const SEGMENT = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g;

/** A payload template as aws-local-stepfunctions processes one (processPayloadTemplate), or undefined if it is not plain. */
function templateOf(template: unknown): TaskParameters | undefined {
  if (typeof template !== 'object' || template === null) return () => template;
  if (Array.isArray(template)) {
    const items = template.map(templateOf);
    if (!items.every((item): item is TaskParameters => item !== undefined)) return undefined;
    return (input) => items.map((item) => item(input));
  }
  const fields: [string, TaskParameters][] = [];
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const path = PLAIN_PATH.test(value) ? [...value.matchAll(SEGMENT)].map((m) => m[1] ?? m[2]) : undefined;
      if (!path) return undefined;
      // As the library: the first ".$" goes, wherever it is.
      fields.push([key.replace('.$', ''), (input) => valueAt(value, path as string[], input)]);
      continue;
    }
    const resolve = templateOf(value);
    if (!resolve) return undefined;
    fields.push([key, resolve]);
  }
  return (input) => Object.fromEntries(fields.map(([key, resolve]) => [key, resolve(input)]));
}

/** The value at a plain path, stepping only through own properties as jsonpath-plus does; none is an error. */
function valueAt(expression: string, path: readonly string[], json: unknown): unknown {
  let value: unknown = json;
  // jsonpath-plus finds nothing in a falsy document, and follows a step only from a truthy value.
  for (const key of path) {
    value = value && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined) break;
  }
  if (value === undefined)
    throw new StatesRuntimeError(`Path expression '${expression}' does not point to a value`);
  return value;
}

/** What aws-local-stepfunctions throws for a path that finds nothing: neither retried nor caught. */
export class StatesRuntimeError extends Error {
  override readonly name = 'States.Runtime';
  readonly isRetryable = false;
  readonly isCatchable = false;
}
