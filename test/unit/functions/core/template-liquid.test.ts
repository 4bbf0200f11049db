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
