import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import {
  COMPLETE_STATE,
  compileCadence,
  compileGenericLoop,
  DONE_STATE,
  EXITED_STATE,
  type PayloadTemplate,
  STATE_NAME_MAX,
  type State,
  type StateMachineDefinition,
  type TaskState,
} from '../../../../functions/core/compile.ts';
import { LeadExited, TransientError } from '../../../../functions/core/errors.ts';
import {
  CompletePayloadSchema,
  ExecutionInputSchema,
  executionInput,
  executionName,
  TouchPayloadSchema,
} from '../../../../functions/core/execution-input.ts';
import { computeSchedule } from '../../../../functions/core/schedule.ts';

interface AslValidation {
  readonly isValid: boolean;
  errorsText(separator?: string): string;
}
// asl-validator is CommonJS without type declarations, and it writes "QueryLanguage" into every state it
// checks, so it gets a copy.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
) => AslValidation;
const validate = (definition: unknown) => aslValidator(structuredClone(definition));

function cadence(raw: unknown): Cadence {
  const result = parseCadence(raw);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return result.cadence;
}

const TARGETS = {
  touchFunction: 'arn:aws:lambda:us-east-1:123456789012:function:followup-touch',
  completeFunction: 'arn:aws:lambda:us-east-1:123456789012:function:followup-complete',
};

const SINGLE = cadence({
  id: 'single',
  name: 'One touch',
  steps: [{ id: 'hello', day: 1, channel: 'email', template: 'hello' }],
});

const PROPOSAL = cadence({
  id: 'proposal',
  name: 'Proposal follow-up',
  timezone: 'America/Chicago',
  holidays: ['2026-12-25', '2027-01-01'],
  steps: [
    { id: 'proposal', day: 1, channel: 'email', template: 'proposal-sent' },
    { id: 'did-you-get-it', day: 3, channel: 'email', template: 'proposal-received' },
    { id: 'walkthrough-call', day: 7, channel: 'call', template: 'walkthrough-call' },
    {
      id: 'text',
      wait: '3 business days',
      channel: 'sms',
      template: 'quick-text',
      sendWindow: { start: '10:00', end: '18:00' },
    },
  ],
  then: 'quarterly-nurture',
});

const CART = cadence({
  id: 'cart',
  name: 'Abandoned cart',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '21:00' },
  minGap: '1 hour',
  steps: [
    { id: 'reminder', wait: '2 hours', channel: 'email', template: 'cart-reminder' },
    { id: 'nudge', wait: '1 day', channel: 'sms', template: 'cart-nudge' },
    { id: 'call', wait: '3 business days', channel: 'call', template: 'cart-call' },
    { id: 'note', wait: '1 week', channel: 'task', template: 'handwritten-note' },
  ],
});

const LONG_IDS = cadence({
  id: 'long-ids',
  name: 'Step ids longer than a state name',
  steps: [
    { id: `${'x'.repeat(90)}-a`, day: 1, channel: 'email', template: 'first' },
    { id: `${'x'.repeat(90)}-b`, wait: '2 business days', channel: 'email', template: 'second' },
    { id: 'short', day: 9, channel: 'call', template: 'third' },
  ],
});

const CADENCES: [string, Cadence][] = [
  ['one step', SINGLE],
  ['day steps and a wait step, with then', PROPOSAL],
  ['wait steps only, no then', CART],
  ['step ids too long for a state name', LONG_IDS],
];

const ENROLLMENT = {
  leadId: 'lead-7f3a',
  enrollmentId: 'enr-01',
  enrolledAt: '2026-12-18T17:45:00-06:00',
  zone: 'America/Chicago',
};

const tasksOf = (definition: StateMachineDefinition) =>
  Object.entries(definition.States).filter((entry): entry is [string, TaskState] => entry[1].Type === 'Task');

/** How an unresolved CDK attribute such as `fn.functionArn` reads inside a string. */
const cdkToken = (n: number) => `\${Token[TOKEN.${n}]}`;

