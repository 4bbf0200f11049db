import { describe, expect, it } from 'vitest';
import { intentBudgets, isHeldOut, loadReplies, measureIntent } from '../../../../bench/intent.ts';
import { type Intent, type ReplyContext, readIntent } from '../../../../functions/core/intent.ts';

const RECEIVED = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, 09:00 in Chicago
const EMAIL: ReplyContext = { receivedAt: RECEIVED, zone: 'America/Chicago', channel: 'email' };
const SMS: ReplyContext = { ...EMAIL, channel: 'sms' };
/** 09:00 in Chicago on `date` (CST, UTC−6), as the reader states an until. */
const nine = (date: string) => `${date}T15:00:00Z`;

describe('readIntent: the issue’s table', () => {
  it.each<[string, Intent]>([
    ['Not interested.', 'no'],
    ['No thanks, we went with another vendor.', 'no'],
    ["We're set, thanks.", 'no'],
    ['Talk to maria@acme.com', 'referral'],
    ['Forwarding to Priya', 'referral'],
    ['Please remove me from your list.', 'unsubscribe'],
    ['I am out of the office until Monday 14 December.', 'out-of-office'],
    ['She left the company last year.', 'wrong-person'],
    ['Tuesday at 2pm works for me.', 'meeting'],
    ['How much does it cost for 12 seats?', 'question'],
    ['Sounds great, tell me more.', 'interested'],
    ['ok', 'unsure'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
    expect(reading.cue).not.toBe(label === 'unsure' ? 'x' : '');
  });

  it('"Not right now - try me again in March." is a not-now until 1 March at 09:00 in the lead’s zone', () => {
    // Act
    const reading = readIntent('Not right now - try me again in March.', EMAIL);

    // Assess
    expect(reading).toEqual({
      label: 'not-now',
      confidence: 0.85,
      cue: 'Not right now',
      until: nine('2027-03-01'),
    });
  });
});

describe('readIntent: negation and contrast', () => {
  it.each<[string, Intent]>([
    ['not interested', 'no'],
    ['Not sure, but interested', 'interested'],
    ['no, not now', 'not-now'],
    ['Not interested right now, maybe later.', 'not-now'],
    ['No thanks, we went with HubSpot.', 'no'],
    ['I appreciate the follow-up, but we are not interested.', 'no'],
    ['Not interested unless you integrate with SAP.', 'unsure'],
    ['We might be interested, depending on price.', 'unsure'],
    ['Thanks, I’ll pass this along.', 'unsure'],
    ["Don't stop, this is useful.", 'unsure'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });
});

describe('readIntent: dates relative to the arrival, in the lead’s zone', () => {
  it.each([
    ['Try me in March.', '2027-03-01'],
    ['Check back in six weeks.', '2027-01-18'],
    ['Follow up after Feb 20.', '2027-02-21'],
    ["Let's revisit in the new year.", '2027-01-01'],
    ['Not now. Next quarter might work.', '2027-01-01'],
    ['Too busy until the end of January.', '2027-01-31'],
  ])('"%s" → until %s', (text, date) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'not-now', until: nine(date) });
  });

  it('"after Q2" is 1 July, at 09:00 daylight time', () => {
    // Act
    const reading = readIntent('Please reach out after Q2.', EMAIL);

    // Assess
    expect(reading.until).toBe('2027-07-01T14:00:00Z');
  });

  it('reads "in March" in Berlin as 09:00 there, and the next March when this one has passed', () => {
    // Prepare
    const berlin: ReplyContext = {
      receivedAt: new Date('2027-04-10T10:00:00Z'),
      zone: 'Europe/Berlin',
      channel: 'email',
    };

    // Act
    const reading = readIntent('Not right now, try me in March.', berlin);

    // Assess
    expect(reading.until).toBe('2028-03-01T08:00:00Z');
  });

  it('a not-now without a date has no until (the caller applies its default)', () => {
    // Act
    const reading = readIntent('Timing is bad, sorry.', EMAIL);

    // Assess
    expect(reading.label).toBe('not-now');
    expect(reading.until).toBeUndefined();
  });

  it('caps a date beyond 330 days at the limit: a Standard execution lives a year', () => {
    // Act
    const reading = readIntent('Not now. Ask me again in 12 months.', EMAIL);

    // Assess
    expect(reading.until).toBe(
      new Date(RECEIVED.getTime() + 330 * 86_400_000).toISOString().replace('.000Z', 'Z'),
    );
  });

  it.each([
    ['Ich bin bis zum 4.1. nicht im Büro.', '2027-01-04'],
    ['Estoy fuera de la oficina hasta el 8 de enero.', '2027-01-08'],
    ["Je suis absente jusqu'au 11 janvier.", '2027-01-11'],
    ["I'm out of the office until Friday.", '2026-12-11'],
  ])('an out-of-office in words: "%s" → until %s', (text, date) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'out-of-office', until: nine(date) });
  });
});

