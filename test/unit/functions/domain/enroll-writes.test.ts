import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../../../functions/adapters/sfn-executions.ts';
import { type EnrollDeps, enrollLead } from '../../../../functions/domain/enroll.ts';
import type { EnrollWrite } from '../../../../functions/domain/enroll-writes.ts';
import { leadIdFor, suppressionKey } from '../../../../functions/domain/lead.ts';
import type { EnrollmentRecord } from '../../../../functions/domain/ports.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  silentLogger,
} from '../../../support/handler-fixtures.ts';

/*
 * An enrollment's writes that need no condition are handed to the store together, where it can take them so
 * (DynamoDB's BatchWriteItem): the same items land as when they are written one by one.
 */

const sfn = mockClient(SFNClient);
const NOW = new Date('2026-07-07T15:00:00.000Z');
const EMAIL = 'riley@example.com';
const LEAD_ID = leadIdFor(EMAIL);
const SIGNUP = {
  email: EMAIL,
  phone: '+13125550142',
  smsConsent: { at: NOW.toISOString(), source: 'form', wording: 'Texts OK. Reply STOP to opt out.' },
};

function deps(store: EnrollDeps['store']): EnrollDeps {
  return {
    store,
    executions: new SfnExecutions({
      client: new SFNClient({ region: REGION, credentials: CREDENTIALS, maxAttempts: 1 }),
      stateMachineArnTemplate: ARN_TEMPLATE,
    }),
    cadences: new StaticCadenceCatalog(ALL_CADENCES),
    defaultTimeZone: 'America/Chicago',
    logger: silentLogger,
  };
}

/** A memory store that takes writes together, recording each hand-over, and writes them as the memory store does. */
class BatchingStore extends MemoryLeadStore {
  readonly handed: string[][] = [];
  /** Each enrollment record as it was written or updated, in order. */
  readonly enrollmentWrites: string[] = [];

  override async putEnrollment(record: EnrollmentRecord): Promise<void> {
    this.enrollmentWrites.push(`put ${record.status}`);
    await super.putEnrollment(record);
  }

  override async markEnrollmentStarted(leadId: string, enrollmentId: string, at: string, arn?: string) {
    this.enrollmentWrites.push('marked started');
    await super.markEnrollmentStarted(leadId, enrollmentId, at, arn);
  }

  async writeTogether(writes: readonly EnrollWrite[]): Promise<void> {
    this.handed.push(writes.map((w) => (w.kind === 'event' ? `event ${w.event.kind}` : w.kind)));
    for (const w of writes) {
      if (w.kind === 'event') await this.recordEvent(w.leadId, w.event);
      else if (w.kind === 'start-retry') await this.scheduleStartRetry(w.retry);
      else if (w.kind === 'enrollment-started') await this.putEnrollment(w.record);
      else await this.clearStartRetry(w.retry);
    }
  }
}