/** The states a lead who never exits passes through, from StartAt to the end: one transition each. */
function happyPath(definition: StateMachineDefinition): string[] {
  const path: string[] = [];
  for (let name: string | undefined = definition.StartAt; name !== undefined; ) {
    const state: State | undefined = definition.States[name];
    if (!state || path.length > 1000) throw new Error(`broken chain at "${name}"`);
    path.push(name);
    name = state.Type === 'Succeed' ? undefined : state.Type === 'Choice' ? state.Default : state.Next;
  }
  return path;
}

/** Just enough JSONPath for our reference paths: `$.a.b[0].c`. */
function resolvePath(path: string, input: unknown): unknown {
  const parts = path.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? [];
  return parts.reduce<unknown>((value, part) => {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part.slice(1);
    return (value as Record<string | number, unknown>)[key];
  }, input);
}

/** What a Task's Parameters.Payload becomes for a given input, as Step Functions renders it. */
function render(payload: PayloadTemplate, input: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) =>
      key.endsWith('.$') ? [key.slice(0, -2), resolvePath(String(value), input)] : [key, value],
    ),
  );
}

describe('compileCadence', () => {
  it.each(CADENCES)('compiles a valid state machine: %s', (_, subject) => {
    // Act
    const result = validate(compileCadence(subject, TARGETS));

    // Assess
    expect(result.errorsText(), result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is checked by a validator that does reject a broken chain', () => {
    // Prepare
    const definition = structuredClone(compileCadence(SINGLE, TARGETS)) as {
      States: Record<string, { Next?: string }>;
    };
    const touch = definition.States['Day 1 · email · hello'] as { Next?: string };
    touch.Next = 'Nowhere';

    // Act
    const result = validate(definition);

    // Assess
    expect(result.isValid).toBe(false);
    expect(result.errorsText()).toContain('Nowhere');
  });

  it.each([
    ['CDK tokens', { touchFunction: cdkToken(41), completeFunction: cdkToken(42) }],
    ['function names', { touchFunction: 'followup-touch', completeFunction: 'followup-complete' }],
  ])('stays valid whatever form the targets take: %s', (_, targets) => {
    // Act
    const definition = compileCadence(PROPOSAL, targets);

    // Assess
    expect(validate(definition).isValid).toBe(true);
    expect(tasksOf(definition).map(([, task]) => task.Parameters.FunctionName)).toEqual([
      ...PROPOSAL.steps.map(() => targets.touchFunction),
      targets.completeFunction,
    ]);
  });

  it.each(CADENCES)('waits until schedule[i].at, then touches, step by step: %s', (_, subject) => {
    // Act
    const definition = compileCadence(subject, TARGETS);

    // Assess
    const path = happyPath(definition);
    const types = path.map((name) => definition.States[name]?.Type);
    expect(types).toEqual([...subject.steps.flatMap(() => ['Wait', 'Task']), 'Task', 'Succeed']);
    expect(path.slice(-2)).toEqual([COMPLETE_STATE, DONE_STATE]);
    const timestamps = path.map((name) => definition.States[name]).filter((state) => state?.Type === 'Wait');
    expect(timestamps.map((wait) => wait.TimestampPath)).toEqual(
      subject.steps.map((_step, i) => `$.schedule[${i}].at`),
    );
  });

  it.each(CADENCES)('spends 2 transitions per touch and 2 per enrollment: %s', (_, subject) => {
    // Act
    const definition = compileCadence(subject, TARGETS);

    // Assess
    expect(happyPath(definition)).toHaveLength(2 * subject.steps.length + 2);
    expect(Object.keys(definition.States)).toHaveLength(2 * subject.steps.length + 3);
    expect(definition.States[EXITED_STATE]).toMatchObject({ Type: 'Succeed' });
  });

  it('names states the way the console graph should show them', () => {
    // Act
    const definition = compileCadence(PROPOSAL, TARGETS);

    // Assess
    expect(happyPath(definition)).toEqual([
      'Wait · Day 1 · email · proposal',
      'Day 1 · email · proposal',
      'Wait · Day 3 · email · did-you-get-it',
      'Day 3 · email · did-you-get-it',
      'Wait · Day 7 · call · walkthrough-call',
      'Day 7 · call · walkthrough-call',
      'Wait · +3 business days · sms · text',
      '+3 business days · sms · text',
      'Complete',
      'Done',
    ]);
  });

  it('keeps names unique and within 80 characters when step ids are long', () => {
    // Act
    const names = Object.keys(compileCadence(LONG_IDS, TARGETS).States);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(STATE_NAME_MAX);
      expect(name).toMatch(/^[a-zA-Z0-9 ·+()-]+$/);
    }
    expect(names.filter((name) => name.endsWith('(step 1)'))).toHaveLength(2);
    expect(names.filter((name) => name.endsWith('(step 2)'))).toHaveLength(2);
    expect(names).toContain('Day 9 · call · short');
  });

  it('sends the touch function a small payload naming the step and reading the lead from the input', () => {
    // Act
    const touch = compileCadence(PROPOSAL, TARGETS).States['Day 7 · call · walkthrough-call'];

    // Assess
    expect(touch).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      ResultPath: null,
      Parameters: {
        FunctionName: TARGETS.touchFunction,
        Payload: {
          'leadId.$': '$.leadId',
          'enrollmentId.$': '$.enrollmentId',
          cadenceId: 'proposal',
          stepIndex: 2,
          stepId: 'walkthrough-call',
          channel: 'call',
          template: 'walkthrough-call',
          'scheduledAt.$': '$.schedule[2].at',
        },
      },
    });
  });

  it.each(CADENCES)('reads only paths the execution input has: %s', (_, subject) => {
    // Prepare
    const input = executionInput(subject, ENROLLMENT);

    // Act
    const definition = compileCadence(subject, TARGETS);

    // Assess
    const paths = Object.values(definition.States).flatMap((state) => {
      if (state.Type === 'Wait') return [state.TimestampPath];
      if (state.Type !== 'Task') return [];
      return Object.entries(state.Parameters.Payload)
        .filter(([key]) => key.endsWith('.$'))
        .map(([, path]) => String(path));
    });
    expect(paths.length).toBeGreaterThan(subject.steps.length);
    for (const path of paths) expect(resolvePath(path, input), path).toBeDefined();
  });

  it('renders payloads the touch and complete handlers accept', () => {
    // Prepare
    const input = executionInput(PROPOSAL, ENROLLMENT);
    const definition = compileCadence(PROPOSAL, TARGETS);
    const payloadOf = (name: string) => (definition.States[name] as TaskState).Parameters.Payload;

    // Act
    const touch = TouchPayloadSchema.parse(render(payloadOf('+3 business days · sms · text'), input));
    const complete = CompletePayloadSchema.parse(render(payloadOf(COMPLETE_STATE), input));

    // Assess
    expect(touch).toEqual({
      leadId: 'lead-7f3a',
      enrollmentId: 'enr-01',
      cadenceId: 'proposal',
      stepIndex: 3,
      stepId: 'text',
      channel: 'sms',
      template: 'quick-text',
      scheduledAt: input.schedule[3]?.at,
    });
    expect(complete).toEqual({
      leadId: 'lead-7f3a',
      enrollmentId: 'enr-01',
      cadenceId: 'proposal',
      then: 'quarterly-nurture',
    });
  });

  it('passes then: null to Complete when the cadence names no next cadence', () => {
    // Act
    const complete = compileCadence(CART, TARGETS).States[COMPLETE_STATE] as TaskState;

    // Assess
    expect(complete.Parameters).toEqual({
      FunctionName: TARGETS.completeFunction,
      Payload: { 'leadId.$': '$.leadId', 'enrollmentId.$': '$.enrollmentId', cadenceId: 'cart', then: null },
    });
    expect(complete.Next).toBe(DONE_STATE);
  });

  it('uses JSONPath only, never JSONata', () => {
    // Act
    const definitions = CADENCES.flatMap(([, subject]) => [
      compileCadence(subject, TARGETS),
      compileGenericLoop(subject, TARGETS),
    ]);

    // Assess
    for (const definition of definitions) {
      const text = JSON.stringify(definition);
      expect(text).not.toMatch(/"(QueryLanguage|Arguments|Output|Assign|Condition)":/);
      expect(text).not.toContain('{%');
    }
  });
});

