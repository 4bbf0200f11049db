import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { Rep } from '../../../../functions/domain/owners.ts';
import type { OutgoingEmail, OutgoingSms } from '../../../../functions/domain/ports.ts';
import {
  armSlaTimers,
  ESCALATED,
  type SlaDeps,
  type SlaTimer,
  type SlaTimers,
  sweepSla,
} from '../../../../functions/domain/sla.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { storedLead } from '../../../support/handler-fixtures.ts';

const reps: Rep[] = [
  { name: 'Ana', email: 'ana@acme.com', weight: 1, timeZone: 'America/Chicago' },
  { name: 'Ben', email: 'ben@acme.com', phone: '+12175550101', weight: 1, timeZone: 'America/Chicago' },
];
const fallback = { name: 'Owner', email: 'owner@acme.com' };
const TASK_DUE = '2026-12-15T16:00:00.000Z';

class Timers implements SlaTimers {
  readonly armed = new Map<string, SlaTimer>();
  readonly done = new Set<string>();
  private key = (t: SlaTimer) => `${t.dueAt}#${t.enrollmentId}#${t.stepIndex}#${t.level}`;
  async arm(t: SlaTimer) {
    this.armed.set(this.key(t), t);
  }
  async due(now: string) {
    return [...this.armed.values()]
      .filter((t) => t.dueAt <= now)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }
  async disarm(t: SlaTimer) {
    this.armed.delete(this.key(t));
  }
  async taskDone(_leadId: string, enrollmentId: string, stepIndex: number) {
    return this.done.has(`${enrollmentId}#${stepIndex}`);
  }
}

async function world(overrides: Partial<Lead> = {}) {
  const store = new MemoryLeadStore();
  const lead = storedLead({ email: 'jo@example.com', name: 'Jo', owner: 'ana@acme.com', ...overrides });
  store.leads.set(lead.leadId, lead);
  const timers = new Timers();
  const mail: OutgoingEmail[] = [];
  const texts: OutgoingSms[] = [];
  const deps: SlaDeps = {
    store,
    timers,
    mailer: {
      send: async (email) => {
        mail.push(email);
        return { messageId: `m${mail.length}` };
      },
    },
    sms: {
      send: async (sms) => {
        texts.push(sms);
        return { messageId: `s${texts.length}` };
      },
    },
    reps,
    fallback,
  };
  const enrollment = { leadId: lead.leadId, enrollmentId: 'enr-1', cadenceId: 'proposal' };
  await armSlaTimers(
    { reps, rotation: { next: async () => 1 }, timers },
    enrollment,
    [{ id: 'intro' }, { id: 'call', sla: '15 minutes' }],
    [{ at: '2026-12-15T15:00:00.000Z' }, { at: TASK_DUE }],
    'ana@acme.com',
  );
  await store.claimTouch({
    ...enrollment,
    stepIndex: 1,
    stepId: 'call',
    channel: 'call',
    template: 'call',
    scheduledAt: TASK_DUE,
    status: 'claimed',
    at: TASK_DUE,
    claimedAt: TASK_DUE,
  });
  await store.finishTouch({ ...enrollment, stepIndex: 1 }, { status: 'sent', at: TASK_DUE });
  return { store, timers, mail, texts, deps, lead };
}

const at = (iso: string) => new Date(iso);
const escalations = (store: MemoryLeadStore) => store.events.filter((e) => e.kind === ESCALATED);

describe('sweepSla', () => {
  it('arms a timer only for the SLA step, at its deadline', async () => {
    const { timers } = await world();
    expect([...timers.armed.values()].map((t) => [t.stepIndex, t.dueAt, t.level])).toEqual([
      [1, '2026-12-15T16:15:00.000Z', 1],
    ]);
  });

  it('does nothing before the deadline', async () => {
    const { deps, mail } = await world();
    expect(await sweepSla(deps, at('2026-12-15T16:14:00Z'))).toMatchObject({ due: 0 });
    expect(mail).toEqual([]);
  });

  it('escalates to the next rep, then to the fallback owner, each once', async () => {
    // Prepare
    const { deps, mail, texts, store } = await world();
    // Act: the first deadline, the same sweep again (a retry), then the second deadline
    await sweepSla(deps, at('2026-12-15T16:15:30Z'));
    await sweepSla(deps, at('2026-12-15T16:16:00Z'));
    await sweepSla(deps, at('2026-12-15T16:31:00Z'));
    await sweepSla(deps, at('2026-12-15T16:40:00Z'));
    // Assess
    expect(mail.map((m) => m.to)).toEqual(['ben@acme.com', 'owner@acme.com']);
    expect(mail[0]?.subject).toContain('not done within 15 minutes');
    expect(texts.map((t) => t.to)).toEqual(['+12175550101']);
    expect(escalations(store).map((e) => [e.detail?.level, e.detail?.from, e.detail?.to])).toEqual([
      [1, 'ana@acme.com', 'ben@acme.com'],
      [2, 'ben@acme.com', 'owner@acme.com'],
    ]);
  });

  it('does not escalate a task marked done in time', async () => {
    const { deps, mail, timers, store } = await world();
    timers.done.add('enr-1#1');
    const result = await sweepSla(deps, at('2026-12-15T16:20:00Z'));
    expect(result).toMatchObject({ due: 1, escalated: 0, closed: 1 });
    expect(mail).toEqual([]);
    expect(escalations(store)).toEqual([]);
    expect(timers.armed.size).toBe(0);
  });

  it('escalates a lead the cadence’s end moved to nurture: the call is still owed', async () => {
    const { deps, mail } = await world({ status: 'nurture' });
    await sweepSla(deps, at('2026-12-15T16:20:00Z'));
    expect(mail.map((m) => m.to)).toEqual(['ben@acme.com']);
  });

  it('does not escalate a lead that has left the cadence', async () => {
    const { deps, mail } = await world({ status: 'replied' });
    await sweepSla(deps, at('2026-12-15T16:20:00Z'));
    expect(mail).toEqual([]);
  });

  it('keeps a send that failed for the next sweep', async () => {
    const { deps, mail, timers } = await world();
    let fail = true;
    const flaky: SlaDeps = {
      ...deps,
      mailer: {
        send: async (email) => {
          if (fail) throw new Error('Throttling');
          mail.push(email);
          return { messageId: 'm' };
        },
      },
    };
    expect(await sweepSla(flaky, at('2026-12-15T16:16:00Z'))).toMatchObject({ errors: 1 });
    fail = false;
    await sweepSla(flaky, at('2026-12-15T16:17:00Z'));
    expect(mail.map((m) => m.to)).toEqual(['ben@acme.com']);
    expect([...timers.armed.values()].map((t) => t.level)).toEqual([2]);
  });
});
