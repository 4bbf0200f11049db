import { beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../../functions/core/errors.ts';
import { SendRejected } from '../../../../functions/domain/errors.ts';
import type { Lead } from '../../../../functions/domain/lead.ts';
import { signalCounts } from '../../../../functions/domain/metrics.ts';
import type { Signal } from '../../../../functions/domain/signal-schema.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { recordingLogger, storedLead } from '../../../support/handler-fixtures.ts';
import {
  CART,
  type Engine,
  engineWith,
  enroll,
  FOLLOW_UP,
  type SignalFields,
  signalOf,
  touchEvent,
} from '../../../support/metrics-world.ts';

/*
 * What the touch and the signals count, and for which touch: the domain with the store and the aggregates in memory.
 */

const FEBRUARY = new Date('2026-02-27T16:00:00Z');
const MARCH = new Date('2026-03-30T16:00:00Z');
const APRIL = new Date('2026-04-02T16:00:00Z');

let store: MemoryLeadStore;
let aggregates: MemoryAggregates;
let e: Engine;
let lead: { leadId: string; enrollmentId: string };

beforeEach(async () => {
  store = new MemoryLeadStore();
  aggregates = new MemoryAggregates();
  e = engineWith(store, aggregates);
  lead = await enroll(
    e,
    { email: 'jordan@example.com', name: 'Jordan', phone: '+13125550142' },
    FOLLOW_UP.id,
    MARCH,
  );
});

const signal = (fields: SignalFields, at = APRIL): Signal => signalOf(lead.leadId, fields, at);
const apply = (fields: SignalFields, at = APRIL) => applySignal(e.signalDeps, signal(fields, at), at);
const touch = (step: number, at = MARCH) =>
  performTouch(e.touchDeps, touchEvent(lead, FOLLOW_UP.id, step), at);

describe('a reply', () => {
  it('counts for the last touch before it, in the month of the lead’s first touch', async () => {
    // Prepare: touched in February, then in March.
    await touch(0, FEBRUARY);
    await touch(1, MARCH);

    // Act: the reply comes in April.
    await apply({ type: 'reply', id: 'email:m-1' });

    // Assess: the February cohort's 2nd touch got the reply.
    expect(aggregates.counts(FOLLOW_UP.id, '2026-02', 2)).toMatchObject({ sent: 1, replies: 1 });
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 2)).toBeUndefined();
    expect(aggregates.counts(FOLLOW_UP.id, '2026-04', 2)).toBeUndefined();
    expect(e.metrics.totals.get('Replies')).toBe(1);
  });

  it('counts once however often it is delivered, and a second reply of the same lead not at all', async () => {
    // Prepare
    await touch(0);

    // Act
    await apply({ type: 'reply', id: 'email:m-1' });
    await apply({ type: 'reply', id: 'email:m-1' });
    await apply({ type: 'reply', id: 'email:m-2' });
    await apply({ type: 'sms-reply', id: 'sms:1', phone: '+13125550142' });

    // Assess
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 1)?.replies).toBe(1);
    expect(e.metrics.totals.get('Replies')).toBe(1);
  });
});

describe('a deal', () => {
  it('won after a reply counts the deal, its value and the month won; the reply was counted already', async () => {
    // Prepare
    await touch(0);
    await touch(1);
    await touch(2);
    await apply({ type: 'reply', id: 'email:m-1' });

    // Act
    await apply({ type: 'outcome', id: 'rep:won', result: 'won', value: 4200, currency: 'USD' });

    // Assess
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 3)).toMatchObject({
      replies: 1,
      won: 1,
      revenue: 4200,
    });
    expect(aggregates.counts(FOLLOW_UP.id, '2026-04', 'closed')).toEqual({
      won: 1,
      revenue: 4200,
      wonAfterTwo: 1,
      revenueRecovered: 4200,
    });
    expect(e.metrics.totals.get('Conversions')).toBe(1);
    expect(e.metrics.totals.get('RevenueRecovered')).toBe(4200);
  });

  it('won at the first touch is a deal, not revenue recovered by follow-up', async () => {
    // Prepare
    await touch(0);

    // Act: a purchase, the lead's answer and its deal at once.
    await apply({ type: 'conversion', id: 'order:1', orderId: '1', revenue: 90, currency: 'USD' });

    // Assess
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 1)).toMatchObject({ replies: 1, won: 1, revenue: 90 });
    expect(aggregates.counts(FOLLOW_UP.id, '2026-04', 'closed')).toEqual({ won: 1, revenue: 90 });
    expect(e.metrics.totals.get('RevenueRecovered')).toBeUndefined();
  });

  it('bought before any touch counts at touch 0 of the cadence the lead is in', async () => {
    // Prepare
    const cart = await enroll(e, { email: 'casey@example.com' }, CART.id, MARCH);

    // Act
    await applySignal(
      e.signalDeps,
      signalOf(
        cart.leadId,
        { type: 'conversion', id: 'order:2', orderId: '2', revenue: 60, currency: 'USD' },
        MARCH,
      ),
      MARCH,
    );

    // Assess
    expect(aggregates.counts(CART.id, '2026-03', 0)).toMatchObject({ won: 1, revenue: 60 });
  });
});

