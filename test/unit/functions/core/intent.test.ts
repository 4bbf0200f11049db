import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { intentBudgets, isHeldOut, loadReplies, measureIntent } from '../../../../bench/intent.ts';
import { type ReplyContext, readIntent } from '../../../../functions/core/intent.ts';
import type { Intent } from '../../../../functions/core/intent-labels.ts';

const RECEIVED = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, 09:00 in Chicago
const EMAIL: ReplyContext = { receivedAt: RECEIVED, zone: 'America/Chicago', channel: 'email' };
const SMS: ReplyContext = { ...EMAIL, channel: 'sms' };
/** 09:00 in Chicago on `date` (CST, UTC−6), as the reader states an until. */
const nine = (date: string) => `${date}T15:00:00Z`;
/** The until as the lead reads it: day and hour in Chicago, daylight time or not. */
const local = (until: string | undefined) =>
  until ? DateTime.fromISO(until, { zone: EMAIL.zone }).toFormat('yyyy-MM-dd HH:mm') : undefined;

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

describe('readIntent: the forms of a return date', () => {
  it.each([
    ['Check back after the 20th.', '2026-12-21'],
    ['Too early for us. Maybe mid-March?', '2027-03-15'],
    ['Q3 is better for us.', '2027-07-01'],
    ['Give me a few weeks.', '2026-12-28'],
    ['Nicht jetzt bitte. Melden Sie sich gerne im Januar wieder.', '2027-01-01'],
    ["We're frozen until the fiscal year ends in June. Reach out in July.", '2027-07-01'],
  ])('a not-now: "%s" → until %s', (text, date) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe('not-now');
    expect(local(reading.until)).toBe(`${date} 09:00`);
  });

  it.each([
    ['Out of office until tomorrow.', '2026-12-08'],
    ["I'm on parental leave until mid-January and not checking email.", '2027-01-15'],
    ['Ich bin derzeit im Urlaub und ab Montag, 14. Dezember wieder erreichbar.', '2026-12-14'],
    ['Estoy de vacaciones. Vuelvo el 4 de enero.', '2027-01-04'],
    ['Bonjour, je suis actuellement en congés et serai de retour le 9 janvier.', '2027-01-09'],
    ['Sono in ferie fino al 10 gennaio.', '2027-01-10'],
    ['Ik ben op vakantie tot en met 8 januari.', '2027-01-08'],
  ])('an out-of-office: "%s" → until %s', (text, date) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe('out-of-office');
    expect(local(reading.until)).toBe(`${date} 09:00`);
  });

  it('reads "tomorrow" on the lead’s calendar, not on UTC’s', () => {
    // Prepare: 02:00 UTC on 8 December is still 7 December in Chicago
    const late: ReplyContext = { ...EMAIL, receivedAt: new Date('2026-12-08T02:00:00Z') };

    // Act
    const reading = readIntent('Out of office until tomorrow.', late);

    // Assess
    expect(reading.until).toBe(nine('2026-12-08'));
  });
});

describe('readIntent: refusals, people and hedges in more words', () => {
  it.each<[string, Intent]>([
    ["We've decided this isn't a fit for us.", 'no'],
    ['no thx', 'no'],
    ["We built something similar in-house, so we won't be moving forward.", 'no'],
    ["This really isn't on our roadmap.", 'no'],
    ["I don't see us ever needing this.", 'no'],
    ["Thanks, but I'm going to decline.", 'no'],
    ["We're happy with our current provider and just renewed our contract.", 'no'],
    ["Thanks but we're going with Gong.", 'no'],
    ['Gracias, pero no nos interesa.', 'no'],
    ['Pas intéressé, merci.', 'no'],
    ['We went in a different direction.', 'no'],
    ["We won't be moving forward this quarter.", 'not-now'],
    ['We decided to go with you, send the contract.', 'unsure'],
    ["We're happy with the proposal.", 'unsure'],
    ['Possibly. Depends on what the numbers look like next quarter.', 'unsure'],
    ['Jordan passed away last year.', 'wrong-person'],
    ['I moved to a different company six months ago.', 'wrong-person'],
    ['You have the wrong Alex.', 'wrong-person'],
    ['This inbox belongs to the front desk.', 'wrong-person'],
    ["I'm just a contractor here, I don't have any say in which tools we use.", 'wrong-person'],
    ['Diese Person ist nicht mehr in unserem Unternehmen tätig.', 'wrong-person'],
    ['Sorry, I have the wrong file attached.', 'unsure'],
    ["There's no rush here.", 'unsure'],
    ["I'm in engineering, I have nothing to do with sales software.", 'wrong-person'],
    ["I'm intrigued, I'd like to see more.", 'interested'],
    ["We'd definitely like to learn more, could you send a case study?", 'interested'],
    ['Can you send pricing? Also do you have an API?', 'question'],
    ['Count me in, keen to see a demo recording.', 'interested'],
    ["I'd be up for a call.", 'meeting'],
    ['Will review when I get a chance.', 'unsure'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });

  it.each([
    ["I've left Corvid but my replacement is Tasha Moreno.", 'Tasha Moreno'],
    ['text my manager instead, his name is Luis', 'Luis'],
    ['I handed this over to Rafael Soto on our finance team.', 'Rafael Soto'],
    ['This is more for our marketing lead, Ingrid Solberg.', 'Ingrid Solberg'],
  ])('a handover: "%s" → %s', (text, name) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral: { name } });
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
