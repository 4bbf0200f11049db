import { describe, expect, it } from 'vitest';
import { SendingConfigSchema } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';
import type { AccountLimits } from '../../../../functions/domain/sending-governor.ts';
import {
  ACCOUNT_REFRESH_MS,
  AccountPolicy,
  type SendQuotaSource,
} from '../../../../functions/domain/sending-governor-account.ts';

/* `"ratePerSecond": "account"`: the rate and daily cap SES's GetAccount gives, asked rarely, with a safe fallback. */

const config = (sending: z.input<typeof SendingConfigSchema> = {}) => z.parse(SendingConfigSchema, sending);
const NOW = new Date('2026-12-01T15:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

/** A quota source that answers from a list, one answer (or failure) a call, and counts the calls. */
function quota(...answers: (AccountLimits | Error)[]): SendQuotaSource & { calls: number } {
  const source = {
    source: 'account' as const,
    calls: 0,
    async sendQuota() {
      const answer = answers[Math.min(source.calls, answers.length - 1)];
      source.calls++;
      if (answer instanceof Error) throw answer;
      return answer as AccountLimits;
    },
  };
  return source;
}

describe('the account policy', () => {
  it("takes the account's MaxSendRate and Max24HourSend, and asks once per refresh however many sends ask", async () => {
    // Prepare
    const source = quota({ maxSendRate: 40, max24HourSend: 100_000 });
    const account = new AccountPolicy(config(), 'America/Chicago', source, () => undefined);

    // Act
    const policies = await Promise.all([account.at(NOW), account.at(NOW), account.at(later(60_000))]);
    const refreshed = await account.at(later(ACCOUNT_REFRESH_MS));

    // Assess
    expect(policies.map((p) => [p.ratePerSecond, p.burst, p.dailyCap, p.rateSource])).toEqual([
      [40, 40, 100_000, 'account'],
      [40, 40, 100_000, 'account'],
      [40, 40, 100_000, 'account'],
    ]);
    expect(refreshed.ratePerSecond).toBe(40);
    expect(source.calls).toBe(2);
  });

  it('has no daily cap when SES says -1 (unlimited), and keeps a dailyCap the config sets', async () => {
    const unlimited = { maxSendRate: 14, max24HourSend: -1 };
    const own = new AccountPolicy(config(), 'UTC', quota(unlimited), () => undefined);
    const capped = new AccountPolicy(config({ dailyCap: 500 }), 'UTC', quota(unlimited), () => undefined);
    expect((await own.at(NOW)).dailyCap).toBeUndefined();
    expect((await capped.at(NOW)).dailyCap).toBe(500);
  });

  it('falls back to the sandbox limits when GetAccount fails, says so once, and asks again only after the refresh', async () => {
    // Prepare
    const told: unknown[] = [];
    const source = quota(new Error('AccessDenied'), new Error('Throttling'), {
      maxSendRate: 14,
      max24HourSend: 50_000,
    });
    const account = new AccountPolicy(config(), 'UTC', source, (error) => told.push(error));

    // Act
    const first = await account.at(NOW);
    const soon = await account.at(later(1000));
    const second = await account.at(later(ACCOUNT_REFRESH_MS));
    const third = await account.at(later(2 * ACCOUNT_REFRESH_MS));

    // Assess
    expect([first.ratePerSecond, first.dailyCap, first.rateSource]).toEqual([1, 200, 'fallback']);
    expect(soon).toBe(first);
    expect(second.rateSource).toBe('fallback');
    expect(told).toHaveLength(1);
    expect([third.ratePerSecond, third.dailyCap, third.rateSource]).toEqual([14, 50_000, 'account']);
    expect(source.calls).toBe(3);
  });

  it('uses a fallback the config sets', async () => {
    const account = new AccountPolicy(
      config({ fallback: { ratePerSecond: 5, dailyCap: 1000 } }),
      'UTC',
      quota(new Error('down')),
      () => undefined,
    );
    expect(await account.at(NOW)).toMatchObject({ ratePerSecond: 5, dailyCap: 1000, rateSource: 'fallback' });
  });
});
