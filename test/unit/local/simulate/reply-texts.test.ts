import { describe, expect, it } from 'vitest';
import { readIntent } from '../../../../functions/core/intent.ts';
import { phrasingsOf, REPLY_KINDS, replyText } from '../../../../local/simulate/reply-texts.ts';

/*
 * The replies `simulate --reply-mix` writes: every phrasing of every kind is read by the real reader as the kind it
 * was written as. A phrasing the reader reads otherwise fails here, naming the words, before it blurs a simulation.
 */

const WRITERS = [
  { email: 'lead-12@sim.followup.test', name: 'Avery Lee' },
  { email: 'lead-3@sim.followup.test', name: undefined },
];
const RECEIVED = new Date('2026-07-07T15:00:00Z');

const everyText = REPLY_KINDS.flatMap((kind) =>
  Array.from({ length: phrasingsOf(kind) }, (_, i) =>
    WRITERS.map((writer) => ({
      kind,
      writer,
      text: replyText(kind, writer, { phrasing: (i + 0.5) / phrasingsOf(kind), colleague: i / 5 }),
    })),
  ).flat(),
);

describe('the generated replies', () => {
  it('has several phrasings of every kind but unsure', () => {
    expect(REPLY_KINDS).not.toContain('unsure');
    for (const kind of REPLY_KINDS) expect(phrasingsOf(kind)).toBeGreaterThanOrEqual(3);
    expect(new Set(everyText.map((t) => t.text)).size).toBeGreaterThan(everyText.length / 2);
  });

  it.each(everyText)('reads $text as $kind', ({ kind, writer, text }) => {
    // Act
    const reading = readIntent(text, {
      receivedAt: RECEIVED,
      zone: 'America/Chicago',
      channel: 'email',
      leadEmail: writer.email,
    });
    // Assess
    expect(reading.label).toBe(kind);
  });

  it('names a colleague at the writer’s own domain, never the writer, and a different one for each lead', () => {
    // Act
    const [a, b] = WRITERS.map((writer) => replyText('referral', writer, { phrasing: 0, colleague: 0.5 }));
    const reading = readIntent(a ?? '', {
      receivedAt: RECEIVED,
      zone: 'America/Chicago',
      channel: 'email',
      leadEmail: WRITERS[0]?.email,
    });
    // Assess
    expect(reading.referral?.email).toMatch(/^[a-z]+\.[a-z]+\.lead12@sim\.followup\.test$/);
    expect(b).not.toContain(reading.referral?.email);
  });

  it('gives a not-now with a time the date it names, and signs with the writer’s first name', () => {
    // Act
    const march = replyText('not-now', WRITERS[0] as (typeof WRITERS)[0], { phrasing: 0, colleague: 0 });
    const signed = replyText('no', WRITERS[0] as (typeof WRITERS)[0], { phrasing: 0.3, colleague: 0 });
    const reading = readIntent(march, { receivedAt: RECEIVED, zone: 'America/Chicago', channel: 'email' });
    // Assess
    expect(march).toContain('in March');
    expect(reading.until?.slice(0, 7)).toBe('2027-03');
    expect(signed).toMatch(/\n\nAvery$/);
  });
});
