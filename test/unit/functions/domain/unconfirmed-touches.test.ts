import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SendUnconfirmed } from '../../../../functions/domain/errors.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import type { Mailer, OutgoingEmail, SmsSender, TouchKey } from '../../../../functions/domain/ports.ts';
import { RedriveRefused, redriveTouch } from '../../../../functions/domain/redrive.ts';
import type { MetricName } from '../../../../functions/domain/report-ports.ts';
import { performTouch, type TouchDeps } from '../../../../functions/domain/touch.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import {
  listUnconfirmed,
  parseTouchId,
  STALE_CLAIM_MS,
  sweepStaleClaims,
  touchId,
} from '../../../../functions/domain/unconfirmed-touches.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  recordingLogger,
  storedLead,
  TOUCH_SETTINGS,
  templates,
} from '../../../support/handler-fixtures.ts';

/*
 * A claimed touch is never silently lost: a claim left by an attempt that stopped between claiming and sending is
 * given up as unconfirmed (by the next attempt or the sweeper) once older than the bound, alarmed and listed; it is
 * never sent again on its own, and a person's redrive sends it exactly once.
 */

const NOW = new Date('2026-03-04T16:00:00.000Z'); // Wednesday 10:00 in Chicago
const ENROLLMENT = 'web-inquiry-ld_test-0123456789abcdef';
const later = (ms: number) => new Date(NOW.getTime() + ms);

let store: MemoryLeadStore;
let sent: OutgoingEmail[];
let metrics: MetricName[];
let logger: ReturnType<typeof recordingLogger>;
let lead: Lead;
/** What the next send does: go out (the default), or lose the provider's answer. */
let mailerFault: (() => never) | undefined;

const mailer: Mailer = {
  async send(email) {
    mailerFault?.();
    sent.push(email);
    return { messageId: `ses-${sent.length}` };
  },
};
const sms: SmsSender = {
  async send() {
    throw new Error('no text in these tests');
  },
};

function deps(claimAt?: Date): TouchDeps {
  return {
    store,
    mailer,
    sms,
    cadences: new StaticCadenceCatalog(ALL_CADENCES),
    templates,
    signingKey: async () => 'k3y-for-tests-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
    settings: TOUCH_SETTINGS,
    logger,
    metrics: { add: (name) => metrics.push(name) },
    ...(claimAt ? { claimClock: () => claimAt } : {}),
  };
}

const event = (): TouchEvent => ({
  leadId: lead.leadId,
  enrollmentId: ENROLLMENT,
  cadenceId: 'web-inquiry',
  stepIndex: 0,
  stepId: 'instant-reply',
  channel: 'email',
  template: 'hello',
  scheduledAt: NOW.toISOString(),
});
const key = (): TouchKey => ({ leadId: lead.leadId, enrollmentId: ENROLLMENT, stepIndex: 0 });

/** An attempt that claimed the touch at `at` and stopped before sending (its process was killed). */
async function claimAndDie(at: Date) {
  const dying: Mailer = {
    send: () => new Promise<never>(() => undefined),
  };
  void performTouch({ ...deps(at), mailer: dying }, event(), at);
  // The claim is written before the send is asked for: wait for the mailer's turn.
  for (let i = 0; i < 100 && store.touch(key())?.status !== 'claimed'; i++) await Promise.resolve();
  expect(store.touch(key())?.status).toBe('claimed');
}

beforeEach(() => {
  store = new MemoryLeadStore();
  sent = [];
  metrics = [];
  logger = recordingLogger();
  mailerFault = undefined;
  lead = storedLead({ email: 'jordan.alvarez@example.com', name: 'Jordan Alvarez' });
  store.leads.set(lead.leadId, lead);
});

describe('a claim records when it was taken', () => {
  it('the claim carries claimedAt and a marker the sweeper can query; both go when the touch is sent', async () => {
    // Act
    const result = await performTouch(deps(), event(), NOW);

    // Assess
    expect(result).toEqual({ status: 'sent' });
    expect(store.touch(key())).toMatchObject({ status: 'sent', claimedAt: NOW.toISOString() });
    expect(await store.claimMarkersBefore(later(1).toISOString(), 10)).toEqual([]);
  });
});

