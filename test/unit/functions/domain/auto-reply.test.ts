import { describe, expect, it } from 'vitest';
import { findReturnDate, isAutoReply, returnInstant } from '../../../../functions/domain/auto-reply.ts';

const RECEIVED = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, Chicago morning
const ZONE = 'America/Chicago';

describe('isAutoReply', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'Re: Your quote'],
    [{ 'auto-submitted': 'auto-generated; owner-email="x@y"' }, 'Re: Your quote'],
    [{ 'x-autoreply': 'yes' }, 'Re: Your quote'],
    [{ 'x-autorespond': 'Thanks for your email' }, 'Re: Your quote'],
    [{ precedence: 'auto_reply' }, 'Re: Your quote'],
    [{ precedence: 'bulk' }, 'Re: Your quote'],
    [{ precedence: 'junk' }, 'Re: Your quote'],
    [{}, 'Out of Office: Your quote'],
    [{}, 'Automatic reply: Your quote'],
    [{}, 'Autoreply: Your quote'],
    [{}, 'Abwesenheitsnotiz: Ihr Angebot'],
    [{}, 'Absence: votre devis'],
    [{}, 'RE: Out of office until Monday'],
  ])('a machine answer: %j, "%s"', (headers, subject) => {
    // Act
    const auto = isAutoReply({ headers, subject });

    // Assess
    expect(auto).toBe(true);
  });

  it.each([
    [{}, 'Re: Your quote'],
    [{ 'auto-submitted': 'no' }, 'Re: Your quote'],
    [{ precedence: 'first-class' }, 'Re: Your quote'],
    [{}, 'Re: office chairs for the new site'],
  ])('a person: %j, "%s"', (headers, subject) => {
    // Act
    const auto = isAutoReply({ headers, subject });

    // Assess
    expect(auto).toBe(false);
  });

  it('a delivery report from the mailer daemon is a machine too', () => {
    // Act
    const auto = isAutoReply({
      headers: {},
      subject: 'Undelivered Mail',
      from: 'MAILER-DAEMON@mx.example.com',
    });

    // Assess
    expect(auto).toBe(true);
  });
});

describe('findReturnDate', () => {
  it.each([
    ["I'm out of the office and will be back on Monday 14 December.", '2026-12-14'],
    ['Returning 2026-12-14, with limited access to email.', '2026-12-14'],
    ['I am out until 12/14.', '2026-12-14'],
    ["I'll be back in the office on Monday, December 14th, 2026.", '2026-12-14'],
    ['Back on January 5th; happy holidays!', '2027-01-05'],
    ['I return on 4 January 2027.', '2027-01-04'],
    ['Ich bin bis zum 14.12. nicht im Büro.', '2026-12-14'],
    ['Ich bin ab dem 14. Dezember wieder erreichbar.', '2026-12-14'],
    ['I am away until Friday.', '2026-12-11'],
    ['Out until 14/12 (day/month).', '2026-12-14'],
  ])('"%s" → %s', (text, expected) => {
    // Act
    const date = findReturnDate(text, RECEIVED, ZONE);

    // Assess
    expect(date).toBe(expected);
  });

  it.each([
    ["I'm out of the office with limited access to email.", 'no date at all'],
    ['Back on 1 December.', 'a stale out-of-office: the day has passed this year'],
    ['I was back on 2026-12-01.', 'a past date with a year'],
    ['Returning 2028-06-01.', 'more than a year away'],
    ['Our offer is valid until the end of the month.', 'no date after the trigger'],
  ])('"%s" → none (%s)', (text) => {
    // Act
    const date = findReturnDate(text, RECEIVED, ZONE);

    // Assess
    expect(date).toBeUndefined();
  });

  it('reads the first return date, not a date in the quoted message below it', () => {
    // Prepare
    const text = 'Back on 10 December.\n\n> On 2 December you wrote: shall we meet on 20 December?';

    // Act
    const date = findReturnDate(text, RECEIVED, ZONE);

    // Assess
    expect(date).toBe('2026-12-10');
  });
});

describe('returnInstant', () => {
  it("is 09:00 on the return date in the lead's zone", () => {
    // Act
    const instant = returnInstant('2026-12-14', 'Europe/Berlin');

    // Assess
    expect(instant).toBe('2026-12-14T08:00:00Z');
  });
});
