import { describe, expect, it } from 'vitest';
import { importRow } from '../../../../functions/domain/import.ts';
import { emailDomainProblem, parseSubmission } from '../../../../functions/domain/lead-input.ts';
import { CartAbandonedSchema } from '../../../../functions/domain/shop.ts';
import { world } from '../../../support/signal-fixtures.ts';

/*
 * What intake keeps: one-line fields cleaned as header values are (no control or bidi character is stored, so none
 * reaches a subject), and email addresses whose domain can exist, by one rule for the form, the import and the shop.
 */

const NOW = new Date('2026-03-04T15:30:00Z');
const OPTIONS = { allowedCadences: ['web-inquiry'], defaultCadence: 'web-inquiry', now: NOW };
const submit = (fields: Record<string, unknown>) => parseSubmission(fields, OPTIONS);

describe('one-line fields at intake', () => {
  it('a name, company and interest keep their words and lose line breaks, NULs and bidi overrides', () => {
    // Act
    const result = submit({
      email: 'jordan@example.com',
      name: 'Jordan\r\nBcc: all@evil.example',
      company: 'Acme\u202Egnp.exe',
      interest: 'mulch\u0000\u2066 delivery',
    });

    // Assess
    expect(result).toMatchObject({
      kind: 'lead',
      profile: { name: 'Jordan Bcc: all@evil.example', company: 'Acmegnp.exe', interest: 'mulch delivery' },
    });
  });

  it('a name made only of control and bidi characters is no name', () => {
    // Act
    const result = submit({ email: 'jordan@example.com', name: '\u202E\r\n\u0000' });

    // Assess
    expect(result.kind).toBe('lead');
    expect(result.kind === 'lead' && 'name' in result.profile).toBe(false);
  });

  it('a note keeps its lines: it is a body, not a header', () => {
    // Act
    const result = submit({ email: 'jordan@example.com', note: 'line one\nline two' });

    // Assess
    expect(result).toMatchObject({ profile: { note: 'line one\nline two' } });
  });
});

describe('email domains', () => {
  it.each([
    ['a@b-.com', /starts or ends with "-"/],
    ['a@-b.com', /starts or ends with "-"/],
    ['a@b.c', /top-level domain/],
    ['a@b..com', /empty part/],
    ['a@b.com.', /empty part/],
    ['a@localhost', /dot after the @/],
    ['a@b.123', /top-level domain/],
    ['a@b_c.com', /character no domain holds/],
    [`a@${'b'.repeat(64)}.com`, /longer than 63/],
  ])('%s is refused at intake with the fix', (email, problem) => {
    // Act
    const result = submit({ email });

    // Assess
    expect(result.kind).toBe('invalid');
    const message = result.kind === 'invalid' ? result.errors.email : '';
    expect(message).toMatch(problem);
    expect(message).toContain('e.g. jordan@example.com');
  });

  it('a domain over 253 characters is refused (an address over 254 is refused before its domain is read)', () => {
    expect(emailDomainProblem(`a@${'b.'.repeat(127)}com`)).toMatch(/longer than 253/);
  });

  it.each([
    'x@sub.example.co.uk',
    'x@xn--bcher-kva.example',
    'x@example.xn--p1ai',
    'first.last+tag@mail-server.example.com',
    'x@a.io',
  ])('%s is accepted', (email) => {
    expect(submit({ email })).toMatchObject({ kind: 'lead', profile: { email } });
    expect(emailDomainProblem(email)).toBeUndefined();
  });

  it('an imported row is held to the same rule', async () => {
    // Act
    const outcome = await importRow(
      world().deps,
      { email: 'a@b-.com' },
      { cadenceId: 'web-inquiry', origin: 'import' },
      NOW,
    );

    // Assess
    expect(outcome).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/email: .*starts or ends with "-"/),
    });
  });

  it("a shop's cart is held to the same rule, and the shopper's name is cleaned the same way", () => {
    // Prepare
    const cart = {
      cartId: 'c-1',
      cartUrl: 'https://shop.example/cart/c-1',
      items: [{ name: 'Rake', quantity: 1, price: 25 }],
      total: 25,
      currency: 'USD',
    };

    // Act
    const refused = CartAbandonedSchema.safeParse({ ...cart, email: 'a@b-.com' });
    const cleaned = CartAbandonedSchema.parse({ ...cart, email: 'a@b.com', name: 'Casey\r\n\u202ENguyen' });

    // Assess
    expect(refused.success).toBe(false);
    expect(cleaned.name).toBe('Casey Nguyen');
  });
});