const kinds = (store: MemoryLeadStore) =>
  store
    .eventsOf(LEAD_ID)
    .map((e) => e.kind)
    .sort();

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:${input.name}`,
  }));
});

describe('an enrollment hands its unconditional writes over together', () => {
  it("a new signup's events and its retry marker go together before the slot, its removal with the enrolled event", async () => {
    // Prepare
    const store = new BatchingStore();

    // Act
    const result = await enrollLead(
      deps(store),
      { profile: SIGNUP, cadenceId: 'web-inquiry', source: 'intake' },
      NOW,
    );

    // Assess
    expect(result.enrollment.status).toBe('started');
    expect(store.handed).toEqual([
      ['event created', 'event sms-consent', 'start-retry'],
      ['enrollment-started', 'start-retry-cleared', 'event enrolled'],
    ]);
    expect(store.retries.size).toBe(0);
    expect(kinds(store)).toEqual(['created', 'enrolled', 'sms-consent']);
  });

  it('a started enrollment is written once, as started, after its start: no pending write and no update', async () => {
    // Prepare
    const store = new BatchingStore();

    // Act
    const result = await enrollLead(
      deps(store),
      { profile: SIGNUP, cadenceId: 'web-inquiry', source: 'intake' },
      NOW,
    );

    // Assess
    expect(store.enrollmentWrites).toEqual(['put started']);
    const id = result.enrollment.status === 'started' ? result.enrollment.id : '';
    expect(await store.getEnrollment(LEAD_ID, id)).toMatchObject({
      status: 'started',
      startedAt: NOW.toISOString(),
      executionArn: expect.stringContaining(id),
      source: 'intake',
    });
  });

  it('a store that cannot write together gets the same items one by one', async () => {
    // Prepare
    const memory = new MemoryLeadStore();

    // Act
    await enrollLead(deps(memory), { profile: SIGNUP, cadenceId: 'web-inquiry', source: 'intake' }, NOW);

    // Assess
    expect(memory.retries.size).toBe(0);
    expect(kinds(memory)).toEqual(['created', 'enrolled', 'sms-consent']);
  });

  it('a start that fails leaves its retry marker and a pending record for the sweeper, and no enrolled event', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('socket hang up'));
    const store = new BatchingStore();

    // Act
    const enrolled = enrollLead(
      deps(store),
      { profile: { email: EMAIL }, cadenceId: 'web-inquiry', source: 'intake', pendingOnFailedStart: true },
      NOW,
    );

    // Assess
    const { enrollment } = await enrolled;
    expect(enrollment.status).toBe('pending');
    expect(store.handed).toEqual([['event created', 'start-retry']]);
    expect(store.retries.size).toBe(1);
    expect(store.enrollmentWrites).toEqual(['put pending']);
    const id = enrollment.status === 'pending' ? enrollment.id : '';
    expect(await store.getEnrollment(LEAD_ID, id)).toMatchObject({ status: 'pending', startAttempts: 1 });
    expect(kinds(store)).toEqual(['created']);
  });

  it('a caller that retries by itself (an import) gets the failed start as an error, its record kept pending', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('socket hang up'));
    const store = new BatchingStore();

    // Act
    const enrolled = enrollLead(
      deps(store),
      { profile: { email: EMAIL }, cadenceId: 'web-inquiry', source: 'import' },
      NOW,
    );

    // Assess
    await expect(enrolled).rejects.toThrow();
    expect(store.retries.size).toBe(1);
    expect(store.enrollmentWrites).toEqual(['put pending']);
  });

  it('a new signup of a suppressed address leaves no retry marker behind, and starts nothing', async () => {
    // Prepare
    const store = new BatchingStore();
    await store.suppress([suppressionKey(EMAIL)], {
      reason: 'unsubscribe',
      at: NOW.toISOString(),
      source: 'test',
    });

    // Act
    const result = await enrollLead(
      deps(store),
      { profile: { email: EMAIL }, cadenceId: 'web-inquiry', source: 'intake' },
      NOW,
    );

    // Assess
    expect(result.enrollment).toMatchObject({ status: 'not-enrolled', reason: 'suppressed' });
    expect(store.retries.size).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a lead that signs up again gets its marker only once the checks let it enroll', async () => {
    // Prepare
    const store = new BatchingStore();
    await enrollLead(
      deps(store),
      { profile: { email: EMAIL }, cadenceId: 'web-inquiry', source: 'intake' },
      NOW,
    );
    store.handed.length = 0;

    // Act
    const again = await enrollLead(
      deps(store),
      { profile: { email: EMAIL }, cadenceId: 'proposal', source: 'intake' },
      NOW,
    );

    // Assess
    expect(again.enrollment.status).toBe('started');
    expect(store.handed).toEqual([
      ['start-retry'],
      ['enrollment-started', 'start-retry-cleared', 'event enrolled'],
    ]);
    expect(store.retries.size).toBe(0);
  });
});
