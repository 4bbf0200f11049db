import { describe, expect, it } from 'vitest';
import { copyRecord } from '../../../../local/memory/copy.ts';

describe('copyRecord', () => {
  it('copies stored plain data all the way down, undefined fields included, so changing the copy changes nothing', () => {
    // Prepare
    const stored = {
      leadId: 'ld_1',
      touchCount: 2,
      smsConsent: { at: '2026-07-06T09:00:00Z', source: 'form' },
      recentSends: ['2026-07-06T09:00:00Z|a'],
      nextTouchAt: undefined,
      owner: null,
    };
    const before = structuredClone(stored);
    // Act
    const copy = copyRecord(stored);
    copy.smsConsent.source = 'changed';
    copy.recentSends.push('changed');
    // Assess
    expect(stored).toStrictEqual(before);
    expect(Object.keys(copyRecord(stored))).toEqual(Object.keys(stored));
    expect(copyRecord(stored)).toStrictEqual(stored);
  });

  it('copies what is not plain data as structuredClone does', () => {
    const at = new Date('2026-07-06T09:00:00Z');
    const copy = copyRecord({ at, tags: new Set(['a']) });
    expect(copy.at).not.toBe(at);
    expect(copy).toStrictEqual({ at, tags: new Set(['a']) });
  });
});