describe('error handling of every Task', () => {
  const definitions = CADENCES.flatMap(([label, subject]) => [
    [`compiled ${label}`, compileCadence(subject, TARGETS)] as const,
    [`generic loop ${label}`, compileGenericLoop(subject, TARGETS)] as const,
  ]);

  it.each(definitions)('catches only LeadExited, into the Exited Succeed state: %s', (_, definition) => {
    // Prepare
    const exitName = new LeadExited('lead replied').name;

    // Act
    const catchers = tasksOf(definition).map(([, task]) => task.Catch);

    // Assess
    expect(catchers.length).toBeGreaterThan(1);
    for (const catcher of catchers)
      expect(catcher).toEqual([{ ErrorEquals: [exitName], Next: EXITED_STATE }]);
    expect(definition.States[EXITED_STATE]).toMatchObject({ Type: 'Succeed' });
  });

  it.each(definitions)('retries transient errors with backoff and full jitter: %s', (_, definition) => {
    // Prepare
    const transient = [
      new TransientError('SES throttled').name,
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.Unknown',
    ];

    // Act
    const retriers = tasksOf(definition).flatMap(([, task]) =>
      task.Retry.filter((retrier) => retrier.ErrorEquals.includes('TransientError')),
    );

    // Assess
    expect(retriers).toHaveLength(tasksOf(definition).length);
    for (const retrier of retriers) {
      expect(retrier.ErrorEquals).toEqual(expect.arrayContaining(transient));
      expect(retrier).toMatchObject({
        IntervalSeconds: 2,
        BackoffRate: 2,
        MaxAttempts: 6,
        JitterStrategy: 'FULL',
      });
      expect(retrier.MaxDelaySeconds).toBeGreaterThan(0);
      expect(retrier.MaxDelaySeconds).toBeLessThanOrEqual(300);
    }
  });

  it.each(definitions)('lets permanent errors fail the execution: %s', (_, definition) => {
    // Act
    const handled = tasksOf(definition).flatMap(([, task]) => [
      ...task.Retry.flatMap((retrier) => retrier.ErrorEquals),
      ...task.Catch.flatMap((catcher) => catcher.ErrorEquals),
    ]);

    // Assess
    for (const permanent of ['MessageRejected', 'TemplateNotFound', 'Error', 'TypeError']) {
      expect(handled).not.toContain(permanent);
    }
    expect(handled).not.toContain('States.ALL');
    expect(handled).not.toContain('States.TaskFailed');
  });
});

