import { describe, expect, it } from 'vitest';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import type { Channel } from '../../../../functions/core/cadence-schema.ts';
import {
  countSentences,
  type LintRule,
  lintCadence,
  lintTemplate,
  smsLength,
} from '../../../../functions/core/lint.ts';
import type { TemplateSource } from '../../../../functions/core/template-file.ts';

const GOOD_EMAIL: TemplateSource = {
  name: 'good',
  subject: 'Your proposal',
  value: 'a reading guide to the proposal',
  body:
    'Hi {{ lead.firstName }},\n\n{% if lead.note %}{{ lead.note }} {% endif %}The first page sums up the price. ' +
    'Reply with a page number and I will answer.\n\n{{ owner.signature }}\n',
};
const GOOD_SMS: TemplateSource = {
  name: 'text',
  value: 'a written answer one reply away',
  body: 'Hi {{ lead.firstName }}, {{ owner.firstName }} at {{ business.name }}. Want our answers in writing? Reply and I will send them.',
};

const rulesOf = (source: TemplateSource, channel: Channel): LintRule[] =>
  lintTemplate(source, channel).map((f) => f.rule);

describe('lintTemplate', () => {
  it('has no advice for a short, specific email with a value-add', () => {
    // Act
    const findings = lintTemplate(GOOD_EMAIL, 'email');

    // Assess
    expect(findings).toEqual([]);
  });

  it('has no advice for a short SMS that names the sender', () => {
    // Act
    const findings = lintTemplate(GOOD_SMS, 'sms');

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['Just checking in on the proposal.', 'just checking in'],
    ['Touching base about next week.', 'touching base'],
    ['I am JUST FOLLOWING UP on my email.', 'just following up'],
    ['Circling back to our call.', 'circling back'],
  ])('flags the filler phrase in %j and says what to do instead', (line, phrase) => {
    // Prepare
    const source = { ...GOOD_EMAIL, body: `${GOOD_EMAIL.body}\n${line}` };

    // Act
    const findings = lintTemplate(source, 'email');

    // Assess
    expect(findings).toEqual([
      {
        template: 'good',
        rule: 'filler-phrase',
        message: expect.stringMatching(new RegExp(`^"${phrase}" .*instead: an answer, a resource`)),
      },
    ]);
  });

  it('flags a filler phrase in the subject too, and in a call script', () => {
    // Act
    const subject = rulesOf({ ...GOOD_EMAIL, subject: 'Just checking in' }, 'email');
    const call = rulesOf({ name: 'call', value: 'answers', body: 'Say you are touching base.' }, 'call');

    // Assess
    expect(subject).toEqual(['filler-phrase']);
    expect(call).toEqual(['filler-phrase']);
  });

  it('does not mistake a word that merely contains a phrase for it', () => {
    // Act
    const rules = rulesOf(
      { ...GOOD_EMAIL, body: `${GOOD_EMAIL.body}\nOur circle backed the plan.` },
      'email',
    );

    // Assess
    expect(rules).toEqual([]);
  });

  it('flags an email of more than five sentences, counted as the lead reads it', () => {
    // Prepare
    const body = `${GOOD_EMAIL.body}\nOne. Two! Three? Four.`;

    // Act
    const findings = lintTemplate({ ...GOOD_EMAIL, body }, 'email');

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(['too-many-sentences']);
    expect(findings[0]?.message).toMatch(/^the message has 7 sentences; keep it to 3–5/);
  });

  it('does not count sentences in a call script', () => {
    // Act
    const rules = rulesOf({ name: 'call', value: 'answers', body: 'A. B. C. D. E. F. G.' }, 'call');

    // Assess
    expect(rules).toEqual([]);
  });

  it('flags an email whose only personal touch is the name', () => {
    // Prepare
    const source = {
      ...GOOD_EMAIL,
      body: 'Hi {{ lead.firstName }} ({{ lead.name }}, {{ lead.email }}),\n\nHere it is.',
    };

    // Act
    const findings = lintTemplate(source, 'email');

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(['no-lead-specific-line']);
    expect(findings[0]?.message).toContain('lead.note');
  });

  it('counts a cart line as lead-specific', () => {
    // Act
    const rules = rulesOf(
      { ...GOOD_EMAIL, body: 'Hi {{ lead.firstName }}, your cart: {{ cart.url }}' },
      'email',
    );

    // Assess
    expect(rules).toEqual([]);
  });

  it('flags an SMS that would not fit one segment with the opt-out line', () => {
    // Prepare
    const body = `${GOOD_SMS.body} ${'more words here, '.repeat(3)}`;

    // Act
    const findings = lintTemplate({ ...GOOD_SMS, body }, 'sms');

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(['sms-too-long']);
    expect(findings[0]?.message).toMatch(/^the SMS renders to 143 characters with the sample lead, over 135/);
  });

  it('takes an SMS of exactly 135 characters and flags one of 136', () => {
    // Prepare
    const sized = (n: number) => ({ ...GOOD_SMS, body: `{{ business.name }} ${'x'.repeat(n - 17)}` });

    // Act
    const fits = rulesOf(sized(135), 'sms');
    const over = rulesOf(sized(136), 'sms');

    // Assess
    expect(fits).toEqual([]);
    expect(over).toEqual(['sms-too-long']);
  });

  it('flags an SMS that a single curly quote pushes into UCS-2, naming the character', () => {
    // Prepare
    const body = GOOD_SMS.body.replace('I will', 'I’ll');

    // Act
    const findings = lintTemplate({ ...GOOD_SMS, body }, 'sms');

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(['sms-too-long']);
    expect(findings[0]?.message).toContain('"’", outside the GSM-7 alphabet');
  });

  it('flags an SMS that does not say who is texting', () => {
    // Act
    const rules = rulesOf(
      { ...GOOD_SMS, body: 'Hi {{ lead.firstName }}, want our answers? Reply YES.' },
      'sms',
    );

    // Assess
    expect(rules).toEqual(['sms-no-sender']);
  });

  it('flags a touch that names no value-add, on every channel', () => {
    // Prepare
    const { value: _email, ...emailWithout } = GOOD_EMAIL;
    const { value: _sms, ...smsWithout } = GOOD_SMS;

    // Act
    const findings = [
      ...lintTemplate(emailWithout, 'email'),
      ...lintTemplate(smsWithout, 'sms'),
      ...lintTemplate({ name: 'task', body: 'Send a card.' }, 'task'),
    ];

    // Assess
    expect(findings.map((f) => [f.template, f.rule])).toEqual([
      ['good', 'no-value-add'],
      ['text', 'no-value-add'],
      ['task', 'no-value-add'],
    ]);
    expect(findings[0]?.message).toContain('add "value: <what this touch gives the lead>"');
  });
});

