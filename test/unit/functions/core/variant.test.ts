import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import { cadenceJsonSchema } from '../../../../functions/core/cadence-json-schema.ts';
import type { Cadence, StepVariant } from '../../../../functions/core/cadence-schema.ts';
import {
  idFraction,
  isHeldOut,
  pickVariant,
  stepChoice,
  stepTemplates,
} from '../../../../functions/core/variant.ts';

/* Step variants and the holdout: which lead gets what, fixed by its id (docs/architecture.md §2.1). */

const AB: StepVariant[] = [
  { id: 'a', template: 'proposal-sent', weight: 1 },
  { id: 'b', template: 'proposal-received', weight: 1 },
];
const leads = Array.from({ length: 4000 }, (_, i) => `ld_${i.toString(16).padStart(24, '0')}`);

function parsed(raw: unknown): Cadence {
  const result = parseCadence(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

const VARIANT_CADENCE = {
  id: 'proposal-ab',
  name: 'Proposal A/B',
  holdout: 0.2,
  steps: [{ id: 'proposal', day: 1, channel: 'email', variants: AB }],
};

describe('pickVariant', () => {
  it('gives a lead the same variant every time, and splits leads in proportion to the weights', () => {
    // Act
    const picks = leads.map((id) => pickVariant(AB, id, 'proposal-ab', 'proposal')?.id);
    const again = leads.map((id) => pickVariant(AB, id, 'proposal-ab', 'proposal')?.id);
    const skewed = leads.map(
      (id) =>
        pickVariant(
          [{ ...AB[0], weight: 3 } as StepVariant, AB[1] as StepVariant],
          id,
          'proposal-ab',
          'proposal',
        )?.id,
    );
    // Assess
    expect(again).toEqual(picks);
    const shareB = picks.filter((v) => v === 'b').length / leads.length;
    expect(Math.abs(shareB - 0.5)).toBeLessThan(0.03);
    const shareA = skewed.filter((v) => v === 'a').length / leads.length;
    expect(Math.abs(shareA - 0.75)).toBeLessThan(0.03);
  });

  it('draws each step on its own: a lead’s variant of one step says nothing of its variant of another', () => {
    // Act
    const same = leads.filter(
      (id) => pickVariant(AB, id, 'c', 'one')?.id === pickVariant(AB, id, 'c', 'two')?.id,
    ).length;
    // Assess
    expect(Math.abs(same / leads.length - 0.5)).toBeLessThan(0.03);
  });

  it('never picks a variant of weight 0 while another has weight', () => {
    // Act
    const picks = new Set(
      leads.map(
        (id) => pickVariant([{ ...AB[0], weight: 0 } as StepVariant, AB[1] as StepVariant], id, 'c', 's')?.id,
      ),
    );
    // Assess
    expect([...picks]).toEqual(['b']);
  });
});

describe('isHeldOut', () => {
  it('holds out the cadence’s share of leads, the same ones every time, and none without a holdout', () => {
    // Act
    const held = leads.filter((id) => isHeldOut({ id: 'proposal-ab', holdout: 0.2 }, id));
    // Assess
    expect(Math.abs(held.length / leads.length - 0.2)).toBeLessThan(0.03);
    expect(leads.filter((id) => isHeldOut({ id: 'proposal-ab', holdout: 0.2 }, id))).toEqual(held);
    expect(leads.some((id) => isHeldOut({ id: 'proposal-ab' }, id))).toBe(false);
  });

  it('is independent of the lead’s variant draw', () => {
    // Assess: the holdout and the variant hash different inputs.
    expect(idFraction('ld_1', 'c', 'holdout')).not.toBe(idFraction('ld_1', 'c', 'proposal'));
  });
});

describe('a cadence with variants', () => {
  it('parses, pins its first variant as the step’s template and lists every template', () => {
    // Act
    const cadence = parsed(VARIANT_CADENCE);
    const step = cadence.steps[0];
    // Assess
    expect(step?.template).toBe('proposal-sent');
    expect(step && stepTemplates(step)).toEqual(['proposal-sent', 'proposal-received']);
    expect(step && stepChoice(step, 'ld_x', cadence.id).variant).toMatch(/^[ab]$/);
  });

  it('leaves a step without variants exactly as written', () => {
    // Prepare
    const raw = {
      id: 'plain',
      name: 'Plain',
      steps: [{ id: 's', day: 1, channel: 'email', template: 'hello' }],
    };
    // Act
    const cadence = parsed(raw);
    // Assess
    expect(cadence.steps).toEqual(raw.steps);
    expect(stepChoice(cadence.steps[0] as Cadence['steps'][number], 'ld_x', 'plain')).toEqual({
      template: 'hello',
    });
  });

  it('refuses a step with neither template nor variants, with both, or with a variant id twice', () => {
    // Act
    const neither = parseCadence({ ...VARIANT_CADENCE, steps: [{ id: 's', day: 1, channel: 'email' }] });
    const both = parseCadence({
      ...VARIANT_CADENCE,
      steps: [{ id: 's', day: 1, channel: 'email', template: 'x', variants: AB }],
    });
    const twice = parseCadence({
      ...VARIANT_CADENCE,
      steps: [{ id: 's', day: 1, channel: 'email', variants: [AB[0], AB[0]] }],
    });
    // Assess
    expect(neither.ok ? [] : neither.issues.map((i) => i.path)).toEqual(['steps[0].template']);
    expect(both.ok ? '' : both.issues[0]?.message).toMatch(/both "template" and "variants"/);
    expect(twice.ok ? '' : twice.issues[0]?.message).toMatch(/same variant id twice/);
  });

  it('refuses a holdout of 1 or more, a negative weight and an unknown decideOn', () => {
    // Act
    const result = parseCadence({
      ...VARIANT_CADENCE,
      holdout: 1,
      decideOn: 'opens',
      steps: [{ id: 's', day: 1, channel: 'email', variants: [{ id: 'a', template: 'x', weight: -1 }] }],
    });
    // Assess
    expect(result.ok ? [] : result.issues.map((i) => i.path).sort()).toEqual([
      'decideOn',
      'holdout',
      'steps[0].variants[0].weight',
    ]);
  });

  it('is described in the JSON Schema, field by field', () => {
    // Act
    const schema = cadenceJsonSchema() as {
      properties: Record<string, { description?: string }>;
      $defs?: unknown;
    };
    const steps = (schema.properties.steps as unknown as { items: Record<string, unknown> }).items;
    const stepProperties = steps.properties as Record<
      string,
      { description?: string; items?: { properties: Record<string, { description?: string }> } }
    >;
    // Assess
    for (const field of ['holdout', 'decideOn', 'autoPromote'])
      expect(schema.properties[field]?.description).toBeTruthy();
    expect(stepProperties.variants?.description).toBeTruthy();
    expect(stepProperties.variants?.items?.properties.weight?.description).toBeTruthy();
    expect(steps.allOf).toEqual([{ oneOf: [{ required: ['template'] }, { required: ['variants'] }] }]);
  });
});
