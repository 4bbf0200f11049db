import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { isHeldOut, pickVariant } from '../../../../functions/core/variant.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import { applySignal } from '../../../../functions/domain/signals.ts';
import { performTouch } from '../../../../functions/domain/touch.ts';
import type { TouchEvent } from '../../../../functions/domain/touch-input.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { cadence, EVERY_DAY } from '../../../support/handler-fixtures.ts';
import { type Engine, engineWith, enroll, signalOf } from '../../../support/metrics-world.ts';

/* A touch of a step with variants sends the lead's own variant and records it; a held-out lead is never sent to. */

const AB = cadence({
  id: 'ab',
  timezone: 'America/Chicago',
  sendWindow: EVERY_DAY,
  minGap: '0 minutes',
  holdout: 0.3,
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
const MARCH = new Date('2026-03-04T16:00:00Z');
const APRIL = new Date('2026-04-02T16:00:00Z');
const emails = Array.from({ length: 60 }, (_, i) => `lead-${i}@example.com`);
const heldOutEmail = emails.find((e) => isHeldOut(AB, leadIdFor(e))) as string;
const treated = emails.filter((e) => !isHeldOut(AB, leadIdFor(e)));
const variantOf = (email: string) =>
  pickVariant(AB.steps[0]?.variants ?? [], leadIdFor(email), 'ab', 'first');
const bEmail = treated.find((e) => variantOf(e)?.id === 'b') as string;

let store: MemoryLeadStore;
let aggregates: MemoryAggregates;
let e: Engine;

beforeEach(() => {
  store = new MemoryLeadStore();
  aggregates = new MemoryAggregates();
  const base = engineWith(store, aggregates);
  const cadences = new StaticCadenceCatalog([AB]);
  e = { ...base, touchDeps: { ...base.touchDeps, cadences }, signalDeps: { ...base.signalDeps, cadences } };
});

async function enrolledTouch(email: string) {
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
  return {
    lead,
    result: await performTouch(e.touchDeps, event, MARCH),
    again: () => performTouch(e.touchDeps, event, MARCH),
  };
}

describe('a touch of a step with variants', () => {
  it('sends the lead’s variant, records it on the touch, and counts it once under that variant', async () => {
    // Act
    const { lead, result, again } = await enrolledTouch(bEmail);
    await again();
    // Assess
    expect(result.status).toBe('sent');
    const touch = await store.getTouch({ ...lead, stepIndex: 0 });
    expect(touch).toMatchObject({ template: 'first-call', variant: 'b', status: 'sent' });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toEqual({ sent: 1 });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toBeUndefined();
  });

  it('credits a later reply and a deal to the variant the lead was sent', async () => {
    // Prepare
    const { lead } = await enrolledTouch(bEmail);
    // Act
    await applySignal(e.signalDeps, signalOf(lead.leadId, { type: 'reply', id: 'email:m-1' }, APRIL), APRIL);
    await applySignal(
      e.signalDeps,
      signalOf(
        lead.leadId,
        { type: 'outcome', id: 'rep:won', result: 'won', value: 900, currency: 'USD' },
        APRIL,
      ),
      APRIL,
    );
    // Assess
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toMatchObject({
      sent: 1,
      replies: 1,
      won: 1,
    });
    expect(aggregates.counts('ab', '2026-03', 'holdout')).toEqual({
      treated: 1,
      treatedWon: 1,
      treatedRevenue: 900,
    });
  });
});

describe('a held-out lead', () => {
  it('is never sent to, is counted once as held out, and its conversion counts for the holdout', async () => {
    // Act
    const { lead, result, again } = await enrolledTouch(heldOutEmail);
    await again();
    await applySignal(
      e.signalDeps,
      signalOf(
        lead.leadId,
        { type: 'outcome', id: 'rep:won', result: 'won', value: 500, currency: 'USD' },
        APRIL,
      ),
      APRIL,
    );
    // Assess
    expect(result).toEqual({ status: 'skipped', reason: 'holdout' });
    expect((await store.getLead(lead.leadId))?.touchCount ?? 0).toBe(0);
    expect(aggregates.counts('ab', '2026-03', 'holdout')).toEqual({
      heldOut: 1,
      heldOutWon: 1,
      heldOutRevenue: 500,
    });
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/a')).toBeUndefined();
    expect(aggregates.counts('ab', '2026-03', 'variant', 'first/b')).toBeUndefined();
  });
});