describe('compileGenericLoop', () => {
  it.each(CADENCES)('compiles a valid state machine: %s', (_, subject) => {
    // Act
    const result = validate(compileGenericLoop(subject, TARGETS));

    // Assess
    expect(result.errorsText(), result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('reads the cadence at run time: the definition does not grow with the steps', () => {
    // Act
    const one = compileGenericLoop(SINGLE, TARGETS);
    const four = compileGenericLoop(PROPOSAL, TARGETS);

    // Assess
    expect(Object.keys(four.States)).toEqual(Object.keys(one.States));
  });

  it('spends 6 transitions per touch: plan, wait, check, choice, send, choice', () => {
    // Prepare
    const definition = compileGenericLoop(PROPOSAL, TARGETS);
    const loop: string[] = [];

    // Act
    let name = definition.StartAt;
    do {
      loop.push(name);
      const state = definition.States[name];
      if (!state || state.Type === 'Succeed' || loop.length > 20)
        throw new Error(`left the loop at "${name}"`);
      name =
        state.Type === 'Choice'
          ? (state.Choices.find((rule) => rule.Next !== EXITED_STATE)?.Next ?? state.Default)
          : state.Next;
    } while (name !== definition.StartAt);

    // Assess
    expect(loop.map((step) => definition.States[step]?.Type)).toEqual([
      'Task',
      'Wait',
      'Task',
      'Choice',
      'Task',
      'Choice',
    ]);
  });
});

describe('executionInput', () => {
  it('carries the computed schedule as UTC instants', () => {
    // Prepare
    const expected = computeSchedule(PROPOSAL, ENROLLMENT.enrolledAt, ENROLLMENT.zone);

    // Act
    const input = executionInput(PROPOSAL, ENROLLMENT);

    // Assess
    expect(input.schedule[0]?.at).toBe('2026-12-21T15:00:00Z');
    expect(input.enrolledAt).toBe('2026-12-18T23:45:00Z');
    for (const touch of input.schedule) expect(touch.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(input.schedule.map((touch) => Date.parse(touch.at))).toEqual(
      expected.map((touch) => Date.parse(touch.at)),
    );
    expect(input.schedule.map(({ step, channel, template }) => ({ step, channel, template }))).toEqual(
      expected.map(({ step, channel, template }) => ({ step, channel, template })),
    );
    expect(ExecutionInputSchema.parse(input)).toEqual(input);
  });

  it('rejects a schedule instant with an offset, which a Wait state cannot read', () => {
    // Prepare
    const input = executionInput(SINGLE, ENROLLMENT);
    const withOffset = { ...input, schedule: [{ ...input.schedule[0], at: '2026-12-21T09:00:00-06:00' }] };

    // Act
    const result = ExecutionInputSchema.safeParse(withOffset);

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('executionName', () => {
  const SAFE = /^[A-Za-z0-9_-]{1,80}$/;

  it('gives the same lead in the same cadence the same name', () => {
    // Act
    const first = executionName('lead-7f3a', 'proposal', '2026-12-18T17:45:00-06:00');
    const again = executionName('lead-7f3a', 'proposal', '2026-12-18T23:45:00.000Z');

    // Assess
    expect(again).toBe(first);
    expect(first).toMatch(SAFE);
    expect(executionName('lead-7f3a', 'proposal')).toBe(executionName('lead-7f3a', 'proposal'));
  });

  it('gives another lead, cadence or enrollment another name', () => {
    // Act
    const names = [
      executionName('lead-7f3a', 'proposal', '2026-12-18T17:45:00-06:00'),
      executionName('lead-8b21', 'proposal', '2026-12-18T17:45:00-06:00'),
      executionName('lead-7f3a', 'quarterly-nurture', '2026-12-18T17:45:00-06:00'),
      executionName('lead-7f3a', 'proposal', '2027-03-18T17:45:00-05:00'),
      executionName('lead-7f3a', 'proposal'),
    ];

    // Assess
    expect(new Set(names).size).toBe(names.length);
  });

  it('stays within 80 safe characters for long and unusual ids', () => {
    // Prepare
    const long = `${'a'.repeat(120)}/ü é`;

    // Act
    const names = [
      executionName(`${long}-1`, 'x'.repeat(70)),
      executionName(`${long}-2`, 'x'.repeat(70)),
      executionName(long, 'proposal', new Date('2026-12-18T23:45:00Z')),
    ];

    // Assess
    for (const name of names) expect(name).toMatch(SAFE);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('an immediate step in the compiled definition (#15)', () => {
  const INSTANT = cadence({
    id: 'instant',
    name: 'Instant reply',
    steps: [
      { id: 'reply', wait: '0 minutes', channel: 'email', template: 'reply', sendWindow: 'immediate' },
      { id: 'later', day: 3, channel: 'email', template: 'later' },
    ],
  });

  it('marks only the immediate touch transactional, pinned with the definition like the schedule', () => {
    // Act
    const definition = compileCadence(INSTANT, TARGETS);
    const payloads = Object.values(definition.States)
      .filter((state): state is TaskState => state.Type === 'Task')
      .map((state) => state.Parameters.Payload);

    // Assess
    expect(validate(definition).isValid).toBe(true);
    expect(payloads.map((p) => p.transactional)).toEqual([true, undefined, undefined]);
  });

  it('adds nothing to a cadence without one: its definition is the one of today', () => {
    expect(JSON.stringify(compileCadence(PROPOSAL, TARGETS))).not.toContain('transactional');
  });
});
