import { describe, expect, it } from 'vitest';
import {
  capApplies,
  capReached,
  parseFrequencyCap,
  sendEntry,
  sendsInWindow,
} from '../../../../functions/domain/frequency-cap.ts';

describe('the frequency cap', () => {
  const cap = { count: 2, days: 7 };
  const now = new Date('2026-12-18T12:00:00Z');

  it('reads "n per d days" and refuses anything else', () => {
    expect(parseFrequencyCap('3 per 7 days')).toEqual({ count: 3, days: 7 });
    expect(parseFrequencyCap('1 per 1 day')).toEqual({ count: 1, days: 1 });
    expect(parseFrequencyCap('3 a week')).toBeUndefined();
  });

  it('counts the sends inside the window only', () => {
    const entries = [
      sendEntry(new Date('2026-12-10T12:00:00Z'), 'old#0'),
      sendEntry(new Date('2026-12-17T12:00:00Z'), 'enr#1'),
    ];
    expect(sendsInWindow(entries, cap, now)).toEqual([entries[1]]);
    expect(capReached(entries, cap, now)).toBe(false);
    expect(capReached([...entries, sendEntry(now, 'enr#2')], cap, now)).toBe(true);
  });

  it('applies to emails and texts, not to calls, tasks or a transactional (immediate) touch', () => {
    expect(capApplies({ channel: 'email' })).toBe(true);
    expect(capApplies({ channel: 'sms' })).toBe(true);
    expect(capApplies({ channel: 'email', transactional: false })).toBe(true);
    expect(capApplies({ channel: 'call' })).toBe(false);
    expect(capApplies({ channel: 'task' })).toBe(false);
    // The answer to what the lead just asked is never skipped for the cap, and leaves marketing its allowance.
    expect(capApplies({ channel: 'email', transactional: true })).toBe(false);
  });
});
