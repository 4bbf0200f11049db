import { LiquidError } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_CONTEXT, type TemplateContext } from '../../../../functions/core/template-context.ts';
import { parseAndRender, templateVariables } from '../../../../functions/core/template-liquid.ts';

/* A template's text is parsed once and rendered many times: what each render prints must be its own context's. */

const withLead = (firstName: string): TemplateContext => ({
  ...SAMPLE_CONTEXT,
  lead: { ...SAMPLE_CONTEXT.lead, firstName },
});

describe('parseAndRender', () => {
  it('renders one text for many leads, each with its own values', () => {
    // Prepare
    const text = 'Hi {{ lead.firstName }}{% if lead.company %}, of {{ lead.company }}{% endif %}.';
    // Act
    const rendered = ['Ana', 'Bo', 'Ana'].map((name) => parseAndRender(text, withLead(name)));
    // Assess
    expect(rendered).toEqual([
      'Hi Ana, of Alvarez Landscaping.',
      'Hi Bo, of Alvarez Landscaping.',
      'Hi Ana, of Alvarez Landscaping.',
    ]);
  });

  it('throws a broken text’s syntax error on every render, not only the first', () => {
    const broken = 'Hi {{ lead.firstName ';
    for (let i = 0; i < 2; i++) {
      expect(() => parseAndRender(broken, SAMPLE_CONTEXT)).toThrow(LiquidError);
    }
  });

  it('leaves the stack traces of the code around it whole, after a render that guards a missing value or fails', () => {
    // Prepare
    const before = Error.stackTraceLimit;
    const lead = { ...SAMPLE_CONTEXT.lead, company: undefined };
    const sparse = { ...SAMPLE_CONTEXT, lead } as unknown as TemplateContext;
    // Act
    const rendered = parseAndRender('Hi{% if lead.company %} {{ lead.company }}{% endif %}.', sparse);
    expect(() => parseAndRender('{{ lead.nickname }}', SAMPLE_CONTEXT)).toThrow(LiquidError);
    // Assess
    expect(rendered).toBe('Hi.');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('here').stack).toContain('template-liquid.test.ts');
  });
});

describe('templateVariables', () => {
  it('gives each caller paths of its own: changing one list leaves the next answer whole', () => {
    // Prepare
    const source = { name: 'hello', subject: 'For {{ lead.company }}', body: 'Hi {{ lead.firstName }}' };
    // Act
    const first = templateVariables(source);
    first.push(['changed']);
    (first[0] as string[]).push('changed');
    // Assess
    expect(templateVariables(source)).toEqual([
      ['lead', 'company'],
      ['lead', 'firstName'],
    ]);
  });
});