describe('smsLength', () => {
  it('counts GSM-7 extension characters as two', () => {
    // Act
    const length = smsLength('Price: 5€ [net]');

    // Assess
    expect(length).toEqual({ encoding: 'GSM-7', units: 18, segment: 160, nonGsm: [] });
  });

  it('falls back to UCS-2 for a character outside GSM-7', () => {
    // Act
    const length = smsLength('Hi — there');

    // Assess
    expect(length).toEqual({ encoding: 'UCS-2', units: 10, segment: 70, nonGsm: ['—'] });
  });
});

describe('countSentences', () => {
  it('ignores URLs, decimals, abbreviations and lines without an end mark', () => {
    // Act
    const count = countSentences(
      'Hi Jordan,\n\nSee https://x.example/a.b for e.g. the $49.50 plan. Ready?\n\nSam Rivera',
    );

    // Assess
    expect(count).toBe(2);
  });
});

describe('lintCadence', () => {
  const parsed = (steps: unknown[]) => {
    const result = parseCadence({ id: 'c', name: 'C', steps });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.cadence;
  };
  const reply = { channel: 'email', template: 'reply', sendWindow: 'immediate' };

  it('has no advice for an immediate answer within the hour of what the lead did', () => {
    const cadence = parsed([
      { id: 'a', wait: '0 minutes', ...reply },
      { id: 'b', day: 1, ...reply },
      { id: 'c', wait: '45 minutes', ...reply },
      { id: 'd', day: 3, channel: 'email', template: 'later' },
    ]);
    expect(lintCadence(cadence)).toEqual([]);
  });

  it('advises a window for an immediate touch that waits hours or days, which would land at any hour', () => {
    const cadence = parsed([
      { id: 'a', wait: '3 hours', ...reply },
      { id: 'b', day: 4, ...reply },
    ]);
    const findings = lintCadence(cadence);
    expect(findings.map((f) => [f.path, f.template, f.rule])).toEqual([
      ['steps[0].sendWindow', 'reply', 'immediate-after-wait'],
      ['steps[1].sendWindow', 'reply', 'immediate-after-wait'],
    ]);
    expect(findings[0]?.message).toContain('falls due 3 hours after the previous one');
    expect(findings[1]?.message).toContain('on day 4');
    expect(findings[1]?.message).toContain('give this step a send window');
  });
});
