import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPromotionStore } from '../../../functions/adapters/dynamo/promotion-store.ts';
import { DynamoAggregates } from '../../../functions/adapters/dynamo-aggregates.ts';
import type { Promotion } from '../../../functions/domain/promotion-ports.ts';
import { type DashboardServer, startDashboard } from '../../support/dashboard-server.ts';
import { cadence } from '../../support/handler-fixtures.ts';
import { textOf } from '../../support/html-check.ts';

/*
 * The dashboard's step variants say what autoPromote switched and when (docs/architecture.md §2.4), and GET
 * /api/report carries the records in force beside the report, as `followup report --json` does.
 */

const AB = cadence({
  id: 'ab',
  autoPromote: true,
  decideOn: 'positiveReplies',
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
const promotion = (variants: string, variant: string): Promotion => ({
  cadenceId: 'ab',
  stepId: 'first',
  variants,
  variant,
  decideOn: 'positiveReplies',
  probabilityBest: 0.9712,
  sent: { a: 1210, b: 1190 },
  at: '2026-03-20T14:05:00.000Z',
});

let dashboard: DashboardServer;
let base: string;

beforeAll(async () => {
  dashboard = await startDashboard({
    tableName: 'followup-dashboard-promotion',
    now: '2026-03-25T15:00:00.000Z',
    cadences: [AB],
    defaultCadence: 'ab',
    seed: async ({ client, tableName }) => {
      const table = { client, tableName };
      const aggregates = new DynamoAggregates(table);
      await aggregates.add(
        { cadenceId: 'ab', month: '2026-03', slot: 1 },
        { sent: 2400, sentEmail: 2400, entered: 2400, replies: 170, positiveReplies: 170 },
      );
      for (const [variant, positiveReplies] of [
        ['a', 60],
        ['b', 110],
      ] as const)
        await aggregates.add(
          { cadenceId: 'ab', month: '2026-03', slot: 'variant', owner: `first/${variant}` },
          { sent: 1200, replies: positiveReplies, positiveReplies },
        );
      const promotions = new DynamoPromotionStore(table);
      await promotions.record(promotion('a+b', 'b'));
      // A test the step ran before its variants were last edited: on record, no longer in force.
      await promotions.record(promotion('a+b+c', 'c'));
    },
  });
  base = dashboard.base;
}, 60_000);

afterAll(() => dashboard.stop());

describe('a standing promotion on the dashboard', () => {
  it('is named under the step variants chart, with its date and odds; an old test’s is not', async () => {
    // Act
    const page = await (await fetch(`${base}/`)).text();
    // Assess
    const chart = textOf(
      /<figure class="chart">\s*<h3 id="chart-variants-title">[\s\S]*?<\/figure>/.exec(page)?.[0] ?? '',
    );
    expect(chart).toContain(
      'ab · first: b promoted automatically on 2026-03-20, P(best) 97.1% on positiveReplies (sent: a 1,210, b 1,190); every touch of the step sends it since.',
    );
    expect(chart).not.toContain('c promoted');
  });

  it('is in GET /api/report beside the report', async () => {
    // Act
    const response = await fetch(`${base}/api/report`);
    // Assess
    expect(response.status).toBe(200);
    const body = (await response.json()) as { promotions: Promotion[]; byVariant: unknown[] };
    expect(body.promotions).toEqual([promotion('a+b', 'b')]);
    expect(body.byVariant).toHaveLength(2);
  });
});
