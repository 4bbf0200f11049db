import { describe, expect, it } from 'vitest';
import { type ReplyContext, readIntent } from '../../../../functions/core/intent.ts';
import type { Intent } from '../../../../functions/core/intent-labels.ts';

/*
 * The rule families written from after-rules-7's misses (#14, reader round 8), each in other words than the rows,
 * with look-alikes beside them: a family that fires wrongly elsewhere is worse than a miss.
 */

const RECEIVED = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, 09:00 in Chicago
const EMAIL: ReplyContext = { receivedAt: RECEIVED, zone: 'America/Chicago', channel: 'email' };
const SMS: ReplyContext = { ...EMAIL, channel: 'sms' };

const reads = (context: ReplyContext) => (text: string, label: Intent) => {
  // Act
  const reading = readIntent(text, context);

  // Assess
  expect(reading.label).toBe(label);
};

describe('readIntent: an opt-out asked again, for someone else, under the law (after-rules-7)', () => {
  it.each<[string, Intent]>([
    // asked before, in other words
    ['This is the third time I have requested to be unsubscribed.', 'unsubscribe'],
    // written for someone else
    ['Writing for my father: please take him off your mailing list.', 'unsubscribe'],
    ['On behalf of my mother: do not contact her again.', 'unsubscribe'],
    // two details named together
    ['Please delete my email and phone number from your records.', 'unsubscribe'],
    // a request to be forgotten that names the law
    ['Erase my data as per GDPR, thank you.', 'unsubscribe'],
    ['Streichen Sie bitte meine Adresse aus Ihrer Liste.', 'unsubscribe'],
    // ...and the look-alikes: never having asked, a colleague gone, an item off an order
    ['I never asked to be removed, why did the newsletter stop?', 'question'],
    ['She left the company in March, please remove her from your list.', 'wrong-person'],
    ['Please remove the second item from my order.', 'unsure'],
    ['I have asked my manager to be removed from the project.', 'unsure'],
  ])('"%s" → %s', reads(EMAIL));
});

describe('readIntent: a refusal for good in more words (after-rules-7)', () => {
  it.each<[string, Intent]>([
    // the work taken in-house, or never given out
    ["We're bringing all of our bookkeeping in-house.", 'no'],
    ['We never outsource our IT, sorry.', 'no'],
    // a decision that will not come back
    ['Management reviewed it and it is not going to happen.', 'no'],
    ["Your proposal didn't make the cut this round and won't be reconsidered.", 'no'],
    // another supplier settled, or no need in Indian English
    ['We have finalized with a local vendor already.', 'no'],
    ['At present there is no requirement at our end.', 'no'],
    // no time to be spent on it
    ["Please don't put any more time into this on our behalf.", 'no'],
    // the price that "doesn't work for a" business is the price, not the person
    ["The monthly fee just doesn't work for a shop like ours.", 'unsure'],
    // ...and the look-alikes: a requirement asked about, a cut that is a wait
    ['Is there a requirement to sign for a year?', 'question'],
    ["It won't be revisited until the new budget in April.", 'not-now'],
  ])('"%s" → %s', reads(EMAIL));
});

describe('readIntent: a wait in more words (after-rules-7)', () => {
  it.each<[string, Intent]>([
    ['Please connect with us in Q3.', 'not-now'],
    ["That's a conversation for later, I'm afraid.", 'not-now'],
    ["It'll come out of next FY's budget if anything.", 'not-now'],
    ['Our lease on the current system runs until June, so nothing can happen before then.', 'not-now'],
    ["We're heads down on the launch, let's talk after.", 'not-now'],
    ["I can't give it my attention right now.", 'not-now'],
    // ...and the look-alikes: a contract ending soon is room to move, a connection asked for is a handover
    ['Our contract with them runs out next week, send me your pricing.', 'interested'],
    ['Can we connect this afternoon?', 'meeting'],
  ])('"%s" → %s', reads(EMAIL));
});

describe('readIntent: going ahead, and a time (after-rules-7)', () => {
  it.each<[string, Intent]>([
    // a start or a trial asked for with a question is still a yes
    ["We'd like to pilot it with one team. Could you set that up?", 'interested'],
    ['Finance gave us the green light.', 'interested'],
    ["Perfect, let's get started.", 'interested'],
    ['Can you pull a proposal together for the three sites?', 'interested'],
    // a scope named with "maybe a bit" is no hedge
    ["You've convinced us. Send the quote for the website, maybe a bit of SEO too.", 'interested'],
    // a booking of a package, not of a time
    ["We'd like to lock in the gold package. Send the booking form.", 'interested'],
    // the forwarded mail's times are not the writer's
    [
      'Approved by my boss, see below. Send the contract.\n\n---------- Forwarded message ---------\nFrom: Ann\nDate: Tue, Dec 1, 2026 at 3:15 PM\n\nFine by me.',
      'interested',
    ],
    // a time offered in more forms
    ['Could we do the 9th instead?', 'meeting'],
    ["Let's do the 14th then.", 'meeting'],
    ['Thursday 10.12. at 15:30 would suit me.', 'meeting'],
    // ...and the look-alikes: locking in a time is still a meeting, a price asked about is a question
    ["Let's lock in Thursday at 3.", 'meeting'],
    ['how much for 3 ppl', 'question'],
    ["I'd like to start with a few questions. Does it support SSO?", 'question'],
  ])('"%s" → %s', reads(EMAIL));

  it.each<[string, Intent]>([
    ['can do thurs', 'meeting'],
    ['hw much is the install', 'question'],
  ])('texted: "%s" → %s', reads(SMS));
});

