import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../../../functions/adapters/cadence-files.ts';
import { cartCadenceIds } from '../../../../functions/adapters/cart-cadences.ts';
import { ConfigInvalid, parseConfig } from '../../../../functions/core/config.ts';
import { configJsonSchemaText } from '../../../../functions/core/config-json-schema.ts';

/* A form cadence is one a signup can start: a cadence whose templates need a cart cannot be one. */

const ROOT = new URL('../../../../', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const ids = new Set(cadences.map((c) => c.id));
const shipped = JSON.parse(readFileSync(`${ROOT}followup.config.json`, 'utf8'));
const facts = { cartCadences: cartCadenceIds(cadences, `${ROOT}templates`) };

describe('formCadences', () => {
  it('knows abandoned-cart as the shipped cadence that needs a cart, and only it', () => {
    // Act
    const cart = cartCadenceIds(cadences, `${ROOT}templates`);

    // Assess
    expect([...cart]).toEqual(['abandoned-cart']);
  });

  it('ships a configuration whose form cadences a form can start', () => {
    // Act
    const config = parseConfig(shipped, 'followup.config.json', ids, facts);

    // Assess
    expect(config.formCadences).not.toContain('abandoned-cart');
    expect(config.formCadences).toContain(config.defaultCadence);
  });

  it('refuses a form cadence that needs a cart, naming it and the fix', () => {
    // Prepare
    const raw = { ...shipped, formCadences: ['web-inquiry', 'abandoned-cart'] };

    // Act
    const parse = () => parseConfig(raw, 'followup.config.json', ids, facts);

    // Assess
    expect(parse).toThrow(ConfigInvalid);
    expect(parse).toThrow(
      'formCadences: "abandoned-cart" needs a cart (its templates use cart.*) and a form has none; shop events start it: remove it from formCadences',
    );
  });
});

describe('followup.config.schema.json', () => {
  it('is the schema generated from the zod definition (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(
      new URL('../../../../followup.config.schema.json', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(configJsonSchemaText());
  });

  it('is what the shipped config names, and describes the reps and the sending governor for editors', () => {
    const schema = JSON.parse(configJsonSchemaText());
    expect(shipped.$schema).toBe('./followup.config.schema.json');
    expect(schema.properties.owners.description).toContain('round-robin');
    expect(schema.properties.owners.items.properties.hours.description).toBeDefined();
    // `sending` is false or the block; the block is the branch with properties.
    const sending = schema.properties.sending.anyOf.find(
      (branch: { properties?: unknown }) => branch.properties,
    );
    expect(sending.properties.ramp.description).toContain('new domain');
    expect(sending.properties.pause.properties.bounceRate.description).toBeDefined();
    expect(schema.additionalProperties).toBe(false);
  });
});
