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
    ['busy til end of month, ping me then', '2026-12-31'],
    ['We review vendors in the new year. Could you put a reminder in for early February?', '2027-02-01'],
    ['im off until mid-January (a real person, not an autoreply lol). ping me mid-January', '2027-01-15'],
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
    ['Estaré fuera de la oficina del 22 de diciembre al 6 de enero.', '2027-01-06'],
    ['Bonjour, je suis absente du 8 au 18 décembre.', '2026-12-18'],
    ['Risposta automatica: sono in ferie fino a lunedì 11 gennaio.', '2027-01-11'],
    [
      'Automatisch antwoord: ik ben op dit moment niet op kantoor. Vanaf maandag 14 december weer bereikbaar.',
      '2026-12-14',
    ],
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
    // going with us is no refusal; asking for the contract is a yes (after-rules-4; unsure before)
    ['We decided to go with you, send the contract.', 'interested'],
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

describe('readIntent: the rules of after-rules-4 (going ahead, a handover by role, a stop in more words)', () => {
  it.each<[string, Intent]>([
    // a yes whose question is about going ahead is interested; a request for the closing step is a yes
    ["We're keen to go ahead. What do you need from me to get the ball rolling?", 'interested'],
    ['Ok lets do it. whats next', 'interested'],
    ['Please send the order form.', 'interested'],
    ['Send the contract over and I’ll sign it today.', 'interested'],
    ['I think the Growth plan is a good fit for us. Could you send over a formal quote?', 'interested'],
    ['We are interesting in your offer and would like to receive more informations.', 'interested'],
    ["I'd still like them! Please send the code.", 'interested'],
    // ...but not a question about something else, nor a hedge
    ['What’s next for the product roadmap?', 'question'],
    ['Can you send the invoice again? I think we were double charged.', 'question'],
    ["I'd still like to keep my options open.", 'unsure'],
    ['I still need to think about it.', 'unsure'],
    ["We're not ready to sign yet.", 'unsure'],
    // a question asked without a question mark, and one that only looks like interest
    ['I want to know if the price includes shipping to Spain.', 'question'],
    ['wats the price for weekly vs fortnightly mowing', 'question'],
    ['I want to know more.', 'interested'],
    // a time moved, held or taken
    ['Can we move our call to Thursday, same time?', 'meeting'],
    ['Could we do a quick call on Wednesday?', 'meeting'],
    ["No worries, let's lock in Thursday arvo.", 'meeting'],
    ['I am available for the call on Monday. Please confirm.', 'meeting'],
    ['Yes, the 10:00 slot on the 22nd is fine. Will you call me?', 'meeting'],
    ["we don't do calls, email only", 'unsure'],
    // a pause without a date word
    ["Hold off for now pls, money's tight til payday", 'not-now'],
    ['Leadership has frozen all new spend. Reach back out then.', 'not-now'],
    ["We'll be ready to look at this once the new hires are in.", 'not-now'],
    // an actual no in more words, and the look-alikes that are not one
    ['Funny you should ask — we signed with one of your competitors yesterday.', 'no'],
    ['We regret to inform you that we will not be proceeding further.', 'no'],
    ['We will not be proceeding for now.', 'not-now'],
    ["We won't proceed without seeing pricing.", 'unsure'],
    ["We're not proceeding with the other vendor, so let's talk.", 'meeting'],
    ['changed my mind about the chairs, dont want them anymore', 'no'],
    ['I dont want to miss the demo, Thursday works.', 'meeting'],
    ['we went w someone else sorry', 'no'],
    ['The board decided to renew with our existing vendor, so this one’s off the table.', 'no'],
    ["This one's off the table for now.", 'not-now'],
    ['Is the discount off the table?', 'question'],
    ["Thanks but we'll keep doing it ourselves.", 'no'],
    ['We have made our decision and it is not you. Good luck.', 'no'],
    // not the one: resigned, the number changed hands, a private address
    ['Sir, I am not handling this anymore as I have resigned from the organisation.', 'wrong-person'],
    ["I'm not dealing with this right now.", 'unsure'],
    ["This isn't Mike. New number", 'wrong-person'],
    ['Not Karen. Wrong #', 'wrong-person'],
    ["This is a personal email, I don't own a business.", 'wrong-person'],
    // an away notice in plain words
    ["I'm away at a trade show and will be back in the office on Thursday 10 December.", 'out-of-office'],
    ['on vacation this week with spotty wifi, back on the 14th', 'out-of-office'],
    ["I'm back in the office on Monday, let's talk then.", 'meeting'],
    // more of the same kinds, written for this rule set: a number to call is no time to wait for
    ['Please call me on 555-0123', 'meeting'],
    ['Interested! When can we start?', 'interested'],
    ['Where do I sign?', 'interested'],
    ["I'd be open to a quick chat.", 'meeting'],
    ['Not open to a call, sorry.', 'unsure'],
    ['We are no longer looking.', 'no'],
    ["We can't justify the cost right now.", 'not-now'],
    ['Pass, thanks.', 'no'],
    ['Pass this to Maria please.', 'unsure'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });

  it.each([
    [
      'Our new CTO, Aisha Rahman, is evaluating tools like this now. I’d reach out to her directly.',
      { name: 'Aisha Rahman' },
    ],
    ['not me, try my business partner luis 555-0134', { name: 'Luis' }],
    [
      'I moved out of marketing; the person you want now is Kevin Osei — kosei@brightpath.example.',
      { email: 'kosei@brightpath.example', name: 'Kevin Osei' },
    ],
    ['Mate I just do the books, you want Shane for anything to do with the fleet.', { name: 'Shane' }],
    [
      'Jamie took over my accounts. Looping Jamie in here — jamie.lee@copperline.example',
      { email: 'jamie.lee@copperline.example', name: 'Jamie' },
    ],
  ])('"%s" hands over to %o', (text, referral) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral });
  });

  it('"Thanks John. I’d reach out to him directly." names nobody by a role, so hands nothing over', () => {
    // Act
    const reading = readIntent('Thanks John. I’d reach out to him directly if I were you.', EMAIL);

    // Assess
    expect(reading.label).not.toBe('referral');
  });

  it('a two-letter word is no date: "so" is not German Sunday, "after May" is 1 June', () => {
    // Prepare: Wednesday 25 March, evening in Denver
    const context: ReplyContext = {
      receivedAt: new Date('2026-03-26T02:10:00Z'),
      zone: 'America/Denver',
      channel: 'email',
    };

    // Act
    const reading = readIntent(
      "The reno got pushed back, so I don't need the cabinets yet. I'll probably be ready after May.",
      context,
    );

    // Assess
    expect(reading.label).toBe('not-now');
    expect(DateTime.fromISO(reading.until ?? '', { zone: context.zone }).toISODate()).toBe('2026-06-01');
  });
});

