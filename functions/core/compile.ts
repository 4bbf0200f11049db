import type { Cadence, Step } from './cadence-schema.ts';
import type { LeadExited, SendingCapacity, TransientError } from './errors.ts';
import { isImmediate } from './schedule.ts';

/*
 * The cadence compiler (docs/architecture.md §3.2): one Standard state machine per cadence, JSONPath only. Each touch
 * costs two state transitions (Wait + Task) and each enrollment two more (Complete + Done). The schedule is not in
 * the definition: it travels in the execution input, computed once at enrollment (see execution-input.ts).
 */

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type PayloadTemplate = { readonly [key: string]: Json };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
}

export interface TaskState {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters: { readonly FunctionName: string; readonly Payload: PayloadTemplate };
  readonly ResultSelector?: PayloadTemplate;
  readonly ResultPath: string | null;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
  readonly Next: string;
}

export interface WaitState {
  readonly Type: 'Wait';
  readonly TimestampPath: string;
  readonly Next: string;
}

export interface ChoiceRule {
  readonly Variable: string;
  readonly BooleanEquals: boolean;
  readonly Next: string;
}

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default: string;
}

export interface SucceedState {
  readonly Type: 'Succeed';
  readonly Comment?: string;
}

export type State = TaskState | WaitState | ChoiceState | SucceedState;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

/** Lambda functions the Task states invoke: ARNs, names, CDK tokens or local placeholders. */
export interface TaskTargets {
  readonly touchFunction: string;
  readonly completeFunction: string;
}

export const STATE_NAME_MAX = 80;
export const COMPLETE_STATE = 'Complete';
export const DONE_STATE = 'Done';
export const EXITED_STATE = 'Exited';

// The optimized integration accepts any FunctionName form while Resource stays a valid ARN, and its
// response wrapper is dropped by ResultPath null: one transition per Task, execution state unchanged.
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

const LEAD_EXITED: LeadExited['name'] = 'LeadExited';
const TRANSIENT: TransientError['name'] = 'TransientError';

/**
 * Errors worth retrying: the Lambda service errors AWS documents for lambda:invoke (Lambda.Unknown is a function
 * timeout or out-of-memory; the touch claims its send first, so a rerun never sends twice) and our own throttling.
 * Anything else, e.g. MessageRejected or TemplateNotFound, fails the execution loudly so it can be redriven.
 */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  TRANSIENT,
] as const;

export const RETRY_TRANSIENT: Retrier = {
  ErrorEquals: TRANSIENT_ERRORS,
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 6,
  MaxDelaySeconds: 300,
  JitterStrategy: 'FULL',
};

const SENDING_CAPACITY: SendingCapacity['name'] = 'SendingCapacity';

/**
 * A touch that found no sending capacity (the governor's rate, daily cap or reputation pause) sent nothing and gave its
 * claim back: it waits for hours, not minutes. 30 s doubling to at most 1 h, FULL jitter so a capped morning's
 * touches do not come back together; 150 attempts average about three days (half of each capped delay), past
 * a day's cap and a weekend. Exported for the quota simulation (local/quota-sim).
 */
export const RETRY_SENDING_CAPACITY: Retrier = {
  ErrorEquals: [SENDING_CAPACITY],
  IntervalSeconds: 30,
  BackoffRate: 2,
  MaxAttempts: 150,
  MaxDelaySeconds: 3600,
  JitterStrategy: 'FULL',
};

export interface TouchStateNames {
  readonly wait: string;
  readonly touch: string;
}

/** Each step's Wait and Touch state names as the console graph shows them: "Day 7 · call · walkthrough-call". */
export function touchStateNames(cadence: Cadence): TouchStateNames[] {
  return cadence.steps.map((step, i) => {
    const label = `${step.day !== undefined ? `Day ${step.day}` : `+${step.wait ?? ''}`} · ${step.channel} · `;
    return { wait: fitName(`Wait · ${label}`, step.id, i), touch: fitName(label, step.id, i) };
  });
}

function fitName(prefix: string, stepId: string, index: number): string {
  const whole = `${prefix}${stepId}`;
  if (whole.length <= STATE_NAME_MAX) return whole;
  // Step ids are unique but may share a long prefix; the step number keeps cut names apart, and "(" never
  // occurs in a step id, so a cut name cannot equal a whole one.
  const suffix = ` (step ${index + 1})`;
  return `${prefix}${stepId.slice(0, STATE_NAME_MAX - prefix.length - suffix.length)}${suffix}`;
}

/** The state machine of one cadence: Wait until `schedule[i].at`, touch, …, Complete. */
export function compileCadence(cadence: Cadence, targets: TaskTargets): StateMachineDefinition {
  const names = touchStateNames(cadence);
  const states: Record<string, State> = {};
  names.forEach(({ wait, touch }, i) => {
    const step = cadence.steps[i] as Step;
    states[wait] = { Type: 'Wait', TimestampPath: `$.schedule[${i}].at`, Next: touch };
    states[touch] = lambdaTask(targets.touchFunction, touchPayload(cadence, step, i), {
      next: names[i + 1]?.wait ?? COMPLETE_STATE,
      retry: [RETRY_SENDING_CAPACITY],
    });
  });
  Object.assign(states, endStates(cadence, targets));
  const touches = cadence.steps.length;
  return {
    Comment: `Followup cadence "${cadence.id}" (${cadence.name}): ${touches} ${touches === 1 ? 'touch' : 'touches'} at the instants in $.schedule`,
    StartAt: (names[0] as TouchStateNames).wait,
    States: states,
  };
}

