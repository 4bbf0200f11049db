import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import {
  changesLeads,
  comparePreviews,
  computeReach,
  describeChange,
  diffCadences,
  stepsOfDefinition,
} from '../../../../functions/core/cadence-diff.ts';
import type { Cadence, Step } from '../../../../functions/core/cadence-schema.ts';
import { compileCadence } from '../../../../functions/core/compile.ts';
import { executionInput } from '../../../../functions/core/execution-input.ts';
import { computeSchedule, toUtc } from '../../../../functions/core/schedule.ts';

function cadence(raw: object): Cadence {
  const result = parseCadence({ id: 'demo', name: 'Demo', timezone: 'America/Chicago', ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

const BASE = cadence({
  steps: [
    { id: 'hello', day: 1, channel: 'email', template: 'hello' },
    { id: 'call', wait: '2 days', channel: 'call', template: 'call' },
    { id: 'case-study', day: 10, channel: 'email', template: 'case-study' },
  ],
});

const withSteps = (steps: object[], extra: object = {}) => cadence({ steps, ...extra });
const [hello, call, caseStudy] = BASE.steps.map((s) => ({ ...s })) as [Step, Step, Step];

describe('diffCadences', () => {
  it('finds no change between a cadence and itself', () => {
    expect(diffCadences(BASE, BASE)).toEqual([]);
  });

  it('names a step added and a step removed, with their touch numbers', () => {
    const after = withSteps([hello, { id: 'text', wait: '1 day', channel: 'sms', template: 'text' }, call]);
    const texts = diffCadences(BASE, after).map(describeChange);
    expect(texts).toEqual(['step "case-study" (touch 3) removed', 'step "text" added as touch 2']);
  });

  it('names one step moved when two swap, and none when a step is only added before them', () => {
    const swapped = withSteps([hello, caseStudy, call]);
    expect(diffCadences(BASE, swapped).filter((c) => c.kind === 'step-moved')).toHaveLength(1);
    const prepended = withSteps([
      { id: 'first', day: 1, channel: 'email', template: 'first' },
      hello,
      call,
      caseStudy,
    ]);
    expect(diffCadences(BASE, prepended).map((c) => c.kind)).toEqual(['step-added']);
  });

  it('names a wait, a template and a step window changed, field by field', () => {
    const after = withSteps([
      hello,
      { ...call, wait: '3 business days', sendWindow: { start: '10:00' } },
      { ...caseStudy, template: 'case-study-short' },
    ]);
    expect(diffCadences(BASE, after).map(describeChange)).toEqual([
      'step "call": wait "2 days" → "3 business days"',
      'step "call": sendWindow (none) → {"start":"10:00"}',
      'step "case-study": template "case-study" → "case-study-short"',
    ]);
  });

  it('names cadence-wide fields, and tells a label edit from one a lead would notice', () => {
    const after = withSteps([hello, call, caseStudy], { name: 'Demo 2', holidays: ['2026-12-25'] });
    const changes = diffCadences(BASE, after);
    expect(changes.map(describeChange)).toEqual([
      'name "Demo" → "Demo 2"',
      'holidays (none) → ["2026-12-25"]',
    ]);
    expect(changes.map(changesLeads)).toEqual([false, true]);
  });
});

describe('comparePreviews', () => {
  it('gives both versions the real schedule of a lead enrolled at the same instant', () => {
    const after = withSteps([hello, { ...call, wait: '5 days' }, caseStudy]);
    const rows = comparePreviews(BASE, after, new Date('2026-04-07T15:00:00Z'), 'America/Chicago');
    expect(rows.map((r) => r.step)).toEqual(['hello', 'call', 'case-study']);
    expect(rows[0]?.before).toBe(rows[0]?.after);
    const expected = computeSchedule(after, '2026-04-07T15:00:00Z', 'America/Chicago')[1]?.at ?? '';
    expect(rows[1]?.after).toBe(toUtc(expected));
    expect(rows[1]?.after).not.toBe(rows[1]?.before);
  });

  it('shows a removed step with no new time', () => {
    const rows = comparePreviews(BASE, withSteps([hello, call]), new Date('2026-04-07T15:00:00Z'), 'UTC');
    expect(rows.at(-1)).toMatchObject({ step: 'case-study' });
    expect(rows.at(-1)?.after).toBeUndefined();
  });
});

describe('stepsOfDefinition', () => {
  it('reads the steps, channels and templates back from the compiled definition, in order', () => {
    const asl = JSON.parse(
      JSON.stringify(compileCadence(BASE, { touchFunction: 't', completeFunction: 'c' })),
    );
    expect(stepsOfDefinition(asl)).toEqual(
      BASE.steps.map(({ id, channel, template }) => ({ id, channel, template })),
    );
  });
});

describe('computeReach', () => {
  const enrolled = (leadId: string, at: string, of: Cadence = BASE) => ({
    input: executionInput(of, { leadId, enrollmentId: `e-${leadId}`, enrolledAt: at, zone: 'UTC' }),
  });
  const NOW = new Date('2026-04-08T00:00:00Z');

  it('counts each touch still to go that uses a changed template, by when it is due', () => {
    // hello is sent on day 1 for both; case-study is due on day 10: within 7 days for one, within 30 for the other.
    const leads = [enrolled('a', '2026-04-07T12:00:00Z'), enrolled('b', '2026-03-31T12:00:00Z')];
    const reach = computeReach(leads, 'demo', {
      scheduleChanged: false,
      changedTemplates: new Set(['case-study', 'hello']),
      now: NOW,
    });
    expect(reach.inFlight).toBe(2);
    expect(reach.keepOldSchedule).toBe(0);
    expect(reach.templates).toEqual([
      {
        template: 'case-study',
        cadenceId: 'demo',
        step: 'case-study',
        next7Days: 1,
        next30Days: 2,
        later: 0,
      },
    ]);
  });

  it('pins every in-flight lead of the cadence to its old schedule when the steps change', () => {
    const ended = enrolled('old', '2025-01-01T12:00:00Z');
    const reach = computeReach([enrolled('a', '2026-04-07T12:00:00Z'), ended], 'demo', {
      scheduleChanged: true,
      changedTemplates: new Set(),
      now: NOW,
    });
    expect(reach).toEqual({ inFlight: 1, keepOldSchedule: 1, templates: [] });
  });

  it('counts another cadence that sends the same template, and not its leads as in flight here', () => {
    const other = cadence({
      id: 'other',
      steps: [{ id: 'later', day: 40, channel: 'email', template: 'hello' }],
    });
    const reach = computeReach([enrolled('x', '2026-04-07T12:00:00Z', other)], 'demo', {
      scheduleChanged: true,
      changedTemplates: new Set(['hello']),
      now: NOW,
    });
    expect(reach.inFlight).toBe(0);
    expect(reach.templates).toEqual([
      { template: 'hello', cadenceId: 'other', step: 'later', next7Days: 0, next30Days: 0, later: 1 },
    ]);
  });
});