describe('readIntent: referrals', () => {
  it('takes the address and the name handed over to', () => {
    // Act
    const reading = readIntent('Please contact our CFO, Lena Park (lena.park@northgate.example).', EMAIL);

    // Assess
    expect(reading).toMatchObject({
      label: 'referral',
      referral: { email: 'lena.park@northgate.example', name: 'Lena Park' },
    });
  });

  it('a name before its cue: "Rachel Kim handles this"', () => {
    // Act
    const reading = readIntent('Rachel Kim handles this for us.', EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral: { name: 'Rachel Kim' } });
  });

  it('the lead’s own address is no referral, and a role without a name is the wrong person', () => {
    // Act
    const own = readIntent('Contact me at jordan@brightline.example', {
      ...EMAIL,
      leadEmail: 'Jordan@Brightline.example',
    });
    const role = readIntent('Please talk to my manager about this.', EMAIL);

    // Assess
    expect(own.label).not.toBe('referral');
    expect(role).toMatchObject({ label: 'wrong-person', reason: 'wrong-person' });
  });

  it('an address in the quoted history is not read', () => {
    // Prepare
    const text =
      'Thanks, not for us.\n\nOn Mon, Dec 7, 2026 at 8:55 AM Sam <sam@x.example> wrote:\n> talk to maria@acme.com';

    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe('no');
  });
});

describe('readIntent: SMS is read whole', () => {
  it.each<[string, Intent]>([
    ['STOP', 'unsubscribe'],
    ['no', 'no'],
    ['busy rn, try me next month', 'not-now'],
    ['wrong number', 'wrong-person'],
    ['> not interested', 'no'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, SMS);

    // Assess
    expect(reading.label).toBe(label);
  });
});

describe('the evaluation set (test/fixtures/replies)', () => {
  it('holds ≥ 300 replies, ≥ 20 for each stop label, and every label', () => {
    // Act
    const rows = loadReplies();

    // Assess
    const count = (label: Intent) => rows.filter((r) => r.label === label).length;
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(count('no')).toBeGreaterThanOrEqual(20);
    expect(count('unsubscribe')).toBeGreaterThanOrEqual(20);
    for (const label of [
      'interested',
      'question',
      'meeting',
      'not-now',
      'referral',
      'wrong-person',
      'out-of-office',
      'unsure',
    ] as const) {
      expect(count(label)).toBeGreaterThanOrEqual(20);
    }
  });

  it('reads the rows the rules were written from within the budgets (a regression guard: the held-out figure, out of sample, is npm run bench’s)', () => {
    // Prepare: the held-out files were written without reading the rules; judging them is the bench's job
    const developed = loadReplies().filter((row) => !isHeldOut(row));

    // Act
    const { figures, budgets } = measureIntent(developed);

    // Assess
    expect(budgets.filter((b) => !b.pass)).toEqual([]);
    expect(figures.rows).toBeGreaterThanOrEqual(300);
  });

  it('the budgets fail when the stops are wrong', () => {
    // Prepare: every row read as no
    const { figures } = measureIntent(loadReplies().map((r) => ({ ...r, text: 'Not interested.' })));

    // Act
    const failed = intentBudgets(figures)
      .filter((b) => !b.pass)
      .map((b) => b.budget);

    // Assess
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringContaining('precision of "no"'),
        expect.stringContaining('accuracy'),
      ]),
    );
  });
});
