import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../../../functions/adapters/cadence-files.ts';
import { computeSchedule } from '../../../../functions/core/schedule.ts';
import { arrivals, ZONES } from '../../../../local/quota-sim/arrivals.ts';
import { leadSchedules, spreadIds, spreadSeconds } from '../../../../local/quota-sim/schedules.ts';

const ROOT = new URL('../../../..', import.meta.url).pathname;
const cadences = loadCadencesSync(join(ROOT, 'cadences'));

describe('leadSchedules', () => {
  // Every shipped cadence, as it is and with a spread: the shortcut must give what computeSchedule gives each lead.
  const cases = cadences.flatMap((c) => [
    { name: `${c.id}`, cadence: c },
    { name: `${c.id} + spread`, cadence: { ...c, spread: '90 minutes' } },
  ]);

  it.each(cases)('agrees with computeSchedule for sampled leads of $name', ({ cadence }) => {
    // Prepare: a day of signups, dense enough that cells hold many leads.
    const leads = arrivals(1500, 11, new Date('2026-11-25T00:00:00Z'));
    const size = spreadSeconds(cadence);
    const ids = cadence.spread ? spreadIds(size) : [];
    // Act
    const schedules = leadSchedules(cadence, leads);
    // Assess
    for (let i = 0; i < 1500; i += 11) {
      const zone = leads.zone[i] as number;
      const o = Math.floor((leads.spread[i] as number) * size);
      const want = computeSchedule(
        cadence,
        new Date((leads.midnight[zone] as number) + (leads.second[i] as number) * 1000),
        (ZONES[zone] as { zone: string }).zone,
        cadence.spread ? { leadId: ids[o] } : {},
      ).map((t) => Date.parse(t.at));
      expect(Array.from(schedules.at.subarray(i * schedules.steps, (i + 1) * schedules.steps))).toEqual(want);
    }
  });

  it('computes far fewer schedules than there are leads once signups are dense', () => {
    const cadence = cadences.find((c) => c.id === 'web-inquiry');
    if (!cadence) throw new Error('cadences/web-inquiry.json is missing');
    const schedules = leadSchedules(cadence, arrivals(20_000, 3, new Date('2026-07-06T00:00:00Z')));
    expect(schedules.exactCalls).toBeLessThan(2000);
  });

  it('finds a lead id for every spread offset', () => {
    const ids = spreadIds(600);
    expect(new Set(ids).size).toBe(600);
  });
});
