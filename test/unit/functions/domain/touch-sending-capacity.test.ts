import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { DynamoSendingLedger } from '../../../../functions/adapters/dynamo/sending-governor.ts';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { Mailer, OutgoingEmail, SmsSender } from '../../../../functions/domain/ports.ts';
import { sendingPolicy } from '../../../../functions/domain/sending-governor.ts';
import { SendingGovernor } from '../../../../functions/domain/sending-governor-service.ts';
import { performTouch, type TouchDeps } from '../../../../functions/domain/touch.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';
import {
  ALL_CADENCES,
  silentLogger,
  storedLead,
  TOUCH_SETTINGS,
  templates,
} from '../../../support/handler-fixtures.ts';

/*
 * A touch that finds no sending capacity sends nothing, fails nothing and gives its claim and frequency-cap slot back,
 * so the Task's retry (RETRY_SENDING_CAPACITY) sends it once when capacity is back.
 */

const dynamo = dynaliteTables();
let store: MemoryLeadStore;
let sent: OutgoingEmail[];
/** The business metrics the touches emitted, by name. */
let metrics: Record<string, number>;

beforeEach(() => {
  store = new MemoryLeadStore();
  sent = [];
  metrics = {};
});

const mailer: Mailer = {
  async send(email) {
    sent.push(email);
    return { messageId: `ses-${sent.length}` };
  },
};
const sms: SmsSender = {
  async send() {
    throw new Error('no text in these tests');
  },
};

async function governor(sending: z.input<typeof SendingConfigSchema>) {
  const { client, tableName } = await dynamo.table('followup-touch-sending');
  const policy = sendingPolicy(z.parse(SendingConfigSchema, sending), 'America/Chicago');
  return new SendingGovernor(new DynamoSendingLedger({ client, tableName }), policy);
}

function deps(sending: SendingGovernor): TouchDeps {
  return {
    store,
    mailer,
    sms,
    cadences: new StaticCadenceCatalog(ALL_CADENCES),
    templates,
    signingKey: async () => 'k3y-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
    settings: TOUCH_SETTINGS,
    logger: silentLogger,
    metrics: {
      add: (name, value) => {
        metrics[name] = (metrics[name] ?? 0) + value;
      },
    },
    governor: sending,
  };
}

function leadNamed(email: string): Lead {
  const lead = storedLead({ email });
  store.leads.set(lead.leadId, lead);
  return lead;
}

const touchOf = (lead: Lead, at: Date, transactional = false): TouchEvent => ({
  leadId: lead.leadId,
  enrollmentId: `proposal-${lead.leadId}-0123456789abcdef`,
  cadenceId: 'proposal',
  stepIndex: 0,
  stepId: 'proposal',
  channel: 'email',
  template: 'hello',
  scheduledAt: at.toISOString(),
  ...(transactional ? { transactional: true } : {}),
});

/** The touch's outcome: its status, or the name of the error the Task's Retry matches. */
const outcome = (touch: Promise<{ status: string }>) =>
  touch.then(
    (result) => result.status,
    (error: Error) => error.name,
  );

