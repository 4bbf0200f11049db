import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../functions/adapters/sfn-executions.ts';
import { enrollLead } from '../../functions/domain/enroll.ts';
import type { LeadProfile } from '../../functions/domain/lead.ts';
import type { LeadStore } from '../../functions/domain/ports.ts';
import type { SignalDeps } from '../../functions/domain/signals.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  cadence,
  EVERY_DAY,
  REGION,
  recordingLogger,
} from './handler-fixtures.ts';

export { ARN_TEMPLATE, CREDENTIALS, REGION, recordingLogger };

export const KEY = 'signal-test-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';
export const OWNER = 'sam@northwind.example';
export const FALLBACK = 'inbox@northwind.example';

export const REENGAGE = cadence({
  id: 're-engage',
  timezone: 'America/Chicago',
  steps: [
    { id: 'as-you-asked', day: 1, channel: 'email', template: 'hello' },
    { id: 'call', day: 8, channel: 'call', template: 'first-call' },
  ],
  then: 'quarterly-nurture',
});

export const TEXTS_ONLY = cadence({
  id: 'text-reminders',
  sendWindow: EVERY_DAY,
  steps: [
    { id: 'text-1', wait: '1 hour', channel: 'sms', template: 'quick-text' },
    { id: 'text-2', wait: '2 days', channel: 'sms', template: 'quick-text' },
  ],
});

export const CADENCES = [...ALL_CADENCES, REENGAGE, TEXTS_ONLY];

/** Everything a test observes, in the order it happened: store writes and Step Functions calls side by side. */
export type Journal = string[];

const WRITES = new Set([
  'changeStatus',
  'updateLead',
  'recordEvent',
  'suppress',
  'unsuppress',
  'claimSignal',
  'finishSignal',
  'releaseActive',
]);

/** The store, noting each write in the journal. */
export function journaled(store: MemoryLeadStore, journal: Journal): LeadStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !WRITES.has(String(property))) return value;
      return (...args: unknown[]) => {
        journal.push(String(property));
        return value.apply(target, args);
      };
    },
  });
}

/** Every SFNClient in the test file: StartExecution and StopExecution go here. */
export const sfn = mockClient(SFNClient);

/** Step Functions that journal StartExecution and StopExecution, and start every execution. */
export function fakeStepFunctions(journal: Journal) {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
    journal.push('StartExecution');
    return { executionArn: `arn:exec:${input.name}`, startDate: new Date() };
  });
  sfn.on(StopExecutionCommand).callsFake(() => {
    journal.push('StopExecution');
    return { stopDate: new Date() };
  });
}

export interface World {
  readonly store: MemoryLeadStore;
  readonly journal: Journal;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly deps: SignalDeps;
}

export function world(): World {
  const store = new MemoryLeadStore();
  const journal: Journal = [];
  const logger = recordingLogger();
  fakeStepFunctions(journal);
  return {
    store,
    journal,
    logger,
    deps: {
      store: journaled(store, journal),
      executions: new SfnExecutions({
        client: new SFNClient({ region: REGION, credentials: CREDENTIALS }),
        stateMachineArnTemplate: ARN_TEMPLATE,
      }),
      cadences: new StaticCadenceCatalog(CADENCES),
      defaultTimeZone: 'America/Chicago',
      owner: OWNER,
      logger,
    },
  };
}

/** A lead enrolled in `cadenceId` the way intake does it; returns its id and enrollment id. */
export async function enrolled(w: World, profile: LeadProfile, cadenceId: string, at: Date) {
  const result = await enrollLead(w.deps, { profile, cadenceId, source: 'intake' }, at);
  if (result.enrollment.status === 'not-enrolled') throw new Error(result.enrollment.reason);
  return { leadId: result.leadId, enrollmentId: result.enrollment.id };
}

/** The ARNs of the executions stopped. */
export const stops = () => sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn);

/** The inputs of the executions started. */
export const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