describe('signals that count, and those that do not', () => {
  const lead = (overrides: Partial<Lead> = {}) =>
    storedLead({ email: 'jordan@example.com', touchCount: 2, lastCadence: FOLLOW_UP.id, ...overrides });
  const at = APRIL.toISOString();
  const base = { v: 1 as const, leadId: 'ld_x', at, source: 'test' };

  it('counts first answers, meetings, deals, losses and opt-outs by the status they change', () => {
    const cases: [Signal, Lead, Lead['status'] | undefined, Record<string, number>][] = [
      [{ ...base, type: 'reply', id: '1' }, lead({ status: 'replied' }), 'active', { replies: 1 }],
      [{ ...base, type: 'reply', id: '2' }, lead({ status: 'replied' }), 'nurture', { replies: 1 }],
      [
        { ...base, type: 'outcome', id: '3', result: 'meeting' },
        lead({ status: 'meeting' }),
        'active',
        { replies: 1, meetings: 1 },
      ],
      [
        { ...base, type: 'outcome', id: '4', result: 'meeting' },
        lead({ status: 'meeting' }),
        'replied',
        { meetings: 1 },
      ],
      [
        { ...base, type: 'outcome', id: '5', result: 'lost' },
        lead({ status: 'lost' }),
        'replied',
        { lost: 1 },
      ],
      [
        { ...base, type: 'unsubscribe', id: '6' },
        lead({ status: 'unsubscribed' }),
        'active',
        { unsubscribes: 1 },
      ],
      [
        { ...base, type: 'bounce', id: '7', bounceType: 'Permanent' },
        lead({ status: 'bounced' }),
        'active',
        { bounces: 1 },
      ],
      [{ ...base, type: 'complaint', id: '8' }, lead({ status: 'complained' }), 'active', { complaints: 1 }],
      [{ ...base, type: 'outcome', id: '9', result: 'not-now' }, lead({ status: 'snoozed' }), 'active', {}],
      [{ ...base, type: 'auto-reply', id: '10', until: at }, lead({ status: 'snoozed' }), 'active', {}],
      [{ ...base, type: 'bounce', id: '11', bounceType: 'Transient' }, lead(), undefined, {}],
      [{ ...base, type: 'open', id: '12' }, lead(), undefined, {}],
      [{ ...base, type: 'click', id: '13' }, lead(), undefined, {}],
    ];
    for (const [signal, after, from, expected] of cases) {
      expect(
        signalCounts({
          signal,
          before: lead({ status: from ?? after.status }),
          lead: after,
          ...(from ? { from } : {}),
        }),
        `${signal.type} ${from} → ${after.status}`,
      ).toEqual(expected);
    }
  });

  it('counts a first reply read as interested, a question or a meeting as positive, and no other (#14)', () => {
    const read = (label: 'interested' | 'question' | 'meeting' | 'unsure' | 'not-now' | 'no') => ({
      label,
      confidence: 0.8,
      cue: 'words',
    });
    const cases: [Signal, Lead['status'], Lead['status'], Record<string, number>][] = [
      [
        { ...base, type: 'reply', id: 'p1', reading: read('interested') },
        'active',
        'replied',
        { replies: 1, positiveReplies: 1 },
      ],
      [
        { ...base, type: 'sms-reply', id: 'p2', phone: '+13125550142', reading: read('question') },
        'nurture',
        'replied',
        { replies: 1, positiveReplies: 1 },
      ],
      [
        { ...base, type: 'reply', id: 'p3', reading: read('meeting') },
        'active',
        'meeting',
        { replies: 1, positiveReplies: 1, meetings: 1 },
      ],
      // A time accepted after an earlier answer is a meeting, not a second reply: positive stays within replies.
      [{ ...base, type: 'reply', id: 'p4', reading: read('meeting') }, 'replied', 'meeting', { meetings: 1 }],
      [{ ...base, type: 'reply', id: 'p5', reading: read('unsure') }, 'active', 'replied', { replies: 1 }],
      [{ ...base, type: 'reply', id: 'p6', reading: read('not-now') }, 'active', 'snoozed', { replies: 1 }],
      [{ ...base, type: 'reply', id: 'p7', reading: read('no') }, 'active', 'lost', { replies: 1, lost: 1 }],
      // A reply from before the reader carries no reading: a response, not known to be positive.
      [{ ...base, type: 'reply', id: 'p8' }, 'active', 'replied', { replies: 1 }],
      // A rep's outcome is no reply in words.
      [{ ...base, type: 'outcome', id: 'p9', result: 'replied' }, 'active', 'replied', { replies: 1 }],
    ];
    for (const [signal, from, to, expected] of cases) {
      expect(
        signalCounts({ signal, before: lead({ status: from }), lead: lead({ status: to }), from }),
        `${signal.id}: ${from} → ${to}`,
      ).toEqual(expected);
    }
  });

  it('counts a STOP as an opt-out when it took a consent away', () => {
    const stop: Signal = { ...base, type: 'sms-stop', id: 's', phone: '+13125550142', keyword: 'STOP' };
    const consent = { at, source: 'form', wording: 'Texts OK' };
    expect(signalCounts({ signal: stop, before: lead({ smsConsent: consent }), lead: lead() })).toEqual({
      unsubscribes: 1,
    });
    expect(signalCounts({ signal: stop, before: lead(), lead: lead() })).toEqual({});
  });
});