describe('a touch under the sending governor', () => {
  it('with a daily cap of 2 and 3 leads due the same morning: 2 sent that day, the third the next day, once', async () => {
    // Prepare: 09:00 Chicago, Tue 1 Dec 2026
    const sending = await governor({ dailyCap: 2, ratePerSecond: 14 });
    const morning = new Date('2026-12-01T15:00:00.000Z');
    const leads = ['ana@example.com', 'ben@example.com', 'cy@example.com'].map(leadNamed);
    const [, , third] = leads;
    if (!third) throw new Error('three leads');

    // Act
    const first = [];
    for (const lead of leads)
      first.push(await outcome(performTouch(deps(sending), touchOf(lead, morning), morning)));
    const thatEvening = new Date('2026-12-02T03:00:00.000Z');
    const retryEvening = await outcome(performTouch(deps(sending), touchOf(third, morning), thatEvening));
    const nextDay = new Date('2026-12-02T15:00:00.000Z');
    const retryNextDay = await outcome(performTouch(deps(sending), touchOf(third, morning), nextDay));
    const again = await outcome(performTouch(deps(sending), touchOf(third, morning), nextDay));

    // Assess: the capped attempts left no claim, no failure and no frequency-cap slot behind
    expect(first).toEqual(['sent', 'sent', 'SendingCapacity']);
    expect(retryEvening).toBe('SendingCapacity');
    expect(retryNextDay).toBe('sent');
    expect(again).toBe('duplicate');
    expect(sent.map((email) => email.to)).toEqual(['ana@example.com', 'ben@example.com', 'cy@example.com']);
    expect(store.leads.get(third.leadId)?.recentSends).toHaveLength(1);
    // Each wait is counted, so the Touch's error alarm can leave the governor's waits out (lib/observability.ts).
    expect(metrics.SendingWaits).toBe(2);
  });

  it('a capped email retried after midnight waits for its send window, not for the new day, and goes then', async () => {
    // Prepare: one email a day; the second lead's touch is capped at 09:00 Tue and retried through the night
    const sending = await governor({ dailyCap: 1, ratePerSecond: 14 });
    const morning = new Date('2026-12-01T15:00:00.000Z');
    const [first, second] = ['hal@example.com', 'ida@example.com'].map(leadNamed);
    if (!first || !second) throw new Error('two leads');
    await performTouch(deps(sending), touchOf(first, morning), morning);

    // Act: 00:30 Wed in Chicago is a new sending day but outside the step's 09:00–17:00 window
    const capped = await outcome(performTouch(deps(sending), touchOf(second, morning), morning));
    const afterMidnight = new Date('2026-12-02T06:30:00.000Z');
    const night = await performTouch(deps(sending), touchOf(second, morning), afterMidnight).catch(
      (error: { name: string; retryAt?: number }) => error,
    );
    const opening = new Date('2026-12-02T15:00:00.000Z');
    const atOpening = await outcome(performTouch(deps(sending), touchOf(second, morning), opening));

    // Assess: nothing went out at night; the wait names the window's opening, 09:00 Wed in the lead's zone
    expect(capped).toBe('SendingCapacity');
    expect(night).toMatchObject({ name: 'SendingCapacity', retryAt: opening.getTime() });
    expect(atOpening).toBe('sent');
    expect(sent.map((e) => e.to)).toEqual(['hal@example.com', 'ida@example.com']);
  });

  it("a rep's task notice takes a token too: at 1 email a second, a call due with an email waits, then goes once", async () => {
    // Prepare: the owner's notice of a call step is SES mail; a wave of them must not throttle SES (#15)
    const sending = await governor({ ratePerSecond: 1 });
    const at = new Date('2026-12-01T15:00:00.000Z');
    const mailed = leadNamed('fay@example.com');
    const called = leadNamed('gus@example.com');
    const call: TouchEvent = {
      ...touchOf(called, at),
      enrollmentId: `web-inquiry-${called.leadId}-0123456789abcdef`,
      cadenceId: 'web-inquiry',
      stepIndex: 1,
      stepId: 'first-call',
      channel: 'call',
      template: 'first-call',
    };

    // Act
    const email = await outcome(performTouch(deps(sending), touchOf(mailed, at), at));
    const sameSecond = await outcome(performTouch(deps(sending), call, at));
    const tasksWhileWaiting = store.tasks.length;
    const nextSecond = new Date(at.getTime() + 1000);
    const retried = await outcome(performTouch(deps(sending), call, nextSecond));

    // Assess
    expect([email, sameSecond, retried]).toEqual(['sent', 'SendingCapacity', 'sent']);
    expect(tasksWhileWaiting).toBe(0);
    expect(sent.map((e) => e.to)).toEqual(['fay@example.com', TOUCH_SETTINGS.owner.email]);
  });

  it('a reputation pause holds marketing touches while an immediate reply still goes, until resumed', async () => {
    // Prepare: 2 bounces in the last 10 sends reach a 20% threshold
    const sending = await governor({
      ratePerSecond: 14,
      pause: { bounceRate: 0.2, complaintRate: 0.01, overLast: 10 },
    });
    const at = new Date('2026-12-01T15:00:00.000Z');
    for (let i = 0; i < 2; i++) await sending.recordOutcome('bounce', at);
    const marketing = leadNamed('dee@example.com');
    const asked = leadNamed('eve@example.com');

    // Act
    const held = await outcome(performTouch(deps(sending), touchOf(marketing, at), at));
    const answered = await outcome(performTouch(deps(sending), touchOf(asked, at, true), at));
    await sending.resume();
    const later = new Date('2026-12-01T16:00:00.000Z');
    const afterResume = await outcome(performTouch(deps(sending), touchOf(marketing, at), later));

    // Assess
    expect(held).toBe('SendingCapacity');
    expect(answered).toBe('sent');
    expect(afterResume).toBe('sent');
    expect(sent.map((email) => email.to)).toEqual(['eve@example.com', 'dee@example.com']);
  });
});
