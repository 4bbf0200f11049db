import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreesWithRecount, recountReport } from '../../bench/recount.ts';
import { disagreements } from '../../bench/simulate.ts';
import { formatSummary } from '../../bin/commands/simulate.ts';
import { checkSimulateOptions, parseSimulateOptions } from '../../bin/commands/simulate-options.ts';
import { UsageError, UserError } from '../../functions/core/errors.ts';
import {
  costOf,
  LAMBDA_ASSUMPTION,
  type LeadHistory,
  nextMonday,
  PRICES_USD,
  type SimulationResult,
  simulate,
  syntheticLeads,
} from '../../local/simulate/index.ts';

/* `followup simulate`: synthetic leads through the real compiled cadences, on the memory engine and on dynalite. */

const ROOT = new URL('../..', import.meta.url).pathname;
const START = new Date('2026-07-06T09:00:00Z');
const N = 40;
// Each run starts a whole runtime and sends hundreds of touches; the machine is shared.
const RUN_TIMEOUT = 120_000;
/** A copy of the project's settings, edited. */
function project(edit: (root: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'followup-simulate-'));
  for (const entry of ['cadences', 'templates', 'followup.config.json']) {
    cpSync(join(ROOT, entry), join(root, entry), { recursive: true });
  }
  edit(root);
  return root;
}

/** The cart cadence at a 30% reply rate, keeping what each lead stored to recount the report from. */
const CART = {
  cadenceId: 'abandoned-cart',
  leads: N,
  replyRate: 0.3,
  start: START,
  keepHistories: true,
} as const;

