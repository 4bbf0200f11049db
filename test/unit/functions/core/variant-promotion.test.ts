import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AggregateRow } from '../../../../functions/core/report.ts';
import { stepChoice } from '../../../../functions/core/variant.ts';
import {
  decidePromotion,
  PROMOTE_MIN_SENT,
  promotableSteps,
} from '../../../../functions/core/variant-promotion.ts';
import { cadence, EVERY_DAY } from '../../../support/handler-fixtures.ts';

/* autoPromote's decision: the report's winner test, with a minimum sample, among the variants the file has now. */

const AB = cadence({
  id: 'ab',
  sendWindow: EVERY_DAY,
  decideOn: 'meetings',
  autoPromote: true,
  steps: [
    { id: 'intro', wait: '0 minutes', channel: 'email', template: 'hello' },
    {
      id: 'offer',
      wait: '1 day',
      channel: 'email',
      variants: [
        { id: 'a', template: 'hello', weight: 1 },
        { id: 'b', template: 'first-call', weight: 1 },
      ],
    },
  ],
});
const OFFER = AB.steps[1] as (typeof AB.steps)[number];

const variantRow = (
  variant: string,
  counts: AggregateRow['counts'],
  month = '2026-03',
  cadenceId = 'ab',
): AggregateRow => ({ cadenceId, month, slot: 'variant', owner: `offer/${variant}`, counts });

describe('promotableSteps', () => {
  it('lists the steps with variants of a cadence with autoPromote, and none without it', () => {
    expect(promotableSteps(AB).map((s) => s.id)).toEqual(['offer']);
    expect(promotableSteps({ ...AB, autoPromote: false })).toEqual([]);
    expect(promotableSteps({ ...AB, autoPromote: undefined })).toEqual([]);
  });
});

describe('decidePromotion', () => {
  it('promotes the variant best on the cadence’s decideOn with probability ≥ 0.95, summing the months', () => {
    // Prepare: b books more meetings; a has more positive replies, which this cadence does not decide on.
    const rows = [
      variantRow('a', { sent: 150, positiveReplies: 30, meetings: 3 }),
      variantRow('a', { sent: 150, positiveReplies: 30, meetings: 3 }, '2026-04'),
      variantRow('b', { sent: 300, positiveReplies: 10, meetings: 24 }),
    ];
    // Act
    const decision = decidePromotion(AB, OFFER, rows);
    // Assess
    expect(decision).toMatchObject({
      cadenceId: 'ab',
      stepId: 'offer',
      variants: 'a+b',
      variant: 'b',
      decideOn: 'meetings',
      sent: { a: 300, b: 300 },
    });
    expect(decision?.probabilityBest).toBeGreaterThanOrEqual(0.95);
  });

  it('waits until every variant was sent the minimum, however lopsided the early counts', () => {
    // Prepare: 9 meetings of 60 against none of 60 is P(best) ≈ 1, and still a fluke's sample.
    const early = [variantRow('a', { sent: 60, meetings: 0 }), variantRow('b', { sent: 60, meetings: 9 })];
    const oneShort = [
      variantRow('a', { sent: PROMOTE_MIN_SENT - 1, meetings: 0 }),
      variantRow('b', { sent: 900, meetings: 90 }),
    ];
    // Act / Assess
    expect(decidePromotion(AB, OFFER, early)).toBeUndefined();
    expect(decidePromotion(AB, OFFER, oneShort)).toBeUndefined();
    expect(decidePromotion(AB, OFFER, early, 50)?.variant).toBe('b');
  });

  it('promotes nothing while no variant is best with probability 0.95', () => {
    const close = [
      variantRow('a', { sent: 400, meetings: 20 }),
      variantRow('b', { sent: 400, meetings: 24 }),
    ];
    expect(decidePromotion(AB, OFFER, close)).toBeUndefined();
  });

  it('judges only the variants the file has now: a dropped variant’s counters neither compete nor win', () => {
    // Prepare: c was in the file once and beat both; the file now has a and b, which are level.
    const rows = [
      variantRow('a', { sent: 400, meetings: 20 }),
      variantRow('b', { sent: 400, meetings: 21 }),
      variantRow('c', { sent: 400, meetings: 80 }),
    ];
    // Act / Assess
    expect(decidePromotion(AB, OFFER, rows)).toBeUndefined();
  });

  it('needs counters for every variant, and reads only its own cadence and step', () => {
    const onlyB = [variantRow('b', { sent: 900, meetings: 90 })];
    const otherCadence = [
      variantRow('a', { sent: 400, meetings: 0 }, '2026-03', 'other'),
      variantRow('b', { sent: 400, meetings: 40 }, '2026-03', 'other'),
    ];
    expect(decidePromotion(AB, OFFER, onlyB)).toBeUndefined();
    expect(decidePromotion(AB, OFFER, otherCadence)).toBeUndefined();
  });
});

describe('stepChoice with a promotion', () => {
  const leads = Array.from({ length: 40 }, (_, i) => `ld_${i}`);

  it('sends the promoted variant to every lead', () => {
    const choices = leads.map((leadId) => stepChoice(OFFER, leadId, 'ab', 'b'));
    expect(new Set(choices.map((c) => `${c.variant}:${c.template}`))).toEqual(new Set(['b:first-call']));
  });

  it('ignores a promotion the step no longer has, and gives the weighted pick as before', () => {
    const before = leads.map((leadId) => stepChoice(OFFER, leadId, 'ab'));
    const ignored = leads.map((leadId) => stepChoice(OFFER, leadId, 'ab', 'c'));
    expect(ignored).toEqual(before);
    expect(new Set(before.map((c) => c.variant))).toEqual(new Set(['a', 'b']));
  });
});

describe('what the schema tells an editor', () => {
  it('gives the minimum sample the job really uses', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../../cadences/cadence.schema.json', import.meta.url), 'utf8'),
    );
    expect(schema.properties.autoPromote.description).toContain(`sent ${PROMOTE_MIN_SENT} times`);
  });
});
