import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ownerTaskEmail } from '../../../../functions/domain/owner-task-email.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { storedLead, TOUCH_SETTINGS } from '../../../support/handler-fixtures.ts';

/*
 * The rep's task says when it is due in the lead's local time with the zone's short name. The name comes from a
 * formatter kept per zone; it must read exactly as luxon's `ZZZZ` does, on either side of every DST change.
 */

const lead = storedLead({ email: 'sam@example.com', name: 'Sam' });
const CALL: TouchEvent = {
  leadId: lead.leadId,
  enrollmentId: 'web-inquiry-e1',
  cadenceId: 'web-inquiry',
  stepIndex: 1,
  stepId: 'first-call',
  channel: 'call',
  template: 'inquiry-call',
  scheduledAt: '2026-03-05T16:00:00Z',
};
const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'UTC',
  'Etc/GMT+5',
];

const dueLine = (scheduledAt: string, zone: string) =>
  ownerTaskEmail(
    lead,
    { ...CALL, scheduledAt },
    { text: 'Ask how it went' },
    zone,
    TOUCH_SETTINGS,
  ).text.split('\n')[1];
const luxonDue = (scheduledAt: string, zone: string) =>
  `Due ${DateTime.fromISO(scheduledAt, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ')}, the lead's local time`;

describe("the rep's task email: when it is due", () => {
  it("names the zone as luxon's ZZZZ does, in standard and in summer time", () => {
    // Act
    const winter = dueLine('2026-01-05T14:00:00Z', 'America/New_York');
    const summer = dueLine('2026-07-06T13:00:00Z', 'America/New_York');

    // Assess
    expect(winter).toMatch(/^Due Mon 5 Jan 2026, 09:00 EST, the lead's local time/);
    expect(summer).toMatch(/^Due Mon 6 Jul 2026, 09:00 EDT, the lead's local time/);
  });

  it('reads the same as luxon for any instant in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2035-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...ZONES),
        (at, zone) => {
          const scheduledAt = at.toISOString();
          expect(dueLine(scheduledAt, zone)).toContain(luxonDue(scheduledAt, zone));
        },
      ),
      { numRuns: 500 },
    );
  });
});