describe('a retry of the same touch', () => {
  it('finds a claim older than the bound with no result: marks it unconfirmed, alarms, lists it, sends nothing', async () => {
    // Prepare
    await claimAndDie(NOW);

    // Act
    const retriedAt = later(STALE_CLAIM_MS);
    const result = await performTouch(deps(retriedAt), event(), retriedAt);

    // Assess
    const reason = `claimed at ${NOW.toISOString()} and never finished: the function stopped between claiming and sending; it may or may not have been sent`;
    expect(result).toEqual({ status: 'unconfirmed', reason });
    expect(sent).toEqual([]);
    expect(store.touch(key())).toMatchObject({ status: 'unconfirmed', reason });
    expect(metrics).toEqual(['TouchesUnconfirmed']);
    expect(await listUnconfirmed(store)).toEqual([
      expect.objectContaining({
        id: touchId(key()),
        leadId: lead.leadId,
        cadenceId: 'web-inquiry',
        stepId: 'instant-reply',
        channel: 'email',
        claimedAt: NOW.toISOString(),
        reason,
      }),
    ]);
    // Given up: the sweeper has nothing left to find.
    expect(await store.claimMarkersBefore(later(10 * STALE_CLAIM_MS).toISOString(), 10)).toEqual([]);
  });

  it('finds a claim younger than the bound: a duplicate, still claimed, left for the sweeper', async () => {
    // Prepare
    await claimAndDie(NOW);

    // Act
    const retriedAt = later(STALE_CLAIM_MS - 1);
    const result = await performTouch(deps(retriedAt), event(), retriedAt);

    // Assess
    expect(result).toEqual({ status: 'duplicate', reason: 'claimed' });
    expect(store.touch(key())?.status).toBe('claimed');
    expect(metrics).toEqual([]);
    expect(await store.claimMarkersBefore(NOW.toISOString(), 10)).toHaveLength(1);
  });

  it('after an unconfirmed touch: a duplicate, never a second send', async () => {
    // Prepare
    await claimAndDie(NOW);
    await performTouch(deps(later(STALE_CLAIM_MS)), event(), later(STALE_CLAIM_MS));

    // Act
    const result = await performTouch(deps(later(2 * STALE_CLAIM_MS)), event(), later(2 * STALE_CLAIM_MS));

    // Assess
    expect(result).toEqual({ status: 'duplicate', reason: 'unconfirmed' });
    expect(sent).toEqual([]);
  });
});

describe('a send whose answer was lost', () => {
  it('is recorded unconfirmed and listed at once, with the alarm metric', async () => {
    // Prepare
    mailerFault = () => {
      throw new SendUnconfirmed('SES did not answer (TimeoutError); the email may have been sent');
    };

    // Act
    const result = await performTouch(deps(), event(), NOW);

    // Assess
    expect(result.status).toBe('unconfirmed');
    expect(store.touch(key())).toMatchObject({ status: 'unconfirmed' });
    expect(metrics).toContain('TouchesUnconfirmed');
    expect((await listUnconfirmed(store)).map((t) => t.id)).toEqual([touchId(key())]);
  });
});

describe('the sweeper', () => {
  it('gives up only the claims older than the bound, drops markers of finished touches, and never sends', async () => {
    // Prepare: one claim that died, one that is young, one marker left behind by a touch that finished
    await claimAndDie(NOW);
    const young = storedLead({ email: 'young@example.com' });
    store.leads.set(young.leadId, young);
    const youngAt = later(STALE_CLAIM_MS);
    void performTouch(
      { ...deps(youngAt), mailer: { send: () => new Promise<never>(() => undefined) } },
      { ...event(), leadId: young.leadId },
      youngAt,
    );
    const done = storedLead({ email: 'done@example.com' });
    store.leads.set(done.leadId, done);
    await performTouch(deps(NOW), { ...event(), leadId: done.leadId }, NOW);
    const doneKey = { ...key(), leadId: done.leadId };
    store.claims.set(`${NOW.toISOString()}#left-behind`, { ...doneKey, claimedAt: NOW.toISOString() });

    // Act
    const result = await sweepStaleClaims(deps(), later(STALE_CLAIM_MS + 1));

    // Assess
    expect(result).toEqual({ stale: 2, unconfirmed: 1, finished: 1, errors: 0 });
    expect(store.touch(key())?.status).toBe('unconfirmed');
    expect(store.touch({ ...key(), leadId: young.leadId })?.status).toBe('claimed');
    expect(store.touch(doneKey)?.status).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(metrics.filter((m) => m === 'TouchesUnconfirmed')).toHaveLength(1);
    expect(logger.lines.join('\n')).not.toContain('@example.com');
  });
});

