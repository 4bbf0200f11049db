import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimId, instantKey, retryId } from '../../../../local/memory/ids.ts';

describe('the memory store keys', () => {
  it('spell an instant as DynamoLeadStore does, however it was written and however many were spelled before', () => {
    // Prepare: more instants than are remembered, so some are spelled again after the memory was cleared.
    const instants = fc.sample(
      fc.date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      }),
      { numRuns: 10_000, seed: 7 },
    );

    // Act
    const spelled = instants.flatMap((at) => [
      instantKey(at.toISOString()),
      instantKey(at.toISOString().replace('Z', '+00:00')),
    ]);

    // Assess
    expect(spelled).toEqual(instants.flatMap((at) => [at.toISOString(), at.toISOString()]));
  });

  it('key a claim and a retry by their instant in UTC, so markers written in another zone sort among the others', () => {
    // Act
    const claim = claimId({
      leadId: 'ld_1',
      enrollmentId: 'en_1',
      stepIndex: 2,
      claimedAt: '2026-07-06T11:00:00+02:00',
    });
    const retry = retryId({
      leadId: 'ld_1',
      enrollmentId: 'en_1',
      cadenceId: 'web-inquiry',
      dueAt: '2026-07-06T04:00:00-05:00',
    });

    // Assess
    expect(claim).toBe('2026-07-06T09:00:00.000Z#ld_1#en_1#002');
    expect(retry).toBe('2026-07-06T09:00:00.000Z#ld_1#en_1');
  });

  it('refuses an instant that is not one, each time it is asked', () => {
    expect(() => instantKey('not a date')).toThrow(RangeError);
    expect(() => instantKey('not a date')).toThrow(RangeError);
  });
});
