import { describe, expect, it } from 'vitest';
import { findAskedDate, findReturnDate } from '../../../../functions/core/reply-date.ts';

/*
 * The dates after-rules-7 and the rows before it read wrong (#14, reader round 8), in other words than the rows:
 * "after May", a day after an event's date, the month a reply is written in, a busy period beside the asked one,
 * and an out-of-office's reopening, range and "til".
 */

const ZONE = 'America/Chicago';
const MARCH = new Date('2027-03-02T15:00:00Z'); // Tuesday 2 March 2027
const DECEMBER = new Date('2026-12-07T15:00:00Z'); // Monday 7 December 2026

describe('findAskedDate (after-rules-7)', () => {
  it.each([
    // chrono keeps "May" only after "in": after it is 1 June, until it 1 May, a day of it stays that day
    ['Try me again after May when things calm down.', '2027-06-01', MARCH],
    ["We're tied up until May with the move.", '2027-05-01', MARCH],
    ['Get back to me after May 15.', '2027-05-16', MARCH],
    // the day after an event's date
    ['Nothing until after our AGM on April 20.', '2027-04-21', MARCH],
    // the month the reply is written in is now; the asked one is the date
    ['December is mad here. Can you pick this up mid-January?', '2027-01-15', DECEMBER],
    ['December is our busy month. Can we regroup in January?', '2027-01-01', DECEMBER],
    // a busy period beside the month they can talk in
    ['The shop is shut over the summer and reopens in September.', '2027-09-01', MARCH],
    // "for the year" is the period, "next year" the date
    ['Budget is gone for the year, so this is a next year project.', '2027-01-01', DECEMBER],
    // an English "in a" is not German's "in a(inem Jahr)"
    ["She's deep in a rebrand; pick this up in the new year?", '2027-01-01', DECEMBER],
    ['Please connect in April.', '2027-04-01', MARCH],
  ])('"%s" → %s', (text, day, received) => {
    // Act
    const asked = findAskedDate(text, received, ZONE);

    // Assess
    expect(asked).toBe(day);
  });

  it('reads no date from "may" the verb', () => {
    // Act
    const asked = findAskedDate('You may call me after lunch.', MARCH, ZONE);

    // Assess
    expect(asked).toBeUndefined();
  });

  it('still reads a month named in the month before it', () => {
    // Act
    const asked = findAskedDate('Try me in December.', new Date('2026-11-10T15:00:00Z'), ZONE);

    // Assess
    expect(asked).toBe('2026-12-01');
  });
});

describe('findReturnDate (after-rules-7)', () => {
  it.each([
    ['The studio is closed for stocktake and will reopen on Monday 15 March.', '2027-03-15'],
    ['I am on leave from 3rd to 9th March, with no access to mail.', '2027-03-09'],
    ['away til 3/12, text if urgent', '2027-03-12'],
    ['Out until the 8th. Will reply then.', '2027-03-08'],
  ])('"%s" → %s', (text, day) => {
    // Act
    const back = findReturnDate(text, MARCH, ZONE);

    // Assess
    expect(back).toBe(day);
  });

  it('does not read a range\'s end without its "from": "up to 5 days"', () => {
    // Act
    const back = findReturnDate('Replies may take up to 5 days, back on 12 March.', MARCH, ZONE);

    // Assess
    expect(back).toBe('2027-03-12');
  });
});
