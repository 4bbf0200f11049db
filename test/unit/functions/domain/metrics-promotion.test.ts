import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { isHeldOut, pickVariant } from '../../../../functions/core/variant.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import type { LeadStore, TouchKey } from '../../../../functions/domain/ports.ts';
import { CachedPromotions } from '../../../../functions/domain/promotion-cache.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { MemoryPromotionStore } from '../../../../local/memory/promotion-store.ts';
import { cadence, EVERY_DAY, recordingLogger } from '../../../support/handler-fixtures.ts';
import { type Engine, engineWith, enroll, signalOf } from '../../../support/metrics-world.ts';

/*
 * After autoPromote switched a step to its winner, an answer is credited to the variant the lead was actually sent
 * (its touch record), not to the weighted pick its id hashes to (docs/architecture.md §2.4, §5.3).
 */

const ab = (autoPromote: boolean): Cadence =>
  cadence({
    id: 'ab',
    timezone: 'America/Chicago',
    sendWindow: EVERY_DAY,
    minGap: '0 minutes',
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
      {
        id: 'second',
        wait: '1 day',
        channel: 'email',
        variants: [
          { id: 'c', template: 'hello', weight: 1 },
          { id: 'd', template: 'first-call', weight: 1 },
        ],
      },
    ],
  });
const AUTO = ab(true);
const MARCH = new Date('2026-03-04T16:00:00Z');
const APRIL = new Date('2026-04-02T16:00:00Z');
const emails = Array.from({ length: 200 }, (_, i) => `lead-${i}@example.com`);
const pick = (email: string, step: number) =>
  pickVariant(AUTO.steps[step]?.variants ?? [], leadIdFor(email), 'ab', AUTO.steps[step]?.id ?? '')?.id;
// A lead whose own picks are a, then d: d's template is the one b sends, so a hash could mistake b's touch for d's.
const aThenD = emails.find(
  (e) => !isHeldOut(AUTO, leadIdFor(e)) && pick(e, 0) === 'a' && pick(e, 1) === 'd',
) as string;

let store: MemoryLeadStore;
let aggregates: MemoryAggregates;
let promotions: MemoryPromotionStore;
let touchReads: number;
let e: Engine;

function engineFor(c: Cadence): Engine {
  const base = engineWith(store, aggregates);
  const cadences = new StaticCadenceCatalog([c]);
  // The signals' store, counting the touch records the measures read.
  const counted: LeadStore = Object.create(store, {
    getTouch: {
      value: (key: TouchKey) => {
        touchReads++;
        return store.getTouch(key);
      },
    },
  });
  return {
    ...base,
    touchDeps: { ...base.touchDeps, cadences, promotions: new CachedPromotions(promotions) },
    signalDeps: { ...base.signalDeps, store: counted, cadences },
  };
}

beforeEach(() => {
  store = new MemoryLeadStore();
  aggregates = new MemoryAggregates();
  promotions = new MemoryPromotionStore();
  touchReads = 0;
  e = engineFor(AUTO);
});

const promote = (stepId: string, variants: string, variant: string) =>
  promotions.record({
    cadenceId: 'ab',
    stepId,
    variants,
    variant,
    decideOn: 'positiveReplies',
    probabilityBest: 0.97,
    sent: {},
    at: '2026-03-01T00:00:00.000Z',
  });

async function touch(lead: { leadId: string; enrollmentId: string }, stepIndex: number, at: Date) {
  const step = AUTO.steps[stepIndex];
  if (!step) throw new Error(`no step ${stepIndex}`);
  const event = {
    ...lead,
    cadenceId: 'ab',
    stepIndex,
    stepId: step.id,
    channel: 'email' as const,
    template: 'hello',
    scheduledAt: at.toISOString(),
  };
  return performTouch(e.touchDeps, event, at);
}

const reply = (leadId: string) =>
  applySignal(e.signalDeps, signalOf(leadId, { type: 'reply', id: 'email:m-1' }, APRIL), APRIL);

describe('an answer after a promotion', () => {
  it('is credited to the promoted variant the lead was sent, not to its own pick', async () => {
    // Prepare
    await promote('first', 'a+b', 'b');
    const lead = await enroll(e, { email: aThenD, name: 'Jordan' }, 'ab', MARCH);
    expect(await touch(lead, 0, MARCH)).toEqual({ status: 'sent' });
    // Act
    await reply(lead.leadId);
    // Assess: b was sent and answered; a was never sent, and the second step not reached.
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toEqual({ sent: 1, replies: 1 });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toBeUndefined();
    expect(aggregates.counts('ab', '2026-03', 'variant', 'second/d')).toBeUndefined();
    // One read of each variant step's touch record of the enrollment: the cost of being exact.
    expect(touchReads).toBe(2);
  });

  it('is credited to what each step sent: one sent before its promotion, one after', async () => {
    // Prepare: the first step went out as the lead's own a; then both steps were promoted, the second to c.
    const lead = await enroll(e, { email: aThenD, name: 'Jordan' }, 'ab', MARCH);
    await touch(lead, 0, MARCH);
    await promote('first', 'a+b', 'b');
    await promote('second', 'c+d', 'c');
    e = engineFor(AUTO);
    await touch(lead, 1, new Date('2026-03-05T16:00:00Z'));
    // Act
    await reply(lead.leadId);
    // Assess
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toEqual({ sent: 1, replies: 1 });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'second/c')).toEqual({ sent: 1, replies: 1 });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toBeUndefined();
    expect(aggregates.counts('ab', '2026-03', 'variant', 'second/d')).toBeUndefined();
  });

  it('is credited once however often it is delivered', async () => {
    // Prepare
    await promote('first', 'a+b', 'b');
    const lead = await enroll(e, { email: aThenD, name: 'Jordan' }, 'ab', MARCH);
    await touch(lead, 0, MARCH);
    // Act
    await reply(lead.leadId);
    await reply(lead.leadId);
    // Assess
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toEqual({ sent: 1, replies: 1 });
  });
});

describe('when a touch record cannot be read', () => {
  it('the signal still applies; the credit is logged as not written, with the lead id only', async () => {
    // Prepare
    await promote('first', 'a+b', 'b');
    const lead = await enroll(e, { email: aThenD, name: 'Jordan' }, 'ab', MARCH);
    await touch(lead, 0, MARCH);
    const logger = recordingLogger();
    const throttled = Object.create(store, {
      getTouch: {
        value: async () => {
          throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
    }) as LeadStore;
    e = { ...e, signalDeps: { ...e.signalDeps, store: throttled, logger } };
    // Act
    const applied = await reply(lead.leadId);
    // Assess
    expect(applied.outcome).toBe('applied');
    expect((await store.getLead(lead.leadId))?.status).toBe('replied');
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toEqual({ sent: 1 });
    const failures = logger.lines.filter((line) => line.includes('metrics-write-failed'));
    expect(failures).toEqual([expect.stringContaining(lead.leadId)]);
    expect(failures[0]).toContain('ProvisionedThroughputExceededException');
    expect(failures[0]).not.toContain(aThenD);
  });
});

describe('an answer in a cadence without autoPromote', () => {
  it('is credited by the lead’s pick, without reading a touch record', async () => {
    // Prepare
    e = engineFor(ab(false));
    const lead = await enroll(e, { email: aThenD, name: 'Jordan' }, 'ab', MARCH);
    await touch(lead, 0, MARCH);
    // Act
    await reply(lead.leadId);
    // Assess
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toEqual({ sent: 1, replies: 1 });
    expect(touchReads).toBe(0);
  });
});
