import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { type AutoPromoteDeps, promoteWinners } from '../../../../functions/domain/auto-promote.ts';
import { CachedPromotions, PROMOTION_CACHE_MS } from '../../../../functions/domain/promotion-cache.ts';
import type { Promotion } from '../../../../functions/domain/promotion-ports.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryPromotionStore } from '../../../../local/memory/promotion-store.ts';
import { cadence, EVERY_DAY } from '../../../support/handler-fixtures.ts';

/* The job behind autoPromote: a winner is recorded once, a second run or a change of the odds changes nothing. */

const withVariants = (id: string, autoPromote: boolean): Cadence =>
  cadence({
    id,
    sendWindow: EVERY_DAY,
    autoPromote,
    steps: [
      {
        id: 'offer',
        wait: '0 minutes',
        channel: 'email',
        variants: [
          { id: 'a', template: 'hello', weight: 1 },
          { id: 'b', template: 'first-call', weight: 1 },
        ],
      },
    ],
  });
const AUTO = withVariants('auto', true);
const MANUAL = withVariants('manual', false);
const NOW = new Date('2026-05-04T10:00:00Z');
const LATER = new Date('2026-05-11T10:00:00Z');

let aggregates: MemoryAggregates;
let promotions: MemoryPromotionStore;
let lines: { message: string; fields?: Readonly<Record<string, unknown>> }[];
let deps: AutoPromoteDeps;

beforeEach(() => {
  aggregates = new MemoryAggregates();
  promotions = new MemoryPromotionStore();
  lines = [];
  const log = (message: string, fields?: Readonly<Record<string, unknown>>) =>
    lines.push({ message, fields });
  deps = {
    cadences: new StaticCadenceCatalog([AUTO, MANUAL]),
    aggregates,
    promotions,
    logger: { info: log, warn: log, error: log },
  };
});

const counts = (cadenceId: string, variant: string, sent: number, positiveReplies: number) =>
  aggregates.add(
    { cadenceId, month: '2026-04', slot: 'variant', owner: `offer/${variant}` },
    { sent, positiveReplies },
  );

