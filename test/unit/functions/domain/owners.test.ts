import { describe, expect, it } from 'vitest';
import {
  addWorkingMinutes,
  nextOnDuty,
  onDuty,
  parseDays,
  type Rep,
  repsOf,
} from '../../../../functions/domain/owners.ts';
import { parseSla, slaDeadline } from '../../../../functions/domain/sla.ts';

const rep: Rep = {
  name: 'Ana',
  email: 'ana@acme.com',
  weight: 1,
  timeZone: 'America/Chicago',
  hours: { days: 'Mon-Fri', from: '09:00', to: '17:00' },
};

describe('working hours', () => {
  it('reads days as ranges and lists, wrapping past Sunday', () => {
    expect([...(parseDays('Mon-Fri') ?? [])]).toEqual([1, 2, 3, 4, 5]);
    expect([...(parseDays('fri-mon') ?? [])].sort()).toEqual([1, 5, 6, 7]);
    expect([...(parseDays('Mon, Wed,Fri') ?? [])]).toEqual([1, 3, 5]);
    expect(parseDays('Funday')).toBeUndefined();
  });

  it('knows when a rep is on duty in the rep’s own zone', () => {
    expect(onDuty(rep, new Date('2026-12-15T16:00:00Z'))).toBe(true); // Tue 10:00 Chicago
    expect(onDuty(rep, new Date('2026-12-15T23:30:00Z'))).toBe(false); // Tue 17:30
    expect(onDuty(rep, new Date('2026-12-19T16:00:00Z'))).toBe(false); // Sat
    expect(nextOnDuty(rep, new Date('2026-12-19T16:00:00Z')).toISOString()).toBe('2026-12-21T15:00:00.000Z');
  });

  it('counts only working minutes, across an evening', () => {
    // Tue 16:50 Chicago + 15 business minutes: 10 today, 5 on Wednesday from 09:00.
    const deadline = addWorkingMinutes(rep, new Date('2026-12-15T22:50:00Z'), 15);
    expect(deadline.toISOString()).toBe('2026-12-16T15:05:00.000Z');
  });

  it('counts across a weekend, and plainly for a rep always on duty', () => {
    expect(addWorkingMinutes(rep, new Date('2026-12-18T22:55:00Z'), 15).toISOString()).toBe(
      '2026-12-21T15:10:00.000Z',
    );
    const always: Rep = { ...rep, hours: undefined };
    expect(addWorkingMinutes(always, new Date('2026-12-15T22:50:00Z'), 15).toISOString()).toBe(
      '2026-12-15T23:05:00.000Z',
    );
  });

  it('fills a rep’s zone from the deployment’s', () => {
    const reps = repsOf({
      owners: [{ name: 'B', email: 'b@acme.com', weight: 1 }],
      defaultTimeZone: 'Europe/Berlin',
    });
    expect(reps[0]?.timeZone).toBe('Europe/Berlin');
    expect(repsOf({ defaultTimeZone: 'UTC' })).toEqual([]);
  });
});

describe('sla', () => {
  it('parses business and plain spans', () => {
    expect(parseSla('15 business minutes')).toEqual({ minutes: 15, business: true });
    expect(parseSla('2 hours')).toEqual({ minutes: 120, business: false });
    expect(parseSla('15 bizminutes')).toBeUndefined();
  });

  it('gives a plain span plain minutes, even for a rep with hours', () => {
    const from = new Date('2026-12-15T22:50:00Z');
    expect(slaDeadline({ minutes: 15, business: false }, rep, from).toISOString()).toBe(
      '2026-12-15T23:05:00.000Z',
    );
    expect(slaDeadline({ minutes: 15, business: true }, rep, from).toISOString()).toBe(
      '2026-12-16T15:05:00.000Z',
    );
  });
});
