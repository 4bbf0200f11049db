import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { isHeldOut, pickVariant } from '../../../../functions/core/variant.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import { CachedPromotions } from '../../../../functions/domain/promotion-cache.ts';
import type { Promotion } from '../../../../functions/domain/promotion-ports.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { MemoryPromotionStore } from '../../../../local/memory/promotion-store.ts';
import { cadence, EVERY_DAY } from '../../../support/handler-fixtures.ts';
import { type Engine, engineWith, enroll } from '../../../support/metrics-world.ts';

/*
 * A touch of a step whose winner autoPromote recorded sends the winner to every lead; a held-out lead stays held out,
 * a touch claimed before keeps what it claimed, and a record the file no longer matches is ignored.
 */

const ab = (autoPromote: boolean): Cadence =>
  cadence({
    id: 'ab',
    timezone: 'America/Chicago',
    sendWindow: EVERY_DAY,
    minGap: '0 minutes',
    holdout: 0.3,
    autoPromote,
    steps: [
      {
        id: 'first',
        wait: '0 minutes',
        channel: 'email',
        variants: [
          { id: 'a', template: 'hello', weight: 1 },
          { id: 'b', template: 'first-call', weight: 1 },
        ],
      },
    ],
  });
const AUTO = ab(true);
const MARCH = new Date('2026-03-04T16:00:00Z');
const emails = Array.from({ length: 60 }, (_, i) => `lead-${i}@example.com`);
const heldOutEmail = emails.find((e) => isHeldOut(AUTO, leadIdFor(e))) as string;
const aEmails = emails.filter(
  (e) =>
    !isHeldOut(AUTO, leadIdFor(e)) &&
    pickVariant(AUTO.steps[0]?.variants ?? [], leadIdFor(e), 'ab', 'first')?.id === 'a',
);
const promotionOf = (variant: string): Promotion => ({
  cadenceId: 'ab',
  stepId: 'first',
  variants: 'a+b',
  variant,
  decideOn: 'positiveReplies',
  probabilityBest: 0.97,
  sent: { a: 300, b: 300 },
  at: '2026-03-01T00:00:00.000Z',
});

let store: MemoryLeadStore;
let aggregates: MemoryAggregates;
let promotions: MemoryPromotionStore;
let reads: number;
let sends: number;
let e: Engine;

function engineFor(c: Cadence): Engine {
  const base = engineWith(store, aggregates);
  const cadences = new StaticCadenceCatalog([c]);
  const counted = {
    promotion: (id: string, step: string, variants: string) => {
      reads++;
      return promotions.promotion(id, step, variants);
    },
  };
  const mailer = {
    send: (...args: Parameters<typeof base.touchDeps.mailer.send>) => {
      sends++;
      return base.touchDeps.mailer.send(...args);
    },
  };
  return {
    ...base,
    touchDeps: { ...base.touchDeps, mailer, cadences, promotions: new CachedPromotions(counted) },
    signalDeps: { ...base.signalDeps, cadences },
  };
}

beforeEach(() => {
  store = new MemoryLeadStore();
  aggregates = new MemoryAggregates();
  promotions = new MemoryPromotionStore();
  reads = 0;
  sends = 0;
  e = engineFor(AUTO);
});

async function touchOf(email: string) {
  const lead = await enroll(e, { email, name: 'Jordan' }, 'ab', MARCH);
  const event: TouchEvent = {
    ...lead,
    cadenceId: 'ab',
    stepIndex: 0,
    stepId: 'first',
    channel: 'email',
    // What the compiled definition pins for a variant step: its first variant's template.
    template: 'hello',
    scheduledAt: MARCH.toISOString(),
  };
  return { lead, touch: () => performTouch(e.touchDeps, event, MARCH) };
}

describe('a touch of a step with a promoted variant', () => {
  it('sends the promoted variant to a lead whose own pick was another, and counts it there', async () => {
    // Prepare
    await promotions.record(promotionOf('b'));
    const leads = await Promise.all(aEmails.slice(0, 3).map(touchOf));
    // Act
    const results = [];
    for (const { touch } of leads) results.push(await touch());
    // Assess
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    for (const { lead } of leads) {
      expect(await store.getTouch({ ...lead, stepIndex: 0 })).toMatchObject({
        template: 'first-call',
        variant: 'b',
      });
    }
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toEqual({ sent: 3 });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toBeUndefined();
    // One read for the step, however many touches: the instance's cache.
    expect(reads).toBe(1);
  });

  it('leaves a held-out lead held out', async () => {
    // Prepare
    await promotions.record(promotionOf('b'));
    const { touch } = await touchOf(heldOutEmail);
    // Act / Assess
    expect(await touch()).toEqual({ status: 'skipped', reason: 'holdout' });
    expect(sends).toBe(0);
  });

  it('keeps what a touch claimed before the promotion: its retry sends nothing and it stays a', async () => {
    // Prepare
    const { lead, touch } = await touchOf(aEmails[0] as string);
    expect(await touch()).toEqual({ status: 'sent' });
    await promotions.record(promotionOf('b'));
    e = engineFor(AUTO);
    // Act
    const retry = await touch();
    // Assess
    expect(retry.status).toBe('duplicate');
    expect(sends).toBe(1);
    expect(await store.getTouch({ ...lead, stepIndex: 0 })).toMatchObject({
      template: 'hello',
      variant: 'a',
    });
  });

  it('ignores a promotion of a variant the file no longer has', async () => {
    // Prepare
    await promotions.record(promotionOf('c'));
    const { lead, touch } = await touchOf(aEmails[0] as string);
    // Act
    await touch();
    // Assess
    expect(await store.getTouch({ ...lead, stepIndex: 0 })).toMatchObject({
      template: 'hello',
      variant: 'a',
    });
  });

  it('starts over when the step’s variants changed: the old test’s promotion no longer applies', async () => {
    // Prepare: b won the a+b test; the file now tests a, b and c.
    const edited = ab(true);
    const step = edited.steps[0];
    if (!step?.variants) throw new Error('a step with variants');
    const abc: Cadence = {
      ...edited,
      steps: [{ ...step, variants: [...step.variants, { id: 'c', template: 'hello', weight: 1 }] }],
    };
    e = engineFor(abc);
    await promotions.record(promotionOf('b'));
    const own = aEmails.find(
      (email) => pickVariant(abc.steps[0]?.variants ?? [], leadIdFor(email), 'ab', 'first')?.id !== 'b',
    ) as string;
    const { lead, touch } = await touchOf(own);
    // Act
    await touch();
    // Assess
    const expected = pickVariant(abc.steps[0]?.variants ?? [], leadIdFor(own), 'ab', 'first')?.id;
    expect((await store.getTouch({ ...lead, stepIndex: 0 }))?.variant).toBe(expected);
  });

  it('ignores the record, without reading it, in a cadence without autoPromote', async () => {
    // Prepare
    e = engineFor(ab(false));
    await promotions.record(promotionOf('b'));
    const { lead, touch } = await touchOf(aEmails[0] as string);
    // Act
    await touch();
    // Assess
    expect(await store.getTouch({ ...lead, stepIndex: 0 })).toMatchObject({ variant: 'a' });
    expect(reads).toBe(0);
  });
});