describe('readIntent: the rules of after-rules-5 (how people say each thing, in other words than the rows’)', () => {
  it.each<[string, Intent]>([
    // a no in more words: a flat "no chance", saying no, a rule that forbids it, a decision not to buy
    ['No chance, far too pricey for a shop our size.', 'no'],
    ["I'll have to say no on this one.", 'no'],
    ["Head office requires us to use their own system, so we can't use yours.", 'no'],
    ['We will not be able to proceed further with your quotation.', 'no'],
    ["We've already tied up with a local agency for this.", 'no'],
    ["Thanks, but we're going to carry on as we are.", 'no'],
    ['The decision’s no, sorry.', 'no'],
    ["Nope. Still not buying. You've emailed six times.\n\nPass.", 'no'],
    ['No ta, all sorted here', 'no'],
    ['Not interested, and that is for good.', 'no'],
    // ...and the look-alikes: a wait, a chance of success, a question
    ["No chance I'll get to this before next year, try me then.", 'not-now'],
    ['Is there any chance of a discount?', 'question'],
    ['We can’t use it until the new budget in April.', 'not-now'],
    // the business gone is a no, even when its owner retired too
    ['We shut down the salon in May. Retired now, thanks anyway!', 'no'],
    ['The shop went out of business last year.', 'no'],
    ['Our store is closed for the holidays and reopens on 4 January.', 'out-of-office'],
    // an aside is about something else: the reply is read before it
    ["We'll pass, it isn't a fit. Unrelated question, who makes your mugs?", 'no'],
    ['Not interested right now. Side note: who designed your logo?', 'not-now'],
    // not the person: not the owner, meant for someone else, a number that changed hands, "no Megan here"
    ["I'm not the owner, I just work the weekend shifts.", 'wrong-person'],
    ['I think this email was intended for somebody else.', 'wrong-person'],
    ["I don't handle anything like that in my job.", 'wrong-person'],
    ['I retired from the practice last spring, sorry.', 'wrong-person'],
    ["She doesn't work at Baxter & Co anymore.", 'wrong-person'],
    ['I only got this number last month, no idea who Dave is', 'wrong-person'],
    ["sorry, there's no Priya here", 'wrong-person'],
    ['No worries here, Tuesday works.', 'meeting'],
    // a handover: "you'll want" an address, "she's at" an address, a relative who handles it now
    ['Not my call — you’ll want ops@harbor.example for this.', 'referral'],
    ['Our new office manager took over. She’s at jo@harbor.example.', 'referral'],
    ['My son Tom runs the website side now, I passed your message on to him.', 'referral'],
    // a yes: agreed to go ahead, going with it, getting it signed, everyone on board, rolling it out
    ['The partners agreed to go ahead. Send the agreement when you can.', 'interested'],
    ["Right, we'll go with the standard plan. I'll sort out the payment tomorrow.", 'interested'],
    ['Send it through and I’ll get it signed this week.', 'interested'],
    ["Everyone's on board here. Could you put together a formal quote?", 'interested'],
    ['Looks spot on for us, honestly.', 'interested'],
    ['This is right up our street.', 'interested'],
    ['I am very interest in your product, please send the prices.', 'interested'],
    ['Still interested! Can you resend the signup link? Mine expired.', 'interested'],
    ['We would love to learn more. Could someone send over the details and a price?', 'interested'],
    // ...not a hedge nor an unrelated request
    ['Could you resend the invoice? It never arrived.', 'question'],
    // a wait without a date word: give it time, once something is done, a budget spent, a reopening
    ['Give it a few more months and try again?', 'not-now'],
    ["Once the new system is bedded in we'll look at this properly.", 'not-now'],
    ['Our marketing budget is fully spent for this year.', 'not-now'],
    ['Kindly revert after Diwali, we will check then.', 'not-now'],
    ['We reopen in March after the refit, can we pick it up then?', 'not-now'],
    ['Once you send the contract I will sign it.', 'interested'],
    ['nobody here to follow up on the leads, not a fit for us', 'no'],
    // a time: booked through the link, free after an hour, a day and time that is "ok"
    ['Just booked the 2:30 on Thursday via your scheduling link.', 'meeting'],
    ['free after 3 tmrw, ring me', 'meeting'],
    ['tues 10.30 ok?', 'meeting'],
    ['Wednesday 14:00 is fine. You can call me on +44 7700 900123.', 'meeting'],
    ['go ahead and book us in for the installation', 'interested'],
    // who is writing, what this is about, a broken message: for a person to answer
    ["who's this?", 'unsure'],
    ['Sorry, what is this regarding?', 'unsure'],
    ['Is this about my order?', 'unsure'],
    ['did u get the pics i sent', 'unsure'],
    ['Your last email came through empty.', 'unsure'],
    ["Who's this for, small shops or big chains?", 'question'],
    // a closed office's autoreply, a site with no signal
    [
      'Our office is closed until 5 January. Messages received during this period will be answered on our return.',
      'out-of-office',
    ],
    ['On the road all week with patchy signal, back Friday.', 'out-of-office'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });

  it('reads a long reply without a sentence end in linear time (a question cue took minutes on 8,000 characters)', () => {
    // Prepare: the most the reader reads, with no "?" for the question cue to end on
    const hostile = 'We are interested but once '.repeat(300);

    // Act
    const reading = readIntent(hostile, EMAIL);

    // Assess
    expect(reading.label).toBe('interested');
  });

  it.each<[string, Intent, ReplyContext]>([
    // a request to be forgotten is an opt-out, in GDPR's words too; BAJA is Spanish for STOP
    ['Please erase all the personal information you hold about me.', 'unsubscribe', EMAIL],
    ['I am exercising my right to erasure under the GDPR.', 'unsubscribe', EMAIL],
    ['BAJA', 'unsubscribe', SMS],
    ['baja por favor', 'unsubscribe', SMS],
    // ...not a question about data nor the word in a sentence
    ['What data do you hold on your customers?', 'question', EMAIL],
    ['How does your tool handle the right to erasure for our customers?', 'question', EMAIL],
    ['Please remove the records you have for our old office and use the new address.', 'unsure', EMAIL],
    ['Los precios bajan en enero?', 'question', SMS],
  ])('"%s" → %s', (text, label, context) => {
    // Act
    const reading = readIntent(text, context);

    // Assess
    expect(reading.label).toBe(label);
  });
});

describe('readIntent: the rules of after-rules-3 (a refusal, an opt-out, a handover as people write them)', () => {
  it.each<[string, Intent]>([
    // a reply that ends on a bare "No.", or the answer called a no
    ['Wow, a fifth email. That will surely win me over. No.', 'no'],
    ['Appreciate the persistence, but the answer is still no.', 'no'],
    ["It's a firm no from us.", 'no'],
    ['Do I need to install anything? No? Great, send it over.', 'question'],
    ['No problem, Tuesday works.', 'meeting'],
    // "isn't for us", "nothing here for us", but not "not for me to decide"
    ["We're a 2-person shop, this really isn't for us.", 'no'],
    ["We don't do outbound at all, so there's nothing here for us.", 'no'],
    ["That's not for me to decide, but it sounds great.", 'interested'],
    ["This isn't for us to judge. Send me the pricing.", 'interested'],
    // never, in the future tense
    ["We'd never pay for a tool like this.", 'no'],
    ['I never use Calendly, can you send a few times?', 'question'],
    // went with another, after a conjunction; not switching
    ['We looked at you last year and went with Apollo.', 'no'],
    ['I talked to our CFO and went with the annual plan you suggested.', 'unsure'],
    ['Happy with our current setup, not switching.', 'no'],
    ["We're not switching email providers, does it work with Outlook?", 'question'],
    ["It isn't something we'll be pursuing.", 'no'],
    // a limit widened to always is no limit
    ['No interest at this time or in the future.', 'no'],
    ['Not now, not ever.', 'no'],
    ['Not interested at the moment, maybe in the near future.', 'not-now'],
    // an approximate number is no hedge
    ['We send maybe 50 emails a week, so this would be overkill. Not a fit for us.', 'no'],
    ['Maybe not a fit for us.', 'unsure'],
    // a refusal in German, Spanish, French, Italian and Dutch
    ['Nein danke, kein Bedarf.', 'no'],
    ['No, gracias. Ya tenemos una solución que nos funciona.', 'no'],
    ['Non merci, pas besoin.', 'no'],
    ['No grazie, non ci serve.', 'no'],
    ['Nee, dank je. We hebben hier geen behoefte aan.', 'no'],
    ['Nicht jetzt, vielleicht im Frühjahr.', 'not-now'],
    // "I'll pass it around" hands the note on
    ['I’ll pass it around and see what people say.', 'unsure'],
    ["I'll pass, thanks.", 'no'],
    // the writer left, or is not the one
    ['I left Brightline over a year ago, so I can’t help with this.', 'wrong-person'],
    ['I left you a voicemail two days ago, call me back.', 'unsure'],
    ['You must have me confused with someone else.', 'wrong-person'],
    ["This isn't something I deal with. I'm on the product side.", 'wrong-person'],
    ['Hola, ya no trabajo en esa empresa.', 'wrong-person'],
    ['Ich bin dafür leider nicht zuständig.', 'wrong-person'],
    ['Je ne suis pas la bonne personne pour ça, désolée.', 'wrong-person'],
    ['Non sono la persona giusta.', 'wrong-person'],
    // an out-of-office in words, and a person who says they are none
    ['Automatisch antwoord: ik ben op dit moment niet op kantoor.', 'out-of-office'],
    ['Respuesta automática: estoy de viaje.', 'out-of-office'],
    ['I am not an autoreply lol, try me next week', 'not-now'],
    // times accepted and interest shown in the other languages
    ['Wednesday 11:00 works. I’ll bring our head of CS along.', 'meeting'],
    ['Accepted the invite for Thursday. Looking forward to it.', 'meeting'],
    ['Ja, gerne. Passt Ihnen Montag um 10 Uhr?', 'meeting'],
    ['Oui, mardi à 10h ?', 'meeting'],
    ['ok you got my attention lol. send over the one-pager', 'interested'],
    ['Sí, me interesa bastante. ¿Me puedes mandar la información?', 'interested'],
    ['Ja, klingt interessant. Schicken Sie mir gerne weitere Unterlagen zu.', 'interested'],
    ['Nicht wirklich interessiert.', 'unsure'],
    // more refusals of the same kinds: no need at all, staying, a bare no in other languages, "not for us" abroad
    ['We have zero interest.', 'no'],
    ['Merci mais non.', 'no'],
    ["Doesn't fit our needs.", 'no'],
    ["Tuesday doesn't work for me, how about Wednesday?", 'meeting'],
    ["We're going to stay with our current provider.", 'no'],
    ["We're staying with our current provider for now.", 'not-now'],
    ["We've decided to keep it in-house.", 'no'],
    ["Ce n'est pas pour nous, merci.", 'no'],
    ['Das ist nichts für uns.', 'no'],
    ['Wir haben bereits einen Anbieter.', 'no'],
    // a time that is not good, a capacity that will come back
    ["Now's not a good time.", 'not-now'],
    ['No bandwidth for this right now.', 'not-now'],
    ["She's no longer here.", 'wrong-person'],
    ["How's Thursday at 2?", 'meeting'],
    ['Book me in for Friday.', 'meeting'],
    // covered already, not needed, never will be; a budget or a wait that passes is a not-now
    ["It's not in the budget and never will be.", 'no'],
    ['Not in the budget this year.', 'not-now'],
    ["Thanks, we've got it covered.", 'no'],
    ["We've got a solution already.", 'no'],
    ['Not needed.', 'no'],
    ['Not needed right now.', 'not-now'],
    ["Not something I'm interested in.", 'no'],
    ['Not until next year.', 'not-now'],
    ['Reach back out next year.', 'not-now'],
    ['Hit me up in the spring.', 'not-now'],
    ['On leave until 3 Feb.', 'out-of-office'],
    // the writer is not the one, in more words
    ["You've reached the wrong Sam.", 'wrong-person'],
    ["I'm retired.", 'wrong-person'],
    ["I'm not with that company anymore.", 'wrong-person'],
    ["I don't work there.", 'wrong-person'],
    ["Let's do Tuesday.", 'meeting'],
    ['Please remove the attachment, it was wrong. Otherwise sounds good.', 'interested'],
    // typos of the words a reading turns on, and "uninterested"
    ['not intrested thx', 'no'],
    ['Sounds intresting, tell me more', 'interested'],
    ["I'm avaiable tommorow at 3", 'meeting'],
    ['Honestly uninterested.', 'no'],
    ['Our interests align, tell me more.', 'interested'],
    // a question has words, and a complaint put as one is for a person
    ['?', 'unsure'],
    ['Why do you keep sending these?', 'unsure'],
    ['Why does your tool need access to my inbox?', 'question'],
  ])('"%s" → %s', (text, label) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading.label).toBe(label);
  });

  it.each([
    [
      'Bitte wenden Sie sich an meinen Kollegen Felix Braun, f.braun@rheinwerk.example.',
      'Felix Braun',
      'f.braun@rheinwerk.example',
    ],
    [
      'Hablen con Lucía Romero, ella lleva compras: lucia.romero@grupoandes.example',
      'Lucía Romero',
      'lucia.romero@grupoandes.example',
    ],
    ['Adressez-vous à ma collègue Claire Martin.', 'Claire Martin', undefined],
    ['text my colleague Ray instead, 555-0134', 'Ray', undefined],
    ['Jen is the one you want: jen@acme.example', 'Jen', 'jen@acme.example'],
    ['Loop in Sarah Cole please, sarah@acme.example', 'Sarah Cole', 'sarah@acme.example'],
  ])('a handover in other words: "%s" → %s', (text, name, email) => {
    // Act
    const reading = readIntent(text, EMAIL);

    // Assess
    expect(reading).toMatchObject({ label: 'referral', referral: { name, ...(email ? { email } : {}) } });
  });

  it('a chat tool named after a handover is no person', () => {
    // Act
    const reading = readIntent('Ping our team on Slack, happy to chat there.', EMAIL);

    // Assess
    expect(reading.label).not.toBe('referral');
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

  it('gives each file its accuracy and stop precision, so a wrong stop in one file is not averaged away', () => {
    // Prepare: one file of a single wrong stop beside one that reads right
    const row = {
      text: 'Not interested.',
      receivedAt: RECEIVED.toISOString(),
      zone: EMAIL.zone,
      channel: 'email',
    } as const;
    const rows = [
      { ...row, label: 'interested', file: 'a.jsonl' },
      { ...row, label: 'no', file: 'b.jsonl' },
    ] as const;

    // Act
    const { figures } = measureIntent(rows);

    // Assess
    expect(figures.files).toEqual([
      { file: 'a.jsonl', rows: 1, accuracy: 0, noPrecision: 0, unsubscribePrecision: 1 },
      { file: 'b.jsonl', rows: 1, accuracy: 1, noPrecision: 1, unsubscribePrecision: 1 },
    ]);
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