describe('a touch that does not go out', () => {
  it('skipped counts at the touch number it would have had', async () => {
    // Prepare: one touch out; the next is a text to a lead who gave no consent.
    await touch(0);

    // Act
    const result = await performTouch(
      e.touchDeps,
      { ...touchEvent(lead, FOLLOW_UP.id, 1), channel: 'sms' },
      MARCH,
    );

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'no-sms-consent' });
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 2)).toEqual({ skipped: 1 });
    expect(e.metrics.totals.get('Skipped')).toBe(1);
  });

  it('failed for good counts as a failure; a transient failure is retried and counts nothing', async () => {
    // Prepare
    const rejecting = { send: async () => Promise.reject(new SendRejected('MessageRejected')) };
    const throttled = { send: async () => Promise.reject(new TransientError('SES: Throttling')) };

    // Act
    await expect(
      performTouch({ ...e.touchDeps, mailer: throttled }, touchEvent(lead, FOLLOW_UP.id, 0), MARCH),
    ).rejects.toThrow(TransientError);
    await expect(
      performTouch({ ...e.touchDeps, mailer: rejecting }, touchEvent(lead, FOLLOW_UP.id, 0), MARCH),
    ).rejects.toThrow(SendRejected);

    // Assess
    expect(aggregates.counts(FOLLOW_UP.id, '2026-03', 1)).toEqual({ failed: 1 });
    expect(e.metrics.totals.get('TouchFailures')).toBe(1);
  });
});

describe('when the counters cannot be written', () => {
  it('the touch still goes out and the signal still applies; the failure is logged with the lead id only', async () => {
    // Prepare
    const logger = recordingLogger();
    aggregates.failing = true;
    const deps = { ...e.touchDeps, logger };

    // Act
    const sent = await performTouch(deps, touchEvent(lead, FOLLOW_UP.id, 0), MARCH);
    const replied = await applySignal({ ...e.signalDeps, logger }, signal({ type: 'reply', id: 'm' }), APRIL);

    // Assess
    expect(sent).toEqual({ status: 'sent' });
    expect(replied.outcome).toBe('applied');
    expect(store.leads.get(lead.leadId)?.status).toBe('replied');
    const failures = logger.lines.filter((line) => line.includes('metrics-write-failed'));
    expect(failures).toHaveLength(2);
    for (const line of failures) {
      expect(line).toContain(lead.leadId);
      expect(line).not.toContain('jordan@example.com');
    }
  });
});
