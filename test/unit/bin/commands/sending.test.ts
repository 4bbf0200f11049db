import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../../bin/commands/sending.ts';
import type { SendingStatus } from '../../../../functions/domain/sending-governor-service.ts';

/* What `followup sending status` shows a person: the cap used today, the bucket, the rates, and what to do when paused. */

const STATUS: SendingStatus = {
  day: '2026-12-01',
  dailyCap: 200,
  sentToday: 57,
  ratePerSecond: 14,
  rateSource: 'account',
  tokens: 9,
  burst: 14,
  sms: { ratePerSecond: 1, tokens: 1, burst: 1 },
  reputation: { sends: 1000, bounces: 12, complaints: 0, bounceRate: 0.012, complaintRate: 0 },
};

describe('followup sending status', () => {
  it('shows the cap used today, the bucket and the rates', () => {
    const text = formatStatus(STATUS, 'the local runtime (pid 42)');
    expect(text).toContain('Sending · from the local runtime (pid 42)');
    expect(text).toContain('57 sent of a cap of 200');
    expect(text).toContain("14/s (the SES account's MaxSendRate (GetAccount)); 9 of 14 tokens");
    expect(text).toContain('texts                1/s (sending.sms); 1 of 1 tokens');
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

  it('says where the rate in force comes from: the config, the account, the fallback or the local stand-in', () => {
    expect(
      formatStatus({ ...STATUS, rateSource: 'fallback', ratePerSecond: 1, burst: 1, tokens: 1 }, 'x'),
    ).toContain('1/s (sending.fallback: GetAccount could not be read (the Touch needs ses:GetAccount))');
    expect(formatStatus({ ...STATUS, rateSource: 'local' }, 'x')).toContain(
      'sending.local: the local runtime',
    );
    expect(formatStatus({ ...STATUS, rateSource: 'config' }, 'x')).toContain(
      '14/s (set in followup.config.json)',
    );
  });
});

describe('followup sending --help', () => {
  it('describes every field of the sending block, and how to turn the governor off', async () => {
    // Prepare
    const { Command } = await import('commander');
    const { registerSending } = await import('../../../../bin/commands/sending-register.ts');
    const { SendingConfigSchema } = await import('../../../../functions/core/config.ts');
    const program = new Command();
    let help = '';
    program.exitOverride().configureOutput({ writeOut: (text) => (help += text) });
    registerSending(program, async () => undefined);

    // Act
    try {
      program.parse(['node', 'followup', 'sending', '--help']);
    } catch {
      // commander exits after printing the help
    }

    // Assess
    expect(help).toContain('"sending": false');
    for (const field of Object.keys(SendingConfigSchema.shape)) expect(help, field).toContain(field);
  });
});
