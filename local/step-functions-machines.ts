import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from '../functions/core/compile.ts';
import { type TaskParameters, takeOverParameters } from './step-functions-paths.ts';

/* The aws-local-stepfunctions machines LocalStepFunctions (local/step-functions.ts) runs a compiled definition on. */

/**
 * The longest Task timeout a Node timer can hold (2^31-1 ms, 24.8 days). aws-local-stepfunctions times a Task that
 * names no TimeoutSeconds out after 60 s of real time, but here a touch sleeps inside its Task until it is due: a
 * touch more than a minute away would fail its execution with States.Timeout.
 */
const LOCAL_TASK_TIMEOUT_SECONDS = 2_147_483;

/**
 * The state machines of each definition text: ajv checks an ASL in every `new StateMachine`, which costs seconds
 * for the shipped cadences, so each definition is validated once per process and machines are shared by runtimes
 * (a StateMachine keeps nothing of its runs).
 */
const machinesByDefinition = new Map<string, LocalMachine>();

/** A definition's state machine, and the Task Parameters resolved outside it (local/step-functions-paths.ts). */
export interface LocalMachine {
  readonly machine: StateMachine;
  readonly parameters: ReadonlyMap<string, TaskParameters>;
}

export function stateMachineOf(definition: StateMachineDefinition, validate: boolean): LocalMachine {
  const untimed = untimedTasks(definition);
  // A machine built unchecked is never handed to a runtime that asked for the check.
  const key = `${validate ? 'checked' : 'unchecked'} ${JSON.stringify(untimed)}`;
  let local = machinesByDefinition.get(key);
  if (!local) {
    // The definition as compiled is what gets checked; the machine that runs it has its plain Parameters taken over.
    if (validate) new StateMachine(untimed as never, { validationOptions: { checkArn: false } });
    const prepared = takeOverParameters(untimed);
    const machine = new StateMachine(prepared.definition as never, {
      validationOptions: { noValidate: true },
    });
    local = { machine, parameters: prepared.parameters };
    machinesByDefinition.set(key, local);
  }
  return local;
}

function untimedTasks(definition: StateMachineDefinition): StateMachineDefinition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => [
      name,
      state.Type === 'Task' ? { ...state, TimeoutSeconds: LOCAL_TASK_TIMEOUT_SECONDS } : state,
    ]),
  );
  return { ...definition, States: states };
}