describe('readIntent: away, the wrong person, a handover, a grievance (after-rules-7)', () => {
  it.each<[string, Intent]>([
    ['Out till Monday.', 'out-of-office'],
    ['OOO until the 14th', 'out-of-office'],
    ["I'm out at client sites this week, back in the office on Friday.", 'out-of-office'],
    // ...and the look-alike: out of budget is no absence
    ["I'm out of budget until next year.", 'not-now'],
    ["New here and I'm in dispatch, no idea who would deal with this.", 'wrong-person'],
    ['I am not handling this requirement. Kindly check with the concerned department.', 'wrong-person'],
    // a grievance with a service already had is for a person, not a question about the offer
    ['Your technician broke the gate latch again. Who pays for that?', 'unsure'],
    ['Your last invoice was wrong, can someone call me?', 'unsure'],
    // ...and the look-alike: a question about the offer's invoices is a question
    ['Do you send invoices monthly?', 'question'],
    ['Huh?', 'unsure'],
    ["I loved the samples but my wife didn't. Don't know where that leaves us.", 'unsure'],
  ])('"%s" → %s', reads(EMAIL));

  it.each([
    [
      'Please direct any enquiries to our office manager at office@acme.example.',
      { email: 'office@acme.example' },
    ],
    ['Send it over to billing@acme.example please.', { email: 'billing@acme.example' }],
    [
      'Kindly connect with our IT head Mr. Arjun Rao. His email id is arjun@acme.example.',
      { email: 'arjun@acme.example', name: 'Arjun Rao' },
    ],
    ['my wife Carla does all the bookings', { name: 'Carla' }],
    ['ask for jo at the front desk', { name: 'Jo' }],
  ])('"%s" hands over to %o', (text, referral) => {
    // Act
    const reading = readIntent(text, SMS);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral });
  });

  it('does not take "ask for a quote" as a person', () => {
    // Act
    const reading = readIntent('ask for a quote at the front desk', SMS);

    // Assess
    expect(reading.label).not.toBe('referral');
  });
});

describe('readIntent: the same families in a prospect’s other words (round 8, written beside the rows)', () => {
  it.each<[string, Intent]>([
    // a refusal for good
    ["We've decided to keep things as they are. Thanks anyway.", 'no'],
    ["We're not in a position to take this on, now or in the future.", 'no'],
    ['We do all of that ourselves.', 'no'],
    ['Our board rejected it.', 'no'],
    ['Honestly this is overkill for a practice our size.', 'no'],
    ["We won't be taking this any further.", 'no'],
    ["We've gone with a cheaper option, thanks.", 'no'],
    // an opt-out
    ['How did you get my email? I want it deleted.', 'unsubscribe'],
    ["I'd rather not receive any more of these.", 'unsubscribe'],
    ['Please cease all contact.', 'unsubscribe'],
    ['Please stop calling my office.', 'unsubscribe'],
    ['GDPR request: erase everything you hold on me.', 'unsubscribe'],
    ['I want nothing more to do with your company.', 'unsubscribe'],
    ["Don't write again.", 'unsubscribe'],
    // a wait
    ['Not the right moment for us. Try after Easter.', 'not-now'],
    ["We're in the middle of a merger. After that, happy to chat.", 'not-now'],
    ["We're waiting on funding, should know by June.", 'not-now'],
    ["We're not in a position to sign until March.", 'not-now'],
    // away, the wrong person, a handover
    ['Closed for the holidays, back 5 January.', 'out-of-office'],
    ["I don't deal with any of that, sorry.", 'wrong-person'],
    ['You want our office manager, Priya — priya@acme.example', 'referral'],
  ])('"%s" → %s', reads(EMAIL));

  it.each([
    // ...and the look-alikes, which must not stop anyone
    'The board didn’t reject it, they just want more data. Can you send a case study?',
    'No thanks needed, happy to help. Send the contract over.',
    'Closed for lunch until 2, call after that.',
    "I don't want to receive paper invoices, can you email them?",
  ])('"%s" is no stop', (text) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(['no', 'unsubscribe']).not.toContain(reading.label);
  });
});
