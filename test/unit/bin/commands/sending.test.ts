import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../../bin/commands/sending.ts';
import type { SendingStatus } from '../../../../functions/domain/sending-governor-service.ts';

/* What `followup sending status` shows a person: the cap used today, the bucket, the rates, and what to do when paused. */

const STATUS: SendingStatus = {
  day: '2026-12-01',
  dailyCap: 200,
  sentToday: 57,
  ratePerSecond: 14,
  tokens: 9,
  burst: 14,
  reputation: { sends: 1000, bounces: 12, complaints: 0, bounceRate: 0.012, complaintRate: 0 },
};

describe('followup sending status', () => {
  it('shows the cap used today, the bucket and the rates', () => {
    const text = formatStatus(STATUS, 'the local runtime (pid 42)');
    expect(text).toContain('Sending · from the local runtime (pid 42)');
    expect(text).toContain('57 sent of a cap of 200');
    expect(text).toContain('14/s; 9 of 14 tokens');
    expect(text).toContain('bounces 12 (1.20%), complaints 0 (0.00%)');
    expect(text).toContain('not paused');
  });

  it('says why sending is paused and how to resume it', () => {
    const paused = formatStatus(
      {
        ...STATUS,
        paused: { at: '2026-12-01T15:04:00.000Z', reason: 'bounce rate 4.10% over the last 1000 sends' },
      },
      'Followup (us-east-1)',
    );
    expect(paused).toContain('PAUSED');
    expect(paused).toContain('bounce rate 4.10% over the last 1000 sends');
    expect(paused).toContain('immediate replies go');
    expect(paused).toContain('followup sending resume');
    expect(formatStatus({ ...STATUS, dailyCap: undefined } as SendingStatus, 'x')).toContain('no daily cap');
  });
});