describe('a redrive', () => {
  async function unconfirmedTouch() {
    await claimAndDie(NOW);
    await sweepStaleClaims(deps(), later(STALE_CLAIM_MS));
  }

  it('sends the touch once and records who and when; a second redrive is refused as already sent', async () => {
    // Prepare
    await unconfirmedTouch();
    const at = later(10 * STALE_CLAIM_MS);

    // Act
    const result = await redriveTouch(deps(), key(), 'Dana', at);
    const again = redriveTouch(deps(), key(), 'Dana', later(11 * STALE_CLAIM_MS));

    // Assess
    expect(result).toMatchObject({ status: 'sent', id: touchId(key()) });
    expect(sent.map((e) => e.to)).toEqual([lead.email]);
    expect(store.touch(key())).toMatchObject({
      status: 'sent',
      redrivenBy: 'Dana',
      redrivenAt: at.toISOString(),
    });
    expect(store.touch(key())?.reason).toBeUndefined();
    expect(store.events.filter((e) => e.kind === 'touch-redriven')).toEqual([
      expect.objectContaining({ source: 'rep:Dana', at: at.toISOString() }),
    ]);
    await expect(again).rejects.toThrow(RedriveRefused);
    await expect(again).rejects.toThrow(/was already sent .*; it is not sent again/);
    expect(sent).toHaveLength(1);
    expect(await listUnconfirmed(store)).toEqual([]);
  });

  it('refuses a touch that is not unconfirmed, and one that does not exist, saying why', async () => {
    // Prepare
    await claimAndDie(NOW);

    // Act / Assess
    await expect(redriveTouch(deps(), key(), 'Dana', NOW)).rejects.toThrow(
      /is claimed, not unconfirmed: only a touch that may not have gone out is redriven/,
    );
    await expect(redriveTouch(deps(), { ...key(), stepIndex: 7 }, 'Dana', NOW)).rejects.toThrow(
      /there is no touch .*\/7; copy the id from `followup touches unconfirmed`/,
    );
    expect(sent).toEqual([]);
  });

  it('does not send to a lead who unsubscribed meanwhile: the touch is recorded skipped and leaves the list', async () => {
    // Prepare
    await unconfirmedTouch();
    store.leads.set(lead.leadId, { ...lead, status: 'unsubscribed' });

    // Act
    const result = await redriveTouch(deps(), key(), 'Dana', later(10 * STALE_CLAIM_MS));

    // Assess
    expect(result.status).toBe('skipped');
    expect(sent).toEqual([]);
    expect(store.touch(key())).toMatchObject({ status: 'skipped', redrivenBy: 'Dana' });
    expect(await listUnconfirmed(store)).toEqual([]);
  });

  it('whose send is lost again leaves the touch unconfirmed and listed', async () => {
    // Prepare
    await unconfirmedTouch();
    mailerFault = () => {
      throw new SendUnconfirmed('SES did not answer (TimeoutError)');
    };

    // Act
    const redrive = redriveTouch(deps(), key(), 'Dana', later(10 * STALE_CLAIM_MS));

    // Assess
    await expect(redrive).rejects.toThrow(/did not confirm the send .*unconfirmed again/);
    expect(store.touch(key())?.status).toBe('unconfirmed');
    expect((await listUnconfirmed(store)).map((t) => t.id)).toEqual([touchId(key())]);
  });
});

describe('touch ids', () => {
  it('round-trip, and anything else is not one', () => {
    expect(parseTouchId(touchId(key()))).toEqual(key());
    for (const bad of ['', 'a/b', 'a/b/c', 'a/b/1/2', 'a b/c/1'])
      expect(parseTouchId(bad), bad).toBeUndefined();
  });
});