describe('promoteWinners', () => {
  it('records the winner once with its odds, and logs it without a lead in sight', async () => {
    // Prepare: b answers positively three times as often, for both cadences.
    for (const id of ['auto', 'manual']) {
      await counts(id, 'a', 400, 12);
      await counts(id, 'b', 400, 40);
    }
    // Act
    const result = await promoteWinners(deps, NOW);
    // Assess
    expect(result).toEqual({ open: 0, promoted: [{ cadenceId: 'auto', stepId: 'offer', variant: 'b' }] });
    const record = await promotions.promotion('auto', 'offer', 'a+b');
    expect(record).toMatchObject({
      variant: 'b',
      decideOn: 'positiveReplies',
      at: NOW.toISOString(),
      sent: { a: 400, b: 400 },
    });
    expect(record?.probabilityBest).toBeGreaterThanOrEqual(0.95);
    expect(await promotions.promotion('manual', 'offer', 'a+b')).toBeUndefined();
    expect(lines).toEqual([
      {
        message: 'variant-promoted',
        fields: expect.objectContaining({ cadence: 'auto', step: 'offer', variant: 'b' }),
      },
    ]);
  });

  it('never flips: once b is promoted, a run after a turns best records nothing', async () => {
    // Prepare
    await counts('auto', 'a', 400, 12);
    await counts('auto', 'b', 400, 40);
    await promoteWinners(deps, NOW);
    await counts('auto', 'a', 4000, 900);
    // Act
    const again = await promoteWinners(deps, LATER);
    // Assess
    expect(again).toEqual({ open: 0, promoted: [] });
    expect(await promotions.promotion('auto', 'offer', 'a+b')).toMatchObject({
      variant: 'b',
      at: NOW.toISOString(),
    });
    expect(lines.filter((l) => l.message === 'variant-promoted')).toHaveLength(1);
  });

  it('decides a new test when the step’s variants change, and leaves the old test’s record as it was', async () => {
    // Prepare: b won the a+b test; then c joined the step.
    await counts('auto', 'a', 400, 12);
    await counts('auto', 'b', 400, 40);
    await promoteWinners(deps, NOW);
    const step = AUTO.steps[0];
    if (!step?.variants) throw new Error('a step with variants');
    const abc: Cadence = {
      ...AUTO,
      steps: [{ ...step, variants: [...step.variants, { id: 'c', template: 'hello', weight: 1 }] }],
    };
    await counts('auto', 'c', 400, 90);
    // Act
    const result = await promoteWinners({ ...deps, cadences: new StaticCadenceCatalog([abc]) }, LATER);
    // Assess
    expect(result.promoted).toEqual([{ cadenceId: 'auto', stepId: 'offer', variant: 'c' }]);
    expect((await promotions.promotion('auto', 'offer', 'a+b+c'))?.variant).toBe('c');
    expect((await promotions.promotion('auto', 'offer', 'a+b'))?.variant).toBe('b');
  });

  it('keeps the record a concurrent run wrote first', async () => {
    // Prepare: another run records a between this run's read and its write.
    await counts('auto', 'a', 400, 12);
    await counts('auto', 'b', 400, 40);
    const first: Promotion = {
      cadenceId: 'auto',
      stepId: 'offer',
      variants: 'a+b',
      variant: 'a',
      decideOn: 'positiveReplies',
      probabilityBest: 0.96,
      sent: { a: 300, b: 300 },
      at: NOW.toISOString(),
    };
    const racing = {
      promotion: async () => undefined,
      record: async (p: Promotion) => (await promotions.record(first)) && promotions.record(p),
      promotions: (id: string) => promotions.promotions(id),
    };
    // Act
    const result = await promoteWinners({ ...deps, promotions: racing }, NOW);
    // Assess
    expect(result.promoted).toEqual([]);
    expect((await promotions.promotion('auto', 'offer', 'a+b'))?.variant).toBe('a');
  });

  it('leaves a step open below the minimum sample and reads no counters when nothing is open', async () => {
    // Prepare
    await counts('auto', 'a', 120, 0);
    await counts('auto', 'b', 120, 30);
    // Act
    const early = await promoteWinners(deps, NOW);
    // Assess
    expect(early).toEqual({ open: 1, promoted: [] });
    const reads: unknown[] = [];
    const none = await promoteWinners(
      {
        ...deps,
        cadences: new StaticCadenceCatalog([MANUAL]),
        aggregates: {
          read: async (q) => {
            reads.push(q);
            return [];
          },
        },
      },
      NOW,
    );
    expect(none).toEqual({ open: 0, promoted: [] });
    expect(reads).toEqual([]);
  });
});

describe('CachedPromotions', () => {
  it('reads a step once per window, the answer "none" included, and again after it', async () => {
    // Prepare
    let reads = 0;
    const store = new MemoryPromotionStore();
    const counted = {
      promotion: (c: string, s: string, v: string) => {
        reads++;
        return store.promotion(c, s, v);
      },
    };
    const cache = new CachedPromotions(counted);
    // Act
    const before = await cache.promoted('auto', 'offer', 'a+b', NOW);
    await store.record({
      cadenceId: 'auto',
      stepId: 'offer',
      variants: 'a+b',
      variant: 'b',
      decideOn: 'positiveReplies',
      probabilityBest: 0.97,
      sent: { a: 300, b: 300 },
      at: NOW.toISOString(),
    });
    const within = await cache.promoted(
      'auto',
      'offer',
      'a+b',
      new Date(NOW.getTime() + PROMOTION_CACHE_MS - 1),
    );
    const after = await cache.promoted('auto', 'offer', 'a+b', new Date(NOW.getTime() + PROMOTION_CACHE_MS));
    // Assess
    expect([before, within, after?.variant]).toEqual([undefined, undefined, 'b']);
    expect(reads).toBe(2);
  });

  it('keeps no failed read: the next touch asks again', async () => {
    // Prepare
    let calls = 0;
    const cache = new CachedPromotions({
      promotion: async () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
        return undefined;
      },
    });
    // Act / Assess
    await expect(cache.promoted('auto', 'offer', 'a+b', NOW)).rejects.toThrow('Rate exceeded');
    await expect(cache.promoted('auto', 'offer', 'a+b', NOW)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
