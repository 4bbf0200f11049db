import { describe, expect, it } from 'vitest';
import { type ReplyContext, readIntent } from '../../../../functions/core/intent.ts';
import type { Intent } from '../../../../functions/core/intent-labels.ts';

/*
 * The rule families written from after-rules-6's misses (#14, reader round 7), each in other words than the rows,
 * with look-alikes beside them: a family that fires wrongly elsewhere is worse than a miss.
 */

const RECEIVED = new Date('2026-12-07T15:00:00Z'); // Monday 7 December, 09:00 in Chicago
const EMAIL: ReplyContext = { receivedAt: RECEIVED, zone: 'America/Chicago', channel: 'email' };
const SMS: ReplyContext = { ...EMAIL, channel: 'sms' };

describe('readIntent: an opt-out in whatever words it comes (after-rules-6)', () => {
  it.each<[string, Intent]>([
    // "off" written "of": still a list or messages to be taken off
    ['pls take me of this mailing list', 'unsubscribe'],
    ['get us of ur texts', 'unsubscribe'],
    // a bare "delete it" whose "it" is the address they ask how we got, or never gave
    ['Where did you find my phone number?? Erase it.', 'unsubscribe'],
    ['I never gave you this email. Please remove it from your records.', 'unsubscribe'],
    // Dutch puts a courtesy word between the verb and its object
    ['Verwijder graag mijn emailadres.', 'unsubscribe'],
    // ...and the look-alikes: "did you get my email?" is a message, a list of days is no mailing list
    ['Did you get my email? The attachment was wrong, delete it.', 'question'],
    ['Can you take me of the Tuesday list and put me on Thursday?', 'question'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, SMS);

    // Assess
    expect(reading.label).toBe(label);
  });
});

describe('readIntent: a refusal in more words (after-rules-6)', () => {
  it.each<[string, Intent]>([
    // the progressive and the first person: "won't be needing it", "I'm not signing up"
    ["We won't be needing it, thanks.", 'no'],
    ["I'm not signing up, thank you.", 'no'],
    // another supplier chosen, in other verbs
    ["We've opted for a different provider.", 'no'],
    // doing it themselves, whatever the "it"
    ["We'll keep managing the rota ourselves.", 'no'],
    ["We're building our own CRM in-house.", 'no'],
    // the price out of reach for good
    ['Way beyond our budget, and that will never change.', 'no'],
    // a refusal, then an aside asked out of curiosity
    ['We decided not to renew. Out of curiosity, who designed your logo?', 'no'],
    // the premises closed for good
    ['We shut down the bakery for good in March.', 'no'],
    ['We closed our gym last year when the lease ended.', 'no'],
    // ...and the look-alikes: fewer seats, a call missed, closing for the day, a worry about terms, a wait
    ["We won't be needing the extra seats, just the base plan. Send the contract.", 'interested'],
    ["I'm not joining the call tomorrow, can we move it to Friday?", 'question'],
    ['We closed the clinic at 1 today, call tomorrow?', 'question'],
    ["I don't want to be stuck in a long contract, is there a monthly plan?", 'question'],
    ["It's out of our budget right now, maybe next year.", 'not-now'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });
});

describe('readIntent: the wrong person, and a handover (after-rules-6)', () => {
  it.each<[string, Intent]>([
    ['I left Northwind Traders back in August.', 'wrong-person'],
    ['I think you have muddled me up with another Sam.', 'wrong-person'],
    ['I never submitted any enquiry on your site.', 'wrong-person'],
    ['My name isn’t Priya.', 'wrong-person'],
    ['sorry, this is not jordan', 'wrong-person'],
    ["This email isn't directed to me, I work in accounts.", 'wrong-person'],
    ['I only do sales here, not maintenance.', 'wrong-person'],
    ['Not sure who looks after that, sorry.', 'wrong-person'],
    // ...and the look-alikes: a thing that is not working, a voicemail left
    ['this isnt working for us', 'unsure'],
    ['I left you a voicemail in March about this.', 'unsure'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });

  it.each([
    [
      'Please coordinate with Lena Park (lena@northwind.example) on this.',
      { email: 'lena@northwind.example', name: 'Lena Park' },
    ],
    ["You'll want Omar in IT for that: omar@acme.example", { email: 'omar@acme.example', name: 'Omar' }],
    ['+ Dana (dana@acme.example), our ops lead.', { email: 'dana@acme.example', name: 'Dana' }],
    ['Our bookkeeper is handling the invoices now: tom@acme.example.', { email: 'tom@acme.example' }],
    [
      'Could you email our office manager instead? Grace Liu, grace@acme.example.',
      { email: 'grace@acme.example', name: 'Grace Liu' },
    ],
    [
      'Kindly liaise with Mr. Suresh Rao (suresh@abc.example).',
      { email: 'suresh@abc.example', name: 'Suresh Rao' },
    ],
  ])('"%s" hands over to %o', (text, referral) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral });
  });

  it('does not hand over to the writer whose name follows a role: "Contact my assistant instead. Thanks, Bob"', () => {
    // Act
    const reading = readIntent('Contact my assistant instead. Thanks, Bob', EMAIL);

    // Assess
    expect(reading.label).not.toBe('referral');
  });
});

describe('readIntent: a wait, a time, a yes (after-rules-6)', () => {
  it.each<[string, Intent]>([
    // a wait asked for in more words
    ['nothing til after the move. try in august', 'not-now'],
    ['Message me in a fortnight.', 'not-now'],
    ['Drop us a note nearer the date.', 'not-now'],
    ["We're moving office in a month. Ask me again then.", 'not-now'],
    ['Follow up end of June please.', 'not-now'],
    ['Follow up with me on that day.', 'not-now'],
    ['once the kids are back at school ill have time to look properly', 'not-now'],
    // ...and the look-alikes: "when you're free" is now, "come in for" and "get in touch" are no wait
    ["Call me when you're free", 'unsure'],
    ['Can I come in for a consultation Friday morning?', 'meeting'],
    ['Please get in touch with me today.', 'unsure'],
    // a visit booked like a call, a time of day offered
    ["Let's do the viewing on Thursday.", 'meeting'],
    ['What about 4:15 tomorrow?', 'meeting'],
    ['How about 20% off?', 'question'],
    // a yes: liking what was shown, then asking for material; being put down for something
    ['I really like your portfolio, can you send prices for a June wedding?', 'interested'],
    ["Fine, you've twisted my arm. Put me down for the Saturday class.", 'interested'],
    // who is writing, or what is wrong: for a person
    ['Sorry, what company are you?', 'unsure'],
    ['You keep emailing me. What is the matter?', 'unsure'],
    // away, in its short spelling
    ['on leave til the 14th, back then', 'out-of-office'],
    // a worry about terms beside a question is the question
    ["Is there an exit fee? I don't want to be tied in.", 'question'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });
});