describe('simulate on the memory engine and the local runtime', () => {
  let cart: SimulationResult;

  beforeAll(async () => {
    cart = await simulate({ ...CART, seed: 11 });
  }, RUN_TIMEOUT);

  it(
    'gives the same result for the same seed, however the leads are split over workers, and another for another seed',
    async () => {
      // Act
      const again = await simulate({ ...CART, seed: 11 });
      const other = await simulate({ ...CART, seed: 12 });
      const onTwoWorkers = await simulate({ ...CART, seed: 11, workers: 2 });
      // Assess
      expect(JSON.stringify(again)).toBe(JSON.stringify(cart));
      expect(JSON.stringify(onTwoWorkers)).toBe(JSON.stringify(cart));
      expect(other.report).not.toEqual(cart.report);
    },
    RUN_TIMEOUT,
  );

  it(
    'gives the same touches, transitions, report and cost on the memory engine as on the local runtime (dynalite)',
    async () => {
      // Prepare: replies and wins, so intake, touch, complete, the reply and the outcome handlers all run.
      const run = {
        cadenceId: 'web-inquiry',
        leads: 30,
        seed: 7,
        replyRate: 0.3,
        winRate: 0.5,
        start: START,
      };
      // Act
      const memory = await simulate({ ...run, store: 'memory' });
      const dynalite = await simulate({ ...run, store: 'dynalite' });
      // Assess: every figure, the DynamoDB requests counted at the ports against those counted on the wire.
      expect(memory.store).toBe('memory');
      expect(dynalite.store).toBe('dynalite');
      expect(disagreements(memory, dynalite)).toEqual([]);
      expect(memory.report.won).toBeGreaterThan(0);
      expect(memory.failedDeliveries).toBe(0);
      // And the comparison can fail: one write more is a disagreement.
      const { reads, writes } = memory.dynamodb;
      expect(disagreements({ ...memory, dynamodb: { reads, writes: writes + 1 } }, dynalite)).toEqual([
        'dynamodb',
      ]);
    },
    RUN_TIMEOUT,
  );

  it('reports the response rate of each touch as its replies over its sends', () => {
    // The report comes from the aggregates the engine keeps; a recount of the stored touches must agree.
    expect(cart.histories).toHaveLength(N);
    expect(agreesWithRecount(cart.report, cart.histories ?? [])).toBe(true);
    // And the check can fail: one reply the stored leads do not have, or one lead's history missing.
    expect(
      agreesWithRecount({ ...cart.report, replies: cart.report.replies + 1 }, cart.histories ?? []),
    ).toBe(false);
    expect(agreesWithRecount(cart.report, cart.histories?.slice(1) ?? [])).toBe(false);
    expect(cart.report.replies).toBeGreaterThan(0);
    expect(cart.report.byTouch.map((t) => t.touch)).toEqual([1, 2, 3].slice(0, cart.report.byTouch.length));
    for (const touch of cart.report.byTouch) expect(touch.responseRate).toBe(touch.replies / touch.sent);
    expect(cart.report.byTouch.reduce((sum, t) => sum + t.replies, 0)).toBe(cart.report.replies);
    // A lead that replied gets nothing more: each touch goes to fewer leads than the one before.
    const [first, second] = cart.report.byTouch;
    expect(second?.sent).toBe((first?.sent ?? 0) - (first?.replies ?? 0));
  });

  it('without --reply-mix, writes the one interested text as before: no mix, no readings, every reply positive', () => {
    expect(cart).not.toHaveProperty('readings');
    expect(cart).not.toHaveProperty('replyMix');
    expect(cart.report.positiveReplies).toBe(cart.report.replies);
  });

  it('prices the counts with the price table', () => {
    const gbSeconds =
      cart.lambdaInvocations * (LAMBDA_ASSUMPTION.memoryMb / 1024) * (LAMBDA_ASSUMPTION.durationMs / 1000);
    const expected =
      cart.transitions * PRICES_USD.stepFunctionsTransition +
      cart.lambdaInvocations * PRICES_USD.lambdaRequest +
      gbSeconds * PRICES_USD.lambdaGbSecondArm64 +
      cart.dynamodb.writes * PRICES_USD.dynamodbWriteRequestUnit +
      cart.dynamodb.reads * PRICES_USD.dynamodbReadRequestUnit +
      cart.emails * PRICES_USD.sesEmail +
      cart.texts * PRICES_USD.smsUs;
    expect(cart.costUsd).toBeGreaterThan(0);
    expect(cart.costUsd).toBeCloseTo(expected, 6);
    expect(cart.costPer1000Leads).toBeCloseTo((expected / N) * 1000, 3);
    // SES sends the cart emails and forwards each reply to the owner.
    expect(cart.emails).toBe(cart.byChannel.email + cart.report.replies);
  });

  it('reads as a summary: touches by channel, the response by touch and the cost per 1,000 leads', () => {
    const text = formatSummary(cart, 10);
    expect(text).toContain(`Simulated ${N} leads through "abandoned-cart" (seed 11)`);
    expect(text).toMatch(new RegExp(`Touches sent\\s+${cart.touches}\\s+email ${cart.byChannel.email}`));
    expect(text).toMatch(/touch\s+sent\s+replies\s+response\n1\s+40\s+\d+\s+\d+\.\d%/);
    expect(text).toMatch(/Total\s+\$\d+\.\d{4}\s+\$\d+\.\d{4}/);
    expect(text).toContain('per 1,000 leads');
    expect(text).toContain(`Ran in 10.0 s: ${(N / 10).toFixed(1)} leads/s.`);
  });

  it(
    'with no replies, every lead gets every touch it may get, through the cadence and one nurture run',
    async () => {
      // Act: with the shipped config, whose governor simulate leaves out (no touch waits for capacity: §8.12).
      const result = await simulate({
        cadenceId: 'web-inquiry',
        leads: N,
        seed: 5,
        replyRate: 0,
        start: START,
      });
      // Assess
      const webSteps = 8;
      const nurtureSteps = 1;
      const smsSteps = 2;
      const withoutPhone = syntheticLeads(N, 5, START, 'web-inquiry').filter((l) => !l.body.phone).length;
      expect(result.then).toBe('quarterly-nurture');
      expect(result.skipped.byReason).toEqual(withoutPhone ? { 'no-phone': withoutPhone * smsSteps } : {});
      expect(result.touches).toBe(N * (webSteps + nurtureSteps) - result.skipped.total);
      expect(result.transitions).toBe(N * (2 * webSteps + 2) + N * (2 * nurtureSteps + 2));
      expect(result.lambda).toEqual({
        intake: N,
        touch: N * (webSteps + nurtureSteps),
        complete: 2 * N,
        signals: 0,
      });
      expect(result.lambdaInvocations).toBe(N + N * (webSteps + nurtureSteps) + 2 * N);
      expect(result.executions).toEqual({ started: 2 * N, done: 2 * N, exited: 0, failed: 0, aborted: 0 });
      expect(result.byChannel.sms).toBe(result.texts);
      expect(result.report.replies).toBe(0);
      expect(result.report.byTouch.every((t) => t.replies === 0 && t.responseRate === 0)).toBe(true);
      expect(result.dynamodb.reads).toBeGreaterThan(0);
      expect(result.dynamodb.writes).toBeGreaterThan(result.touches);
    },
    RUN_TIMEOUT,
  );

  it(
    'with every lead replying, each gets one touch: the reply stops its execution, as on AWS',
    async () => {
      // Act
      const result = await simulate({
        cadenceId: 'abandoned-cart',
        leads: N,
        seed: 2,
        replyRate: 1,
        winRate: 1,
        dealValue: 250,
        start: START,
        keepHistories: true,
      });
      // Assess
      expect(result.touches).toBe(N);
      expect(result.report.byTouch).toMatchObject([{ touch: 1, sent: N, replies: N, responseRate: 1 }]);
      expect(agreesWithRecount(result.report, result.histories ?? [])).toBe(true);
      expect(result.executions).toEqual({ started: N, done: 0, exited: 0, failed: 0, aborted: N });
      expect(result.lambda).toEqual({ intake: N, touch: N, complete: 0, signals: 2 * N });
      // Each lead's cart email, and its reply forwarded to the owner.
      expect(result.emails).toBe(2 * N);
      expect(result.report.won).toBe(N);
      expect(result.report.avgTouchesToClose).toBe(1);
      // Won at the first touch: nothing the follow-up recovered.
      expect(result.report.conversionRate).toBeNull();
      expect(result.report.revenueRecovered).toBe(0);
    },
    RUN_TIMEOUT,
  );

  it('refuses an unknown cadence as a mistake a person can fix, naming the ones there are', async () => {
    const refusal = simulate({ cadenceId: 'nope', leads: 1 });
    await expect(refusal).rejects.toThrow(/unknown cadence "nope"; choose one of: .*web-inquiry/);
    await expect(refusal).rejects.toBeInstanceOf(UserError);
  });

  it(
    'refuses a broken project as a mistake a person can fix, on one thread or on workers',
    async () => {
      // Prepare: a copy of the project's settings, with a cadence that is not JSON, and one with a bad config field.
      const badCadence = project((root) =>
        writeFileSync(join(root, 'cadences/broken.json'), '{\n  "id": "broken",\n'),
      );
      const badConfig = project((root) => {
        const file = join(root, 'followup.config.json');
        const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        writeFileSync(file, JSON.stringify({ ...config, api: { rateLimit: 0, burstLimit: 40 } }));
      });
      // Act
      const refusals = [
        simulate({ cadenceId: 'web-inquiry', leads: 2, root: badCadence }),
        simulate({ cadenceId: 'web-inquiry', leads: 2, root: badConfig }),
        // The config is read by each worker's runtime: the error crosses the thread as what it is.
        simulate({ cadenceId: 'web-inquiry', leads: 2, root: badConfig, workers: 2 }),
      ].map((run) =>
        run.then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      const [cadenceError, configError, workerError] = await Promise.all(refusals);
      // Assess
      expect(cadenceError).toBeInstanceOf(UserError);
      expect(String(cadenceError)).toMatch(/cadences\/broken\.json: not valid JSON at line 3/);
      for (const error of [configError, workerError]) {
        expect(error).toBeInstanceOf(UserError);
        expect(String(error)).toMatch(/followup\.config\.json is not valid.*api\.rateLimit/s);
      }
    },
    RUN_TIMEOUT,
  );
});

describe('simulate --reply-mix: generated replies through the real reader', () => {
  const MIX = { interested: 0.5, 'not-now': 0.25, no: 0.15, referral: 0.05, unsubscribe: 0.05 } as const;
  /** Every lead answers its first touch, so about N replies are written: enough for the shares to show. */
  const MIXED = {
    cadenceId: 'abandoned-cart',
    leads: 80,
    seed: 21,
    replyRate: 1,
    start: START,
    replyMix: MIX,
  } as const;
  let mixed: SimulationResult;

  beforeAll(async () => {
    mixed = await simulate(MIXED);
  }, RUN_TIMEOUT);

  it('writes each kind about as often as the mix says, and the reader reads every one as its kind', () => {
    const byKind = mixed.readings?.byKind ?? {};
    const written = Object.values(byKind).reduce((sum, k) => sum + k.written, 0);
    expect(written).toBeGreaterThanOrEqual(MIXED.leads);
    for (const [kind, share] of Object.entries(MIX)) {
      const k = byKind[kind as keyof typeof byKind];
      expect(k?.written ?? 0, kind).toBeGreaterThan(0);
      // Within 0.08 of its share for this seed: the draw follows the mix.
      expect(Math.abs((k?.written ?? 0) / written - share), kind).toBeLessThan(0.08);
      expect(k?.readAs, kind).toEqual({ [kind]: k?.written });
    }
    expect(mixed.replyMix).toEqual(MIX);
  });

  it('snoozes, loses, hands over and unsubscribes leads in the proportions of the mix, and wins only answered ones', () => {
    // Prepare: the moves to each status over the run, from the leads' stored events.
    const moved = mixed.statusChanges ?? {};
    const byKind = mixed.readings?.byKind ?? {};
    const written = Object.values(byKind).reduce((sum, k) => sum + k.written, 0);
    const share = (status: string) => (moved[status] ?? 0) / written;
    // Assess: each reply did what its reading means, so the moves follow the mix (within 0.08 for this seed).
    expect(moved.snoozed).toBe(byKind['not-now']?.written);
    expect(moved.lost).toBe(byKind.no?.written);
    expect(moved.referred).toBe(byKind.referral?.written);
    expect(moved.unsubscribed).toBe(byKind.unsubscribe?.written);
    expect(moved.replied).toBe(byKind.interested?.written);
    for (const [status, kind] of [
      ['snoozed', 'not-now'],
      ['lost', 'no'],
      ['referred', 'referral'],
      ['unsubscribed', 'unsubscribe'],
    ] as const) {
      expect(Math.abs(share(status) - MIX[kind]), status).toBeLessThan(0.08);
    }
    // Only a lead left replied (or in a meeting) can be won.
    expect(mixed.report.won).toBeGreaterThan(0);
    expect(moved.won).toBe(mixed.report.won);
    expect(mixed.report.won).toBeLessThanOrEqual((moved.replied ?? 0) + (moved.meeting ?? 0));
    expect(mixed.failedDeliveries).toBe(0);
    expect(mixed.executions.failed).toBe(0);
  });

  it('counts the positive replies within the replies, by touch too', () => {
    const { report } = mixed;
    expect(report.positiveReplies).toBeGreaterThan(0);
    expect(report.positiveReplies).toBeLessThanOrEqual(report.replies);
    expect(report.positiveReplies).toBeLessThan(report.replies);
    for (const t of report.byTouch) {
      expect(t.positiveReplies).toBeLessThanOrEqual(t.replies);
      expect(t.positiveReplyRate).toBe(t.sent > 0 ? t.positiveReplies / t.sent : null);
    }
    const text = formatSummary(mixed, 10);
    expect(text).toMatch(/touch\s+sent\s+replies\s+response\s+positive\s+positive rate/);
    expect(text).toMatch(/not-now\s+25\.0%\s+\d+\s+not-now \d+/);
    expect(text).toMatch(/Leads moved to: .*snoozed \d+/);
    expect(text).toMatch(/Meetings per 100 enrolled\s+\d+\.\d/);
  });

  it(
    'gives the same result for the same seed, on one thread or two',
    async () => {
      const again = await simulate({ ...MIXED, workers: 2 });
      expect(JSON.stringify(again)).toBe(JSON.stringify(mixed));
    },
    RUN_TIMEOUT,
  );

  it('takes the flag as typed, and refuses a mix that does not add up in one line', () => {
    expect(
      parseSimulateOptions({ cadence: 'web-inquiry', leads: '10', replyMix: 'interested=0.75,no=0.25' })
        .replyMix,
    ).toEqual({ interested: 0.75, no: 0.25 });
    expect(() =>
      parseSimulateOptions({ cadence: 'web-inquiry', leads: '10', replyMix: 'interested=0.75' }),
    ).toThrow(
      /^--reply-mix shares must add up to 1 \(these add up to 0\.75\); e\.g\. --reply-mix interested=/,
    );
  });
});

describe('the options a person typed', () => {
  it.each([
    [{ leads: 0 }, /^--leads must be a positive whole number, e.g. --leads 1000 \(got 0\)$/],
    [{ leads: 1, seed: 2 ** 32 }, /^--seed must be a whole number from 0 to 4294967295/],
    [
      { leads: 1, replyRate: -0.1 },
      /^--reply-rate must be a probability from 0 to 1, e.g. --reply-rate 0.05/,
    ],
    [{ leads: 1, winRate: 1.5 }, /^--win-rate must be a probability from 0 to 1/],
    [{ leads: 1, dealValue: -1 }, /^--deal-value must be a non-negative amount in USD/],
    [{ leads: 1, start: new Date(Number.NaN) }, /^--start must be an ISO 8601 instant/],
  ])('refuses %o with one line saying what to pass', (options, message) => {
    const check = () => checkSimulateOptions({ cadenceId: 'web-inquiry', ...options });
    expect(check).toThrow(UsageError);
    expect(check).toThrow(message);
  });

  it('takes the defaults and values in range', () => {
    expect(() =>
      checkSimulateOptions({
        cadenceId: 'web-inquiry',
        leads: 1,
        seed: 0,
        replyRate: 1,
        winRate: 0,
        dealValue: 0,
      }),
    ).not.toThrow();
  });
});

describe('the report recounted from what leads stored (the oracle of the aggregates)', () => {
  const touch = (at: string) => ({ at, channel: 'email' as const, status: 'sent' });

  it('credits a reply to the last touch before it, and a win to its reply', () => {
    // Prepare: one lead won after its 3rd touch, one replied to its 1st without buying, one never answered.
    const histories: LeadHistory[] = [
      {
        touches: [
          touch('2026-07-06T10:00:00Z'),
          touch('2026-07-08T10:00:00Z'),
          touch('2026-07-10T10:00:00Z'),
        ],
        replies: [{ at: '2026-07-10T13:00:00Z' }],
        wins: [{ at: '2026-07-20T13:00:00Z', value: 900 }],
      },
      { touches: [touch('2026-07-06T11:00:00Z')], replies: [{ at: '2026-07-06T12:00:00Z' }], wins: [] },
      {
        touches: [
          touch('2026-07-06T12:00:00Z'),
          { at: '2026-07-07T12:00:00Z', channel: 'sms', status: 'skipped', reason: 'no-phone' },
          touch('2026-07-08T12:00:00Z'),
        ],
        replies: [],
        wins: [],
      },
    ];
    // Act
    const report = recountReport(histories);
    // Assess
    expect(report.byTouch).toEqual([
      { touch: 1, sent: 3, replies: 1, responseRate: 1 / 3 },
      { touch: 2, sent: 2, replies: 0, responseRate: 0 },
      { touch: 3, sent: 1, replies: 1, responseRate: 1 },
    ]);
    expect(report).toMatchObject({ replies: 2, won: 1, avgTouchesToClose: 3, revenueRecovered: 900 });
    expect(report.conversionRate).toBe(1 / 2);
  });
});

describe('the week and the bill', () => {
  it('starts by default on the next Monday at 09:00 UTC', () => {
    expect(nextMonday(new Date('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-06T09:00:00.000Z');
    expect(nextMonday(new Date('2026-07-06T08:59:00Z')).toISOString()).toBe('2026-07-06T09:00:00.000Z');
    expect(nextMonday(new Date('2026-07-06T09:00:00Z')).toISOString()).toBe('2026-07-13T09:00:00.000Z');
  });

  it('rounds the bill to millionths of a dollar', () => {
    const { total, breakdown } = costOf({
      transitions: 1000,
      lambdaInvocations: 1_000_000,
      dynamodb: { reads: 0, writes: 0 },
      emails: 1000,
      texts: 1,
    });
    expect(breakdown.stepFunctions).toBe(0.025);
    expect(breakdown.lambdaRequests).toBe(0.2);
    expect(breakdown.sesEmails).toBe(0.1);
    expect(total).toBeCloseTo(0.025 + 0.2 + 1_000_000 * 0.05 * 0.0000133334 + 0.1 + 0.00883, 6);
  });
});

describe('followup simulate (the command)', () => {
  const followup = (...args: string[]) => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/followup.js'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it(
    'prints the contract JSON on stdout and nothing else',
    () => {
      // Act
      const { code, stdout, stderr } = followup(
        'simulate',
        '--cadence',
        'abandoned-cart',
        '--leads',
        '20',
        '--seed',
        '3',
        '--json',
      );
      // Assess
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout) as SimulationResult;
      for (const key of [
        'leads',
        'touches',
        'byChannel',
        'transitions',
        'lambdaInvocations',
        'dynamodb',
        'costUsd',
        'report',
      ]) {
        expect(result).toHaveProperty(key);
      }
      expect(result.leads).toBe(20);
      expect(result.seed).toBe(3);
      expect(result.touches).toBeGreaterThanOrEqual(20);
      expect(result.byChannel.email).toBe(result.touches);
      expect(result.dynamodb.reads).toBeGreaterThan(0);
      expect(result.report.byTouch[0]?.sent).toBe(20);
      expect(stderr).not.toMatch(/simulating/);
    },
    RUN_TIMEOUT,
  );

  it('answers bad arguments with one line on stderr and exit status 1', () => {
    for (const args of [
      ['--cadence', 'no-such-cadence', '--leads', '10'],
      ['--cadence', 'web-inquiry', '--leads', '2.5'],
      ['--cadence', 'web-inquiry', '--leads', '10', '--reply-rate', '-1'],
      ['--cadence', 'web-inquiry', '--leads', '10', '--store', 'sqlite'],
    ]) {
      const { code, stdout, stderr } = followup('simulate', ...args);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^followup: (unknown cadence|--leads|--reply-rate|--store)/);
    }
  });
});
