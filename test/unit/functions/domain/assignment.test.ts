import { describe, expect, it } from 'vitest';
import { assignRep, nextRep, pickRep, rotationCycle } from '../../../../functions/domain/assignment.ts';
import type { Rep } from '../../../../functions/domain/owners.ts';

const NINE_TO_FIVE = { days: 'Mon-Fri', from: '09:00', to: '17:00' };
const rep = (email: string, weight = 1, extra: Partial<Rep> = {}): Rep => ({
  name: email.split('@')[0] ?? email,
  email,
  weight,
  timeZone: 'America/Chicago',
  ...extra,
});
// Tue 15 Dec 2026, 10:00 in Chicago (16:00Z): everyone with 9–5 hours is at work.
const TUESDAY_MORNING = new Date('2026-12-15T16:00:00Z');

describe('pickRep', () => {
  it('shares 1,000 leads within 2% of the weights', () => {
    // Prepare
    const reps = [rep('a@acme.com', 3), rep('b@acme.com', 2), rep('c@acme.com', 1)];
    // Act
    const counts = new Map<string, number>();
    for (let turn = 1; turn <= 1000; turn++) {
      const chosen = pickRep(reps, turn, TUESDAY_MORNING).email;
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    // Assess
    expect((counts.get('a@acme.com') ?? 0) / 1000).toBeCloseTo(3 / 6, 1);
    for (const [email, weight] of [
      ['a@acme.com', 3],
      ['b@acme.com', 2],
      ['c@acme.com', 1],
    ] as const) {
      expect(Math.abs((counts.get(email) ?? 0) / 1000 - weight / 6)).toBeLessThanOrEqual(0.02);
    }
  });

  it('spreads a heavy rep out instead of giving it a run of leads', () => {
    const reps = [rep('a@acme.com', 3), rep('b@acme.com', 1)];
    expect(rotationCycle(reps)).toEqual([0, 0, 1, 0]);
  });

  it('gives the same turn the same rep, whoever asks and when', () => {
    const reps = [rep('a@acme.com', 2), rep('b@acme.com', 1)];
    const picks = (turn: number) => pickRep([...reps], turn, TUESDAY_MORNING).email;
    expect([1, 2, 3, 4, 5, 6].map(picks)).toEqual([1, 2, 3, 4, 5, 6].map(picks));
  });

  it('skips a rep who is off duty', () => {
    // Prepare: b works evenings only
    const reps = [
      rep('a@acme.com'),
      rep('b@acme.com', 1, { hours: { days: 'Mon-Fri', from: '18:00', to: '22:00' } }),
    ];
    // Act
    const chosen = [1, 2, 3, 4].map((turn) => pickRep(reps, turn, TUESDAY_MORNING).email);
    // Assess
    expect(chosen).toEqual(['a@acme.com', 'a@acme.com', 'a@acme.com', 'a@acme.com']);
  });

  it('gives a lead at night to the rep who starts soonest', () => {
    // Tue 23:30 Chicago: a in Chicago starts at 09:00, b in New York at 09:00 there (08:00 Chicago).
    const night = new Date('2026-12-16T05:30:00Z');
    const reps = [
      rep('a@acme.com', 1, { hours: NINE_TO_FIVE }),
      rep('b@acme.com', 1, { hours: NINE_TO_FIVE, timeZone: 'America/New_York' }),
    ];
    expect(pickRep(reps, 1, night).email).toBe('b@acme.com');
    expect(pickRep(reps, 2, night).email).toBe('b@acme.com');
  });

  it('takes one turn from the counter per assignment', async () => {
    let turn = 0;
    const reps = [rep('a@acme.com'), rep('b@acme.com')];
    const deps = { reps, rotation: { next: async () => ++turn } };
    const chosen = [];
    for (let i = 0; i < 4; i++) chosen.push((await assignRep(deps, TUESDAY_MORNING)).email);
    expect(chosen).toEqual(['a@acme.com', 'b@acme.com', 'a@acme.com', 'b@acme.com']);
    expect(turn).toBe(4);
  });
});

describe('nextRep', () => {
  it('names the next rep on duty, never the one who holds the task', () => {
    const reps = [
      rep('a@acme.com'),
      rep('b@acme.com', 1, { hours: { days: 'Sat-Sun', from: '09:00', to: '17:00' } }),
      rep('c@acme.com'),
    ];
    expect(nextRep(reps, 'a@acme.com', TUESDAY_MORNING)?.email).toBe('c@acme.com');
    expect(nextRep([rep('a@acme.com')], 'a@acme.com', TUESDAY_MORNING)).toBeUndefined();
  });
});
