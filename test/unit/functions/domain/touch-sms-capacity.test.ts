import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { DynamoSendingLedger } from '../../../../functions/adapters/dynamo/sending-governor.ts';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { Mailer, OutgoingSms, SmsSender } from '../../../../functions/domain/ports.ts';
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
 * Texts under the sending governor (#15, docs/architecture.md §8.12): they take tokens from a bucket of their own (the
 * number's MPS), wait while a reputation pause is on, and a text refused for capacity sends nothing and claims
 * nothing, so the Task's Retry sends it once.
 */

const dynamo = dynaliteTables();
let store: MemoryLeadStore;
let texts: OutgoingSms[];
let emails: number;

beforeEach(() => {
  store = new MemoryLeadStore();
  texts = [];
  emails = 0;
});

const mailer: Mailer = {
  async send() {
    emails++;
    return { messageId: `ses-${emails}` };
  },
};
const sms: SmsSender = {
  async send(message) {
    texts.push(message);
    return { messageId: `sns-${texts.length}` };
  },
};

async function governor(sending: z.input<typeof SendingConfigSchema>) {
  const { client, tableName } = await dynamo.table('followup-touch-sms');
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
    governor: sending,
  };
}

let phones = 0;
function textable(email: string): Lead {
  phones++;
  const lead = storedLead({
    email,
    phone: `+1217555${String(1000 + phones).slice(-4)}`,
    smsConsent: {
      at: '2026-11-30T15:00:00Z',
      source: 'https://northwind.example/quote',
      wording: 'Texts OK',
    },
  });
  store.leads.set(lead.leadId, lead);
  return lead;
}

const textOf = (lead: Lead, at: Date): TouchEvent => ({
  leadId: lead.leadId,
  enrollmentId: `web-inquiry-${lead.leadId}-0123456789abcdef`,
  cadenceId: 'web-inquiry',
  stepIndex: 3,
  stepId: 'text-offer',
  channel: 'sms',
  template: 'quick-text',
  scheduledAt: at.toISOString(),
});

const emailOf = (lead: Lead, at: Date): TouchEvent => ({
  ...textOf(lead, at),
  stepIndex: 2,
  stepId: 'three-questions',
  channel: 'email',
  template: 'hello',
});

const outcome = (touch: Promise<{ status: string }>) =>
  touch.then(
    (result) => result.status,
    (error: Error) => error.name,
  );

// Tue 1 Dec 2026, 11:00 in Chicago: inside text-offer's 10:00–18:00 window.
const ELEVEN = new Date('2026-12-01T17:00:00.000Z');

describe('a text under the sending governor', () => {
  it('takes from its own bucket: at 1 text a second a second text waits, then goes once; email keeps its own rate', async () => {
    // Prepare
    const sending = await governor({ ratePerSecond: 14, sms: { ratePerSecond: 1 } });
    const [a, b, c] = [textable('a@acme.example'), textable('b@acme.example'), textable('c@acme.example')];

    // Act
    const first = await outcome(performTouch(deps(sending), textOf(a, ELEVEN), ELEVEN));
    const second = await outcome(performTouch(deps(sending), textOf(b, ELEVEN), ELEVEN));
    const email = await outcome(performTouch(deps(sending), emailOf(c, ELEVEN), ELEVEN));
    const later = new Date(ELEVEN.getTime() + 1000);
    const retried = await outcome(performTouch(deps(sending), textOf(b, ELEVEN), later));
    const again = await outcome(performTouch(deps(sending), textOf(b, ELEVEN), later));

    // Assess
    expect([first, second, email, retried, again]).toEqual([
      'sent',
      'SendingCapacity',
      'sent',
      'sent',
      'duplicate',
    ]);
    expect(texts.map((t) => t.to)).toEqual([a.phone, b.phone]);
    expect(emails).toBe(1);
  });

  it('waits while a reputation pause is on, and goes once it is resumed', async () => {
    // Prepare: a pause, as a bounce rate over the window would set it
    const sending = await governor({
      ratePerSecond: 14,
      pause: { bounceRate: 0.2, complaintRate: 0.01, overLast: 10 },
    });
    const lead = textable('d@acme.example');
    for (let i = 0; i < 2; i++) await sending.recordOutcome('bounce', ELEVEN);

    // Act
    const paused = await outcome(performTouch(deps(sending), textOf(lead, ELEVEN), ELEVEN));
    const resumed = await sending.resume();
    const after = await outcome(performTouch(deps(sending), textOf(lead, ELEVEN), ELEVEN));

    // Assess
    expect([paused, resumed, after]).toEqual(['SendingCapacity', true, 'sent']);
    expect(texts).toHaveLength(1);
  });

  it('retried past its window (the cadence default, 09:00–17:00), waits for the window to open instead of texting in the evening', async () => {
    // Prepare: no capacity all afternoon; the retry comes at 19:30 in Chicago
    const sending = await governor({ ratePerSecond: 14 });
    const lead = textable('e@acme.example');
    const night = new Date('2026-12-02T01:30:00.000Z');

    // Act
    const error = await performTouch(deps(sending), textOf(lead, ELEVEN), night).catch((e: unknown) => e);

    // Assess: the window opens at 09:00 the next business day, nothing claimed, nothing sent
    expect(error).toMatchObject({
      name: 'SendingCapacity',
      reason: 'window',
      retryAt: Date.parse('2026-12-02T15:00:00.000Z'),
    });
    expect(texts).toEqual([]);
  });
});
