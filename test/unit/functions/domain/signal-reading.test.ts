import { describe, expect, it } from 'vitest';
import type { Lead } from '../../../../functions/domain/lead.ts';
import { correctionLinks, verifyOutcomeToken } from '../../../../functions/domain/outcome-links.ts';
import { correctedStatus, readingStatus, readToday } from '../../../../functions/domain/signal-reading.ts';
import { factsOf, nextStatus } from '../../../../functions/domain/signal-rules.ts';
import type { Signal, SignalReading } from '../../../../functions/domain/signal-schema.ts';

/* What a reply's reading does to its lead (#14), and the signed links that correct it. */

const AT = '2026-04-07T15:00:00.000Z';
const NOW = new Date(AT);
const KEY = 'test-signing-key';
const newLead = (): Lead => ({
  leadId: 'ld_1',
  email: 'jordan@example.com',
  status: 'active',
  createdAt: AT,
  updatedAt: AT,
  touchCount: 1,
  smsCount: 0,
  recentSends: [],
  sendsVersion: 0,
});
const read = (label: SignalReading['label'], extra: Partial<SignalReading> = {}): SignalReading => ({
  label,
  confidence: 0.85,
  cue: 'the words',
  ...extra,
});
const replyOf = (reading: SignalReading): Signal => ({
  v: 1,
  type: 'reply',
  id: 'email:m-1',
  leadId: 'ld_1',
  at: AT,
  source: 'ses-inbound',
  reading,
});

describe('readingStatus', () => {
  it.each([
    ['interested', 'replied'],
    ['question', 'replied'],
    ['unsure', 'replied'],
    ['meeting', 'meeting'],
    ['not-now', 'snoozed'],
    ['no', 'lost'],
    ['wrong-person', 'lost'],
    ['referral', 'referred'],
  ] as const)('an active lead whose reply reads %s becomes %s', (label, status) => {
    expect(readingStatus(read(label), 'active', true)).toBe(status);
  });

  it('a reply read as anything moves no lead a reply does not act on, but a time accepted after a reply is news', () => {
    expect(readingStatus(read('no'), 'won', false)).toBeUndefined();
    expect(readingStatus(read('referral'), 'replied', false)).toBeUndefined();
    expect(readingStatus(read('meeting'), 'replied', false)).toBe('meeting');
    expect(readingStatus(undefined, 'active', true)).toBe('replied');
  });
});

describe('a reading on the lead', () => {
  it('a no is lost with its reason and the reading kept; a wrong person says which', () => {
    const lead = newLead();
    const no = factsOf(replyOf(read('no')), lead, 'lost', NOW);
    const left = factsOf(replyOf(read('wrong-person', { reason: 'left-company' })), lead, 'lost', NOW);

    expect(no.set).toMatchObject({
      lostReason: 'not-interested',
      reading: { label: 'no', signalId: 'email:m-1' },
    });
    expect(left.set.lostReason).toBe('left-company');
  });

  it('a not-now snoozes until its date, and one past the limit is brought forward to it', () => {
    const lead = newLead();
    const march = factsOf(replyOf(read('not-now', { until: '2027-03-01T15:00:00Z' })), lead, 'snoozed', NOW);
    const far = factsOf(replyOf(read('not-now', { until: '2028-03-01T15:00:00Z' })), lead, 'snoozed', NOW);

    expect(march.set.snoozedUntil).toBe('2027-03-01T15:00:00Z');
    expect(Date.parse(far.set.snoozedUntil ?? '')).toBe(NOW.getTime() + 330 * 86_400_000);
  });

  it('readToday matches a reading of that day and label only', () => {
    const reading = { label: 'no', confidence: 0.9, cue: 'no', at: AT, signalId: 's' };
    expect(readToday({ reading }, '2026-04-07', 'no')).toBe(true);
    expect(readToday({ reading }, '2026-04-07', 'interested')).toBe(false);
    expect(readToday({ reading }, '2026-04-08', 'no')).toBe(false);
    expect(readToday({}, '2026-04-07')).toBe(false);
  });
});

describe('corrections', () => {
  it('a correction moves the lead from what its reading made of it; won and suppressed leads stay', () => {
    const correction = (result: 'replied' | 'lost'): Signal => ({
      v: 1,
      type: 'outcome',
      id: 'outcome-link:x',
      leadId: 'ld_1',
      at: AT,
      source: 'reading-correction',
      result,
      corrects: 'email:m-1',
    });
    expect(nextStatus(correction('replied'), 'lost')).toBe('replied');
    expect(nextStatus(correction('replied'), 'referred')).toBe('replied');
    expect(nextStatus(correction('lost'), 'snoozed')).toBe('lost');
    expect(nextStatus(correction('lost'), 'won')).toBeUndefined();
    expect(nextStatus(correction('replied'), 'unsubscribed')).toBeUndefined();
    expect(correctedStatus('not-now', 'snoozed')).toBe('snoozed');
  });

  it('a correction link carries the reply it corrects under the signature; changing either breaks it', () => {
    const [link] = correctionLinks('https://api.example', 'ld_1', 'email:m-1', ['lost'], KEY, NOW);
    const token = link?.url.split('/o/')[1] ?? '';

    const check = verifyOutcomeToken(token, KEY, NOW);
    const parts = token.split('.');
    const swapped = [...parts.slice(0, 3), Buffer.from('email:m-2').toString('base64url'), parts[4]].join(
      '.',
    );
    const dropped = [...parts.slice(0, 3), parts[4]].join('.');

    expect(check).toMatchObject({
      ok: true,
      claim: { leadId: 'ld_1', result: 'lost', corrects: 'email:m-1' },
    });
    expect(verifyOutcomeToken(swapped, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyOutcomeToken(dropped, KEY, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyOutcomeToken(token, KEY, new Date(NOW.getTime() + 31 * 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });
});