/**
 * The baseline a compiled cadence is measured against: one loop that plans, waits, checks and sends, reading the
 * cadence and the lead's progress at run time. Six transitions per touch instead of two.
 */
export function compileGenericLoop(cadence: Cadence, targets: TaskTargets): StateMachineDefinition {
  const lead = { 'leadId.$': '$.leadId', 'enrollmentId.$': '$.enrollmentId', cadenceId: cadence.id };
  const plan = 'Plan next touch';
  const wait = 'Wait for next touch';
  const check = 'Check lead';
  const active = 'Lead still active?';
  const send = 'Send touch';
  const more = 'More touches?';
  return {
    Comment: `Followup generic loop for cadence "${cadence.id}": reads the cadence at run time`,
    StartAt: plan,
    States: {
      [plan]: lambdaTask(
        targets.touchFunction,
        { action: 'plan', ...lead, 'enrolledAt.$': '$.enrolledAt', 'zone.$': '$.zone' },
        {
          next: wait,
          resultSelector: { 'at.$': '$.Payload.at', 'stepIndex.$': '$.Payload.stepIndex' },
          resultPath: '$.next',
        },
      ),
      [wait]: { Type: 'Wait', TimestampPath: '$.next.at', Next: check },
      [check]: lambdaTask(
        targets.touchFunction,
        { action: 'check', ...lead, 'stepIndex.$': '$.next.stepIndex' },
        { next: active, resultSelector: { 'active.$': '$.Payload.active' }, resultPath: '$.check' },
      ),
      [active]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.check.active', BooleanEquals: false, Next: EXITED_STATE }],
        Default: send,
      },
      [send]: lambdaTask(
        targets.touchFunction,
        { action: 'send', ...lead, 'stepIndex.$': '$.next.stepIndex', 'scheduledAt.$': '$.next.at' },
        { next: more, resultSelector: { 'more.$': '$.Payload.more' }, resultPath: '$.sent' },
      ),
      [more]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.sent.more', BooleanEquals: true, Next: plan }],
        Default: COMPLETE_STATE,
      },
      ...endStates(cadence, targets),
    },
  };
}

function touchPayload(cadence: Cadence, step: Step, index: number): PayloadTemplate {
  return {
    'leadId.$': '$.leadId',
    'enrollmentId.$': '$.enrollmentId',
    cadenceId: cadence.id,
    stepIndex: index,
    stepId: step.id,
    channel: step.channel,
    template: step.template,
    'scheduledAt.$': `$.schedule[${index}].at`,
    // The touch records the lead's next touch date without reading the enrollment back.
    ...(index + 1 < cadence.steps.length ? { 'nextAt.$': `$.schedule[${index + 1}].at` } : {}),
    // Pinned with the definition like the schedule: an immediate answer is not held back by the frequency cap.
    ...(isImmediate(step) ? { transactional: true } : {}),
  };
}

function endStates(cadence: Cadence, targets: TaskTargets): Record<string, State> {
  return {
    [COMPLETE_STATE]: lambdaTask(
      targets.completeFunction,
      {
        'leadId.$': '$.leadId',
        'enrollmentId.$': '$.enrollmentId',
        cadenceId: cadence.id,
        then: cadence.then ?? null,
      },
      { next: DONE_STATE },
    ),
    [DONE_STATE]: { Type: 'Succeed' },
    [EXITED_STATE]: {
      Type: 'Succeed',
      Comment: 'The lead left the cadence: a reply, an opt-out, a bounce, a sale',
    },
  };
}

interface TaskOptions {
  readonly next: string;
  readonly resultSelector?: PayloadTemplate;
  /** Where the result goes; null (the default) keeps the state's input as its output. */
  readonly resultPath?: string;
  /** Retriers before the transient one (a touch's own errors). */
  readonly retry?: readonly Retrier[];
}

function lambdaTask(functionName: string, payload: PayloadTemplate, options: TaskOptions): TaskState {
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: functionName, Payload: payload },
    ...(options.resultSelector ? { ResultSelector: options.resultSelector } : {}),
    ResultPath: options.resultPath ?? null,
    Retry: [
      ...(options.retry ?? []).map((r) => ({ ...r, ErrorEquals: [...r.ErrorEquals] })),
      { ...RETRY_TRANSIENT, ErrorEquals: [...RETRY_TRANSIENT.ErrorEquals] },
    ],
    // Only an exit is caught: a catch-all would turn a permanent failure into a quiet success.
    Catch: [{ ErrorEquals: [LEAD_EXITED], Next: EXITED_STATE }],
    Next: options.next,
  };
}
