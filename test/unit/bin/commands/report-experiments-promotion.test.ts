import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  autoPromoteCadencesIn,
  experimentLines,
  readPromotions,
} from '../../../../bin/commands/report-experiments.ts';
import { DynamoPromotionStore } from '../../../../functions/adapters/dynamo/promotion-store.ts';
import { buildReport } from '../../../../functions/core/report.ts';
import type { Promotion } from '../../../../functions/domain/promotion-ports.ts';
import { dynaliteTables } from '../../../support/dynalite-tables.ts';

/* The report says when autoPromote switched a step, and to what, instead of "nothing switches by itself". */

const dynamo = dynaliteTables();
const variantRow = (step: string, variant: string, sent: number, positiveReplies: number) => ({
  cadenceId: 'ab',
  month: '2026-03',
  slot: 'variant' as const,
  owner: `${step}/${variant}`,
  counts: { sent, positiveReplies },
});
const REPORT = buildReport(
  [
    variantRow('first', 'a', 1600, 80),
    variantRow('first', 'b', 1600, 144),
    variantRow('second', 'a', 900, 40),
    variantRow('second', 'b', 900, 41),
  ],
  { experiments: () => ({ autoPromote: true }) },
);
const promotion = (stepId: string, variant: string): Promotion => ({
  cadenceId: 'ab',
  stepId,
  variants: 'a+b',
  variant,
  decideOn: 'positiveReplies',
  probabilityBest: 0.9712,
  sent: { a: 1210, b: 1190 },
  at: '2026-03-20T14:05:00.000Z',
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('experimentLines with promotions', () => {
  it('says when the winner was promoted, on what odds, and that every touch sends it since', () => {
    const text = experimentLines(REPORT, [promotion('first', 'b')]).join('\n');
    expect(text).toContain(
      'autoPromote: b promoted automatically on 2026-03-20, P(best) 97.1% on positiveReplies (sent: a 1,210, b 1,190); every touch of the step sends it since.',
    );
    expect(text).not.toContain('switches the step to it by itself');
  });

  it('lists a promotion whose step is no longer a clear winner: it stands however the odds moved', () => {
    const text = experimentLines(REPORT, [promotion('second', 'a')]).join('\n');
    expect(text).toContain('Promoted automatically (autoPromote):');
    expect(text).toContain('  ab · second: a promoted automatically on 2026-03-20');
    expect(text).toContain(
      'autoPromote is on: the engine switches the step to it by itself once every variant was sent 200 times.',
    );
  });
});

describe('readPromotions and autoPromoteCadencesIn', () => {
  it('read the promotions in force for the project’s autoPromote cadences from the table', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'followup-report-promotions-'));
    dir = root;
    mkdirSync(join(root, 'cadences'));
    const steps = (variants: boolean) => [
      variants
        ? {
            id: 'first',
            day: 1,
            channel: 'email',
            variants: [
              { id: 'a', template: 'proposal-sent', weight: 1 },
              { id: 'b', template: 'proposal-received', weight: 1 },
            ],
          }
        : { id: 'first', day: 1, channel: 'email', template: 'proposal-sent' },
    ];
    for (const [id, autoPromote, variants] of [
      ['ab', true, true],
      ['manual', false, true],
      ['plain', true, false],
    ] as const)
      writeFileSync(
        join(root, 'cadences', `${id}.json`),
        JSON.stringify({ id, name: id, autoPromote, steps: steps(variants) }),
      );
    const table = await dynamo.table('followup-report-promotions');
    const store = new DynamoPromotionStore(table);
    await store.record(promotion('first', 'b'));
    // A test the step ran before its variants changed: on record, no longer in force.
    await store.record({ ...promotion('first', 'a'), variants: 'a+b+c' });
    // Act
    const cadences = autoPromoteCadencesIn(root);
    const read = await readPromotions(store, cadences);
    // Assess
    expect(cadences.map((c) => c.id)).toEqual(['ab']);
    expect(read).toEqual([promotion('first', 'b')]);
  });
});
