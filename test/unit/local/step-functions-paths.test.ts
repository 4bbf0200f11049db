import '../../../local/polyfills.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../../functions/adapters/cadence-files.ts';
import {
  compileCadence,
  type StateMachineDefinition,
  type TaskState,
} from '../../../functions/core/compile.ts';
import { takeOverParameters } from '../../../local/step-functions-paths.ts';

/*
 * The Task Parameters resolved outside aws-local-stepfunctions must be what the library itself would hand the Task:
 * the same payload for the same input, the same failure for a path that finds nothing, and anything that is not a
 * plain path left to the library.
 */

const CADENCES = loadCadencesSync(new URL('../../../cadences', import.meta.url).pathname);
const TARGETS = { touchFunction: 'touch', completeFunction: 'complete' };

/** The state alone as a one-state machine, its Task answered locally: what the library hands the Task. */
async function libraryInput(state: TaskState, input: unknown): Promise<unknown> {
  const { Next: _next, Retry: _retry, Catch: _catch, ...alone } = state;
  const machine = new StateMachine({ StartAt: 'T', States: { T: { ...alone, End: true } } } as never, {
    validationOptions: { noValidate: true },
  });
  let received: unknown;
  const run = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        T: async (given: unknown) => {
          received = given;
          return {};
        },
      },
    },
  });
  await run.result;
  return received;
}

const scheduleInput = {
  leadId: 'lead-1',
  enrollmentId: 'web-inquiry-e1',
  enrolledAt: '2026-07-06T09:00:00.000Z',
  zone: 'America/New_York',
  schedule: Array.from({ length: 12 }, (_, i) => ({
    at: `2026-07-${String(6 + i).padStart(2, '0')}T13:00:00Z`,
  })),
  then: 'nurture',
  empty: '',
  zero: 0,
};

const task = (Payload: Record<string, unknown>): TaskState => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'touch', Payload } as TaskState['Parameters'],
  ResultPath: null,
  Retry: [],
  Catch: [],
  Next: 'Done',
});
const definitionOf = (state: TaskState): StateMachineDefinition => ({
  Comment: 'one task',
  StartAt: 'T',
  States: { T: state, Done: { Type: 'Succeed' } },
});

describe('Task Parameters resolved outside aws-local-stepfunctions', () => {
  it("takes over every Task of every shipped cadence and hands it the library's own payload", async () => {
    for (const cadence of CADENCES) {
      // Prepare
      const definition = compileCadence(cadence, TARGETS);
      const tasks = Object.entries(definition.States).filter(
        (entry): entry is [string, TaskState] => entry[1].Type === 'Task',
      );

      // Act
      const prepared = takeOverParameters(definition);

      // Assess
      expect([...prepared.parameters.keys()]).toEqual(tasks.map(([name]) => name));
      for (const [name, state] of tasks) {
        expect(prepared.definition.States[name]).not.toHaveProperty('Parameters');
        expect(prepared.parameters.get(name)?.(scheduleInput)).toEqual(
          await libraryInput(state, scheduleInput),
        );
      }
    }
  });

  it('resolves nested objects, arrays, falsy values and indexes as the library does', async () => {
    // Prepare
    const state = task({
      'lead.$': '$.leadId',
      nested: { 'at.$': '$.schedule[11].at', list: [{ 'then.$': '$.then' }, 3, null] },
      'empty.$': '$.empty',
      'zero.$': '$.zero',
      'length.$': '$.schedule.length',
      fixed: true,
    });

    // Act
    const resolve = takeOverParameters(definitionOf(state)).parameters.get('T');

    // Assess
    expect(resolve?.(scheduleInput)).toEqual(await libraryInput(state, scheduleInput));
  });

  it('fails a path that finds nothing as the library does: States.Runtime, neither retried nor caught', async () => {
    // Prepare
    const state = task({ 'at.$': '$.schedule[40].at' });
    const library = await libraryInput(state, scheduleInput).catch((error: Error) => error.cause ?? error);

    // Act
    const resolve = takeOverParameters(definitionOf(state)).parameters.get('T');
    let ours: unknown;
    try {
      resolve?.(scheduleInput);
    } catch (error) {
      ours = error;
    }

    // Assess
    expect(ours).toMatchObject({
      name: (library as Error).name,
      message: (library as Error).message,
      isRetryable: false,
      isCatchable: false,
    });
    expect((library as Error).name).toBe('States.Runtime');
  });

  it.each([
    ['a context path', { 'id.$': '$$.Execution.Id' }],
    ['an intrinsic function', { 'text.$': "States.Format('{}', $.leadId)" }],
    ['a wildcard', { 'all.$': '$.schedule[*].at' }],
    ['a filter', { 'some.$': '$.schedule[?(@.at)]' }],
    ['a quoted name', { 'lead.$': "$['leadId']" }],
  ])('leaves a template with %s to the library', (_what, payload) => {
    // Act
    const prepared = takeOverParameters(definitionOf(task(payload)));

    // Assess
    expect(prepared.parameters.size).toBe(0);
    expect(prepared.definition.States.T).toHaveProperty('Parameters');
  });
});
