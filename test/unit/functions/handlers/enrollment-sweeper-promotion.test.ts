import { describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import type { Executions } from '../../../../functions/domain/ports.ts';
import {
  makeEnrollmentSweeperHandler,
  SweepIncomplete,
} from '../../../../functions/handlers/enrollment-sweeper.ts';
import { MemoryAggregates } from '../../../../local/memory/aggregates.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import { MemoryPromotionStore } from '../../../../local/memory/promotion-store.ts';
import { cadence, EVERY_DAY, silentLogger } from '../../../support/handler-fixtures.ts';

/* The sweep's schedule runs autoPromote's job after the retries and the claims; a failed look fails the sweep. */

const AUTO = cadence({
  id: 'auto',
  sendWindow: EVERY_DAY,
  autoPromote: true,
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
const NOW = new Date('2026-05-04T10:00:00Z');
const executions: Executions = {
  start: async () => ({ alreadyExisted: false }),
  stop: async () => {},
};

function sweeper(aggregates: Pick<MemoryAggregates, 'read'>, promotions = new MemoryPromotionStore()) {
  return makeEnrollmentSweeperHandler({
    store: new MemoryLeadStore(),
    executions,
    cadences: new StaticCadenceCatalog([AUTO]),
    logger: silentLogger,
    clock: () => NOW,
    promotion: { aggregates, promotions },
  });
}

describe('the sweep with autoPromote', () => {
  it('records a clear winner and says so in its result', async () => {
    // Prepare
    const aggregates = new MemoryAggregates();
    for (const [variant, positiveReplies] of [
      ['a', 10],
      ['b', 45],
    ] as const)
      await aggregates.add(
        { cadenceId: 'auto', month: '2026-04', slot: 'variant', owner: `offer/${variant}` },
        { sent: 400, positiveReplies },
      );
    const promotions = new MemoryPromotionStore();
    // Act
    const result = await sweeper(aggregates, promotions)({});
    // Assess
    expect(result).toMatchObject({
      promotion: { open: 0, promoted: [{ cadenceId: 'auto', stepId: 'offer', variant: 'b' }] },
    });
    expect((await promotions.promotion('auto', 'offer', 'a+b'))?.variant).toBe('b');
  });

  it('fails the sweep when the counters cannot be read, so the Errors alarm sees it and the next sweep retries', async () => {
    const throttled = {
      read: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
      },
    };
    await expect(sweeper(throttled)({})).rejects.toBeInstanceOf(SweepIncomplete);
  });
});
