import { describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { enrollLead } from '../../../../functions/domain/enroll.ts';
import type { Rep } from '../../../../functions/domain/owners.ts';
import type { SlaTimer, SlaTimers } from '../../../../functions/domain/sla.ts';
import { cadence } from '../../../support/handler-fixtures.ts';
import { world } from '../../../support/signal-fixtures.ts';

/* Enrollment with `owners` (#15): each new lead takes one turn of the rotation, and SLA steps arm their deadline. */

const CALLS = cadence({
  id: 'callback',
  timezone: 'America/Chicago',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '23:59' },
  steps: [
    { id: 'call', wait: '0 minutes', channel: 'call', template: 'walkthrough-call', sla: '15 minutes' },
  ],
});
const reps: Rep[] = [
  { name: 'Ana', email: 'ana@acme.com', weight: 1, timeZone: 'America/Chicago' },
  { name: 'Ben', email: 'ben@acme.com', weight: 1, timeZone: 'America/Chicago' },
];
const NOW = new Date('2026-12-15T16:00:00Z');

function setup() {
  const w = world();
  let turns = 0;
  const armed: SlaTimer[] = [];
  const timers: SlaTimers = {
    arm: async (t) => {
      armed.push(t);
    },
    due: async () => [],
    disarm: async () => undefined,
    taskDone: async () => false,
  };
  const { owner: _fallback, ...base } = w.deps;
  const deps = {
    ...base,
    cadences: new StaticCadenceCatalog([CALLS]),
    desk: { reps, rotation: { next: async () => ++turns }, timers },
  };
  return { w, deps, armed, turns: () => turns };
}

describe('enrollLead with owners', () => {
  it('assigns new leads in turn and arms the call’s deadline for the assigned rep', async () => {
    // Prepare
    const { w, deps, armed } = setup();
    // Act
    const first = await enrollLead(
      deps,
      { profile: { email: 'jo@example.com' }, cadenceId: 'callback', source: 'intake' },
      NOW,
    );
    const second = await enrollLead(
      deps,
      { profile: { email: 'al@example.com' }, cadenceId: 'callback', source: 'intake' },
      NOW,
    );
    // Assess
    expect(w.store.leads.get(first.leadId)?.owner).toBe('ana@acme.com');
    expect(w.store.leads.get(second.leadId)?.owner).toBe('ben@acme.com');
    expect(armed.map((t) => [t.holder, t.dueAt, t.stepIndex])).toEqual([
      ['ana@acme.com', '2026-12-15T16:15:00.000Z', 0],
      ['ben@acme.com', '2026-12-15T16:15:00.000Z', 0],
    ]);
  });

  it('keeps the owner of a lead that signs up again', async () => {
    const { w, deps } = setup();
    const profile = { email: 'jo@example.com' };
    const { leadId } = await enrollLead(deps, { profile, cadenceId: 'callback', source: 'intake' }, NOW);
    await enrollLead(
      deps,
      { profile, cadenceId: 'callback', source: 'intake' },
      new Date('2026-12-15T16:01:00Z'),
    );
    expect(w.store.leads.get(leadId)?.owner).toBe('ana@acme.com');
  });

  it('takes no turn without reps', async () => {
    const { w, deps, armed, turns } = setup();
    const { leadId } = await enrollLead(
      { ...deps, desk: { ...deps.desk, reps: [] } },
      { profile: { email: 'jo@example.com' }, cadenceId: 'callback', source: 'intake' },
      NOW,
    );
    expect(turns()).toBe(0);
    expect(armed).toEqual([]);
    expect(w.store.leads.get(leadId)?.owner).toBeUndefined();
  });
});
