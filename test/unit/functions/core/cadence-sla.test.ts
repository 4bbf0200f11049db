import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import { cadenceJsonSchema } from '../../../../functions/core/cadence-json-schema.ts';
import { compileCadence } from '../../../../functions/core/compile.ts';

/* A rep's SLA on a call or task step (#15): accepted there, refused elsewhere naming the field, invisible to the ASL. */

const cadence = (call: Record<string, unknown>) => ({
  id: 'proposal',
  name: 'Proposal follow-up',
  steps: [
    { id: 'proposal', day: 1, channel: 'email', template: 'proposal-sent' },
    { id: 'call', day: 2, channel: 'call', template: 'walkthrough-call', ...call },
  ],
});
const issuesOf = (doc: unknown) => {
  const result = parseCadence(doc);
  return result.ok ? [] : result.issues;
};

describe('sla on a step', () => {
  it('is accepted on a call step', () => {
    expect(issuesOf(cadence({ sla: '15 business minutes' }))).toEqual([]);
    expect(issuesOf(cadence({ channel: 'task', sla: '2 hours' }))).toEqual([]);
  });

  it('is refused on an email step, naming the field and the fix', () => {
    const issues = issuesOf(cadence({ channel: 'email', sla: '15 business minutes' }));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'steps[1].sla',
        message: expect.stringContaining('only for call and task steps'),
      }),
    ]);
  });

  it('is refused when it is not minutes or hours', () => {
    const issues = issuesOf(cadence({ sla: '3 business days' }));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'steps[1].sla', message: expect.stringContaining('is not an SLA') }),
    ]);
  });

  it('leaves the compiled definition as it was: the deadline is a timer, not a state', () => {
    const parse = (doc: unknown) => {
      const result = parseCadence(doc);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return result.cadence;
    };
    const targets = { touchFunction: 'arn:touch', completeFunction: 'arn:complete' };
    expect(JSON.stringify(compileCadence(parse(cadence({ sla: '15 business minutes' })), targets))).toBe(
      JSON.stringify(compileCadence(parse(cadence({})), targets)),
    );
  });

  it('is in the JSON Schema with its description', () => {
    const schema = cadenceJsonSchema() as {
      properties: { steps: { items: { properties: { sla: { description: string; pattern?: string } } } } };
    };
    expect(schema.properties.steps.items.properties.sla.description).toContain('business');
  });
});
