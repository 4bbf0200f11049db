import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../functions/adapters/template-files.ts';
import { parseCadence } from '../../functions/core/cadence.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { lintTemplate, SMS_GSM7_SEGMENT, SMS_OPT_OUT_ROOM, smsLength } from '../../functions/core/lint.ts';
import { computeSchedule } from '../../functions/core/schedule.ts';
import { SAMPLE_CONTEXT, SPARSE_CONTEXT } from '../../functions/core/template-context.ts';
import { checkTemplate, renderTemplate } from '../../functions/core/templates.ts';

const ROOT = join(import.meta.dirname, '../..');
const CADENCES = join(ROOT, 'cadences');
const TEMPLATES = join(ROOT, 'templates');
const files = readdirSync(CADENCES).filter((f) => f.endsWith('.json') && f !== 'cadence.schema.json');
const ids = new Set(files.map((f) => basename(f, '.json')));
const raw = (id: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(CADENCES, `${id}.json`), 'utf8'));

function cadence(id: string): Cadence {
  const result = parseCadence(raw(id), { fileId: id, knownCadences: ids });
  if (!result.ok) throw new Error(`${id}: ${JSON.stringify(result.issues)}`);
  return result.cadence;
}

const uses = [...ids].flatMap((id) => cadence(id).steps.map((step) => ({ id, step })));

describe('shipped cadences', () => {
  it('ship the five cadences of the issue', () => {
    // Assess
    expect([...ids].sort()).toEqual([
      'abandoned-cart',
      'proposal',
      'quarterly-nurture',
      're-engage',
      'web-inquiry',
    ]);
  });

  it.each([...ids])('%s parses, points at its schema and is named after its file', (id) => {
    // Act
    const result = parseCadence(raw(id), { fileId: id, knownCadences: ids });

    // Assess
    expect(result).toMatchObject({ ok: true, cadence: { id, $schema: './cadence.schema.json' } });
  });

  it('proposal touches on days 1, 3, 7, 14, 21 and 30 and skips the 2027 federal holidays', () => {
    // Act
    const proposal = cadence('proposal');

    // Assess
    expect(proposal.steps.map((s) => [s.day, s.channel])).toEqual([
      [1, 'email'],
      [3, 'email'],
      [7, 'call'],
      [14, 'email'],
      [21, 'email'],
      [30, 'email'],
    ]);
    expect(proposal.holidays).toEqual(
      expect.arrayContaining([
        '2026-12-25',
        '2027-01-01',
        '2027-01-18',
        '2027-05-31',
        '2027-07-05',
        '2027-11-25',
      ]),
    );
    expect(proposal.then).toBe('quarterly-nurture');
  });

  it('web-inquiry answers a form sent on a Saturday evening at once', () => {
    // Act
    const [first] = computeSchedule(cadence('web-inquiry'), '2026-12-19T19:30:00-06:00', 'America/Chicago');

    // Assess
    expect(first).toMatchObject({ channel: 'email', at: '2026-12-19T19:30:00-06:00' });
  });

  it('abandoned-cart sends its first email one hour after the cart is left', () => {
    // Act
    const schedule = computeSchedule(
      cadence('abandoned-cart'),
      '2026-12-19T14:10:00-06:00',
      'America/Chicago',
    );

    // Assess
    expect(schedule.map((t) => t.at)).toEqual([
      '2026-12-19T15:10:00-06:00',
      '2026-12-20T14:10:00-06:00',
      '2026-12-22T14:10:00-06:00',
    ]);
  });

  it('quarterly-nurture waits three months and chains to itself', () => {
    // Act
    const nurture = cadence('quarterly-nurture');

    // Assess
    expect(nurture.steps.map((s) => s.wait)).toEqual(['3 months']);
    expect(nurture.then).toBe('quarterly-nurture');
  });
});

describe('shipped templates', () => {
  it.each(uses.map(({ id, step }) => [id, step.id, step.template, step.channel] as const))(
    '%s / %s: %s (%s) exists, checks clean and lints clean',
    async (_cadence, _step, template, channel) => {
      // Act
      const source = await loadTemplate(TEMPLATES, template);

      // Assess
      expect(checkTemplate(source, channel)).toEqual([]);
      expect(lintTemplate(source, channel)).toEqual([]);
    },
  );

  it.each(uses.filter(({ step }) => step.channel === 'sms').map(({ step }) => step.template))(
    'SMS %s fits one GSM-7 segment with room for the opt-out line, for any sample lead',
    async (template) => {
      // Prepare
      const source = await loadTemplate(TEMPLATES, template);

      // Act
      const lengths = [SAMPLE_CONTEXT, SPARSE_CONTEXT].map((ctx) =>
        smsLength(renderTemplate(source, 'sms', ctx).text),
      );

      // Assess
      for (const length of lengths) {
        expect(length.encoding).toBe('GSM-7');
        expect(length.units).toBeLessThanOrEqual(SMS_GSM7_SEGMENT - SMS_OPT_OUT_ROOM);
      }
    },
  );

  it.each(uses.filter(({ step }) => step.channel === 'sms').map(({ step }) => step.template))(
    'SMS %s names the business',
    async (template) => {
      // Act
      const text = renderTemplate(await loadTemplate(TEMPLATES, template), 'sms', SPARSE_CONTEXT).text;

      // Assess
      expect(text).toContain(SPARSE_CONTEXT.business.name);
    },
  );

  it.each(uses.filter(({ id }) => id === 'abandoned-cart').map(({ step }) => step.template))(
    'cart email %s lists every item and links the cart',
    async (template) => {
      // Act
      const { text } = renderTemplate(await loadTemplate(TEMPLATES, template), 'email', SAMPLE_CONTEXT);

      // Assess
      for (const item of SAMPLE_CONTEXT.cart?.items ?? []) expect(text).toContain(item.name);
      expect(text).toContain(SAMPLE_CONTEXT.cart?.url);
    },
  );
});
