import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../../../functions/adapters/sfn-executions.ts';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import { makeCompleteHandler } from '../../../../functions/handlers/complete.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  silentLogger,
  storedLead,
} from '../../../support/handler-fixtures.ts';

const sfn = mockClient(SFNClient);
const NOW = new Date('2026-07-02T15:00:00Z');

let store: MemoryLeadStore;
let clock: Date;
let lead: Lead;

function complete() {
  return makeCompleteHandler(
    {
      store,
      executions: new SfnExecutions({
        client: new SFNClient({ region: REGION, credentials: CREDENTIALS }),
        stateMachineArnTemplate: ARN_TEMPLATE,
      }),
      cadences: new StaticCadenceCatalog(ALL_CADENCES),
      defaultTimeZone: 'America/Chicago',
      logger: silentLogger,
    },
    () => clock,
  );
}

/** The lead's slot in a cadence, as enrollment left it. */
async function holdSlot(cadenceId: string, enrollmentId: string, endsAt = NOW.toISOString()) {
  await store.claimActive({
    leadId: lead.leadId,
    cadenceId,
    enrollmentId,
    inputJson: '{}',
    createdAt: '2026-03-04T15:00:00Z',
    endsAt,
  });
}

const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sfn.reset();
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { name: string }) => ({ executionArn: `arn:exec:${input.name}` }));
  store = new MemoryLeadStore();
  clock = NOW;
  lead = storedLead({ email: 'quiet.lead@example.com' });
  store.leads.set(lead.leadId, lead);
});

describe('complete', () => {
  it('moves a lead who never answered to nurture and starts the `then` cadence', async () => {
    // Prepare
    await holdSlot('web-inquiry', 'web-inquiry-enrollment-1');

    // Act
    const result = await complete()({
      leadId: lead.leadId,
      enrollmentId: 'web-inquiry-enrollment-1',
      cadenceId: 'web-inquiry',
      then: 'quarterly-nurture',
    });

    // Assess
    expect(result).toEqual({ status: 'nurture', next: 'started' });
    expect(store.leads.get(lead.leadId)?.status).toBe('nurture');
    expect(store.events).toContainEqual(
      expect.objectContaining({
        kind: 'status',
        from: 'active',
        to: 'nurture',
        source: 'cadence:web-inquiry',
      }),
    );
    const [start, ...more] = starts();
    expect(more).toEqual([]);
    expect(start?.stateMachineArn).toContain('Followup-quarterly-nurture:live');
    const input = ExecutionInputSchema.parse(JSON.parse(start?.input ?? ''));
    expect(input).toMatchObject({
      leadId: lead.leadId,
      cadenceId: 'quarterly-nurture',
      enrolledAt: '2026-07-02T15:00:00Z',
    });
    expect([...store.active.values()].map((p) => p.cadenceId)).toEqual(['quarterly-nurture']);
  });

  it('chains the nurture cadence to itself with a new execution name each time', async () => {
    // Prepare
    await holdSlot('quarterly-nurture', 'nurture-1');
    store.leads.set(lead.leadId, { ...lead, status: 'nurture' });
    const first = await complete()({
      leadId: lead.leadId,
      enrollmentId: 'nurture-1',
      cadenceId: 'quarterly-nurture',
      then: 'quarterly-nurture',
    });
    const secondEnrollment = starts()[0]?.name ?? '';
    clock = new Date('2026-10-06T14:00:00Z');

    // Act
    const second = await complete()({
      leadId: lead.leadId,
      enrollmentId: secondEnrollment,
      cadenceId: 'quarterly-nurture',
      then: 'quarterly-nurture',
    });

    // Assess
    expect([first, second]).toEqual([
      { status: 'nurture', next: 'started' },
      { status: 'nurture', next: 'started' },
    ]);
    const names = starts().map((s) => s.name);
    expect(names).toHaveLength(2);
    expect(new Set(['nurture-1', ...names]).size).toBe(3);
    for (const name of names) expect(name?.length).toBeLessThanOrEqual(80);
  });

  it('a retried Complete starts nothing new', async () => {
    // Prepare
    await holdSlot('web-inquiry', 'web-inquiry-enrollment-1');
    const payload = {
      leadId: lead.leadId,
      enrollmentId: 'web-inquiry-enrollment-1',
      cadenceId: 'web-inquiry',
      then: 'quarterly-nurture',
    };
    await complete()(payload);
    clock = new Date(NOW.getTime() + 5_000);

    // Act
    const retry = await complete()(payload);

    // Assess
    expect(retry).toEqual({ status: 'nurture', next: 'existing' });
    expect(starts()).toHaveLength(1);
  });

  it('a Complete retried after it moved the lead to nurture but before it enrolled it, enrolls it', async () => {
    // Prepare
    store.leads.set(lead.leadId, { ...lead, status: 'nurture' });
    await holdSlot('web-inquiry', 'web-inquiry-enrollment-1');

    // Act
    const result = await complete()({
      leadId: lead.leadId,
      enrollmentId: 'web-inquiry-enrollment-1',
      cadenceId: 'web-inquiry',
      then: 'quarterly-nurture',
    });

    // Assess
    expect(result).toEqual({ status: 'nurture', next: 'started' });
    expect(starts()).toHaveLength(1);
  });

  it('leaves a lead who exited (replied) as it is and enrolls it nowhere', async () => {
    // Prepare
    store.leads.set(lead.leadId, { ...lead, status: 'replied' });
    await holdSlot('web-inquiry', 'web-inquiry-enrollment-1');

    // Act
    const result = await complete()({
      leadId: lead.leadId,
      enrollmentId: 'web-inquiry-enrollment-1',
      cadenceId: 'web-inquiry',
      then: 'quarterly-nurture',
    });

    // Assess
    expect(result).toEqual({ status: 'exited' });
    expect(store.leads.get(lead.leadId)?.status).toBe('replied');
    expect(starts()).toEqual([]);
    expect(store.active.size).toBe(0);
  });

  it('keeps a lead that another sales cadence is still working on active, and still starts nurture', async () => {
    // Prepare
    await holdSlot('web-inquiry', 'web-inquiry-enrollment-1');
    await holdSlot('proposal', 'proposal-enrollment-1', '2026-08-01T00:00:00Z');

    // Act
    const result = await complete()({
      leadId: lead.leadId,
      enrollmentId: 'web-inquiry-enrollment-1',
      cadenceId: 'web-inquiry',
      then: 'quarterly-nurture',
    });

    // Assess
    expect(result).toEqual({ status: 'active', next: 'started' });
    expect(store.leads.get(lead.leadId)?.status).toBe('active');
  });
});
