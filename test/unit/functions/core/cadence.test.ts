import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latestPossibleDay, parseCadence } from '../../../../functions/core/cadence.ts';
import { cadenceJsonSchemaText } from '../../../../functions/core/cadence-json-schema.ts';

const valid = {
  $schema: './cadence.schema.json',
  id: 'proposal',
  name: 'Proposal follow-up',
  timezone: 'America/Chicago',
  steps: [
    { id: 'proposal', day: 1, channel: 'email', template: 'proposal-sent' },
    {
      id: 'text',
      wait: '3 business days',
      channel: 'sms',
      template: 'quick-text',
      sendWindow: { start: '10:00' },
    },
  ],
  then: 'quarterly-nurture',
};
const known = new Set(['proposal', 'quarterly-nurture']);

const issuesOf = (doc: unknown, options = {}) => {
  const result = parseCadence(doc, options);
  return result.ok ? [] : result.issues;
};

describe('parseCadence', () => {
  it('accepts a valid cadence and keeps what was written', () => {
    const result = parseCadence(valid, { fileId: 'proposal', knownCadences: known });
    expect(result.ok).toBe(true);
    expect(result.ok && result.cadence.steps[1]?.wait).toBe('3 business days');
  });

  it('names the path, the bad value and the allowed form, as in the contract example', () => {
    const doc = structuredClone(valid);
    (doc.steps[1] as { wait: string }).wait = '3 bizdays';
    expect(issuesOf(doc)).toEqual([
      {
        path: 'steps[1].wait',
        message:
          '"3 bizdays" is not a duration; use e.g. "3 business days"; units: minutes, hours, days, business days, weeks, months',
      },
    ]);
  });

  it('reports every mistake in a file, not just the first', () => {
    const doc = {
      ...valid,
      timezone: 'Chicago',
      steps: [
        { id: 'proposal', day: 0, channel: 'email', template: 'proposal-sent' },
        { id: 'text', wait: '3 bizdays', channel: 'fax', template: 'quick-text' },
      ],
    };
    expect(issuesOf(doc).map((i) => i.path)).toEqual([
      'timezone',
      'steps[0].day',
      'steps[1].wait',
      'steps[1].channel',
    ]);
  });

  it('suggests the field meant by a typo and lists the allowed ones otherwise', () => {
    const doc = { ...valid, steps: [{ id: 'a', day: 1, chanel: 'email', template: 't' }], colour: 'red' };
    const issues = issuesOf(doc);
    expect(issues).toContainEqual({
      path: 'steps[0].chanel',
      message: 'unknown field; did you mean "channel"?',
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'colour',
        message: expect.stringContaining('allowed here: $schema, id'),
      }),
    );
    expect(issues).toContainEqual({
      path: 'steps[0].channel',
      message: 'required; use one of email, sms, call, task',
    });
  });

  it('needs exactly one of day and wait', () => {
    const doc = {
      ...valid,
      steps: [
        { id: 'a', channel: 'email', template: 't' },
        { id: 'b', day: 2, wait: '1 day', channel: 'email', template: 't' },
      ],
    };
    expect(issuesOf(doc)).toEqual([
      { path: 'steps[0]', message: 'needs "day" or "wait"; use e.g. "day": 3 or "wait": "2 days"' },
      { path: 'steps[1]', message: 'has both "day" and "wait"; keep exactly one' },
    ]);
  });

  it('rejects duplicate step ids, an id that is not the file name, and a then that names no cadence', () => {
    const doc = { ...valid, steps: [valid.steps[0], valid.steps[0]], then: 'quarterly-nurtur' };
    expect(issuesOf(doc, { fileId: 'proposal-v2', knownCadences: known })).toEqual([
      {
        path: 'id',
        message: '"proposal" does not match the file name "proposal-v2.json"; rename one so they agree',
      },
      { path: 'steps[1].id', message: '"proposal" is already the id of steps[0]; step ids must be unique' },
      { path: 'then', message: '"quarterly-nurtur" names no cadence; did you mean "quarterly-nurture"?' },
    ]);
  });

  it('rejects SMS windows outside 08:00-21:00 (TCPA quiet hours), but not email windows', () => {
    const early = { ...valid, sendWindow: { start: '07:00', end: '22:00' } };
    const issues = issuesOf(early);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('steps[1].sendWindow');
    expect(issues[0]?.message).toContain('between 08:00 and 21:00');
    expect(issues[0]?.message).toContain('"start": "10:00", "end": "21:00"');
  });

  it('rejects a window that ends before it starts', () => {
    expect(issuesOf({ ...valid, sendWindow: { start: '17:00', end: '09:00' } })).toContainEqual({
      path: 'sendWindow',
      message:
        'ends at 09:00, not after it starts at 17:00; "end" must be later than "start" on the same day',
    });
  });

  it('rejects holidays that are not calendar dates and exact gaps in business days', () => {
    const paths = issuesOf({ ...valid, holidays: ['2026-02-30', '12/25'], minGap: '1 business day' }).map(
      (i) => i.path,
    );
    expect(paths).toEqual(['holidays[0]', 'holidays[1]', 'minGap']);
  });

  it('rejects a cadence whose last touch can fall after 360 days, and accepts one just inside', () => {
    const long = { ...valid, steps: [{ id: 'late', day: 358, channel: 'email', template: 't' }] };
    const fine = { ...valid, steps: [{ id: 'late', day: 340, channel: 'email', template: 't' }] };
    expect(issuesOf(long)[0]?.message).toMatch(/can fall \d+ days after enrollment, over the 360-day limit/);
    expect(parseCadence(fine).ok).toBe(true);
  });

  it('bounds the last touch above every real schedule', () => {
    const result = parseCadence({
      ...valid,
      steps: [{ id: 'q', wait: '3 months', channel: 'email', template: 't' }],
    });
    expect(result.ok && latestPossibleDay(result.cadence)).toBeGreaterThanOrEqual(92);
    expect(result.ok && latestPossibleDay(result.cadence)).toBeLessThan(110);
  });

  it('never throws on arbitrary JSON, and every issue has a path and a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ steps: fc.array(fc.jsonValue()) })), (doc) => {
        const result = parseCadence(doc);
        if (!result.ok) for (const issue of result.issues) expect(issue.path && issue.message).toBeTruthy();
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseCadence: immediate steps and spread (#15)', () => {
  const reply = { id: 'reply', wait: '0 minutes', channel: 'email', template: 'inquiry-reply' };

  it('accepts "sendWindow": "immediate" on email, call and task steps', () => {
    const doc = {
      ...valid,
      steps: ['email', 'call', 'task'].map((channel, i) => ({
        ...reply,
        id: `s${i}`,
        channel,
        sendWindow: 'immediate',
      })),
    };
    const result = parseCadence(doc);
    expect(result.ok && result.cadence.steps.map((s) => s.sendWindow)).toEqual([
      'immediate',
      'immediate',
      'immediate',
    ]);
  });

  it('refuses it on an SMS step, naming the step, why, and what to do instead', () => {
    const doc = { ...valid, steps: [{ ...reply, channel: 'sms', sendWindow: 'immediate' }] };
    const [issue, ...rest] = issuesOf(doc);
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('steps[0].sendWindow');
    expect(issue?.message).toContain('"immediate" is not allowed on an SMS step');
    expect(issue?.message).toContain('08:00–21:00');
    expect(issue?.message).toContain('quiet hours');
    expect(issue?.message).toContain('answer at once by email instead');
  });

  it('refuses "immediate" for a whole cadence and any other word for a window, saying what is allowed', () => {
    expect(issuesOf({ ...valid, sendWindow: 'immediate' })).toEqual([
      {
        path: 'sendWindow',
        message:
          '"immediate" is for a step that answers the lead at once, not for a whole cadence; set "sendWindow": "immediate" on that step',
      },
    ]);
    expect(issuesOf({ ...valid, steps: [{ ...reply, sendWindow: 'now' }] })).toEqual([
      {
        path: 'steps[0].sendWindow',
        message:
          '"now" is not a send window; use "immediate" (a transactional touch, sent at once) or { "days": ["mon", "tue"], "start": "09:00", "end": "17:00" }',
      },
    ]);
  });

  it('still checks the fields of an object window on a step', () => {
    expect(issuesOf({ ...valid, steps: [{ ...reply, sendWindow: { start: '9am' } }] })[0]?.path).toBe(
      'steps[0].sendWindow.start',
    );
    expect(issuesOf({ ...valid, steps: [{ ...reply, sendWindow: { strat: '09:00' } }] })).toContainEqual({
      path: 'steps[0].sendWindow.strat',
      message: 'unknown field; did you mean "start"?',
    });
  });

  it('lets an immediate step ignore a cadence window that would break the SMS rule for texts only', () => {
    // A 07:00 window is refused for a windowed text; an immediate email is no text and has no window.
    const doc = { ...valid, sendWindow: { start: '07:00' }, steps: [{ ...reply, sendWindow: 'immediate' }] };
    expect(parseCadence(doc).ok).toBe(true);
  });

  it('takes a spread of minutes or hours', () => {
    for (const spread of ['1 minute', '90 minutes', '2 hours'])
      expect(parseCadence({ ...valid, spread }).ok).toBe(true);
  });

  it.each([
    ['90 mins', '"90 mins" is not a duration; use e.g. "90 minutes" or "2 hours"'],
    [90, '90 is not a duration; use e.g. "90 minutes" or "2 hours"'],
    ['0 minutes', '"0 minutes" spreads nothing; use e.g. "90 minutes" or "2 hours", or leave "spread" out'],
    [
      '1 day',
      '"1 day" is longer than a send window can be; use minutes or hours, e.g. "90 minutes" or "2 hours"',
    ],
  ])('refuses the spread %j, naming the field and giving an example', (spread, message) => {
    expect(issuesOf({ ...valid, spread })).toEqual([{ path: 'spread', message }]);
  });

  it('refuses a spread longer than the shortest window it applies to, naming that window', () => {
    // Prepare: the SMS step's window is 10:00-17:00 (7 hours); an email window of one hour is the shortest.
    const doc = {
      ...valid,
      spread: '90 minutes',
      steps: [
        ...valid.steps,
        { id: 'short', day: 9, channel: 'email', template: 't', sendWindow: { end: '10:00' } },
      ],
    };
    expect(issuesOf(doc)).toEqual([
      {
        path: 'spread',
        message:
          '"90 minutes" is longer than the send window of steps[2] ("short"), 09:00–10:00 (60 minutes): a spread touch would go out after it closes; use at most "60 minutes", or widen that window',
      },
    ]);
    expect(parseCadence({ ...doc, spread: '60 minutes' }).ok).toBe(true);
  });

  it('does not hold an immediate step to the spread: it has no window', () => {
    const doc = { ...valid, spread: '8 hours', steps: [{ ...reply, sendWindow: 'immediate' }] };
    expect(parseCadence(doc).ok).toBe(true);
  });

  it('bounds an immediate step by its wait alone', () => {
    const result = parseCadence({ ...valid, steps: [{ ...reply, sendWindow: 'immediate' }] });
    expect(result.ok && latestPossibleDay(result.cadence)).toBe(1);
  });
});

describe('cadences/cadence.schema.json', () => {
  it('is the schema generated from the zod definition (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(
      new URL('../../../../cadences/cadence.schema.json', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(cadenceJsonSchemaText());
  });

  it('tells editors that a step has exactly one of day and wait', () => {
    const schema = JSON.parse(cadenceJsonSchemaText());
    expect(schema.properties.steps.items.oneOf).toEqual([{ required: ['day'] }, { required: ['wait'] }]);
    expect(schema.properties.steps.items.properties.wait.pattern).toContain('business day');
  });

  it('offers "immediate" or a window object for a step, and a spread of minutes or hours', () => {
    const schema = JSON.parse(cadenceJsonSchemaText());
    const stepWindow = schema.properties.steps.items.properties.sendWindow;
    expect(stepWindow.anyOf[0]).toEqual({ type: 'string', const: 'immediate' });
    expect(stepWindow.anyOf[1].properties.start.pattern).toBeDefined();
    expect(stepWindow.description).toContain('never SMS');
    expect(schema.properties.sendWindow.type).toBe('object');
    const spread = new RegExp(schema.properties.spread.pattern);
    expect(['90 minutes', '2 hours', '1 minute'].filter((t) => spread.test(t))).toHaveLength(3);
    expect(['0 minutes', '1 day', '90 mins', '3 business days'].filter((t) => spread.test(t))).toEqual([]);
  });
});
