import { describe, expect, it } from 'vitest';
import { findOptOut } from '../../../../functions/core/opt-out-words.ts';
import { newReplyText } from '../../../../functions/core/reply-text.ts';

/* Requests to stop written in words, and the look-alikes that are not. */

/** [what the lead wrote, the channel its words name (or "" when they name none)] */
const OPT_OUTS: readonly [string, '' | 'sms' | 'email'][] = [
  ['please stop texting me', 'sms'],
  ['remove me from your texts', 'sms'],
  ["wrong number, don't text me again", 'sms'],
  ['please remove me from your mailing list', 'email'],
  ['unsubscribe', ''],
  ['take me off this list', ''],
  ['stop emailing me', 'email'],
  ['no more emails', 'email'],
  ['do not contact me', ''],
  ['STOP TEXTING ME!!!', 'sms'],
  ['Stop texting me.', 'sms'],
  ['pls stop txting me', 'sms'],
  ['Please stop contacting me', ''],
  ['quit texting me', 'sms'],
  ['stop messaging me', ''],
  ['Stop calling and texting me', 'sms'],
  ['stop sending me texts', 'sms'],
  ['Stop sending me these emails', 'email'],
  ['stop the texts please', 'sms'],
  ['Stop all messages', ''],
  ['Please stop texting', 'sms'],
  ["Don't text me again", 'sms'],
  ['dont text me anymore', 'sms'],
  ['Don’t text me again', 'sms'],
  ['Never email me again', 'email'],
  ['do not text this number', 'sms'],
  ["Don't contact me ever again.", ''],
  ['Please don’t message me again', ''],
  ['Remove me.', ''],
  ['Please remove me from your list', ''],
  ['remove my number from your list', 'sms'],
  ['take my email off your list', 'email'],
  ['Take me off your mailing list please', 'email'],
  ['Take me off your texting list', 'sms'],
  ['delete me from your database', ''],
  ['get me off your list', ''],
  ['I want off your list', ''],
  ['Unsubscribe me please', ''],
  ['How do I unsubscribe?', ''],
  ['UNSUBSCRIBE!!', ''],
  ['I want to opt out', ''],
  ['opt me out', ''],
  ['Opt-out of texts', 'sms'],
  ["I'd like to be removed from your list", ''],
  ['I would like to be unsubscribed', ''],
  ['no more texts please', 'sms'],
  ['No further emails.', 'email'],
  ['I no longer wish to receive these emails', 'email'],
  ["I don't want to receive any more texts", 'sms'],
  ['I do not wish to be contacted', ''],
  ['Sorry, wrong number', 'sms'],
  ['Wrong number', 'sms'],
  ['you have the wrong person', ''],
  ['Leave me alone', ''],
  ['Stop please', ''],
  ['please stop', ''],
  ['Ok stop.', ''],
  ['Stop. Not interested.', ''],
  ['Stop!!! Wrong person', ''],
  ['Please cancel my subscription', ''],
  ['if you don’t stop texting me I will report you', 'sms'],
  ['Hi Sam, thanks, but please stop emailing me about this', 'email'],
  ['Not interested. Please remove me from your texts, thank you', 'sms'],
  ['Remove me from all future emails.', 'email'],
  ['Take my name off whatever list you bought.', ''],
  ['Delete my details.', ''],
  ['Please erase my data from your database', ''],
  ['How do I get off this list?', ''],
  ["I'd appreciate it if you took me off your mailing list.", 'email'],
  ['kindly remove me frm ur list', ''],
  ['unsubscibe', ''],
  ['STOP ALL', ''],
  ['Bitte entfernen Sie mich aus Ihrem Verteiler.', ''],
  ['Ich möchte mich abmelden.', ''],
  ['Keine E-Mails mehr, bitte.', 'email'],
  ['Por favor, dejen de enviarme correos.', ''],
  ['Quiero darme de baja.', ''],
  ['Désinscrivez-moi, merci.', ''],
  ["Ne m'envoyez plus de courriels.", ''],
  ['Cancellatemi dalla vostra lista.', ''],
  ['Non voglio più ricevere email.', ''],
  ['Schrijf me uit a.u.b.', ''],
  ['Geen mails meer graag.', 'email'],
  // a sales tool's list, contact beyond messages, details discarded
  ['Could you please take me off this sequence?', ''],
  ['Take me off your marketing campaign.', ''],
  ['Cease all communication with this address.', ''],
  ['Please stop the follow-ups.', ''],
  ['No more follow-ups, please.', ''],
  ['No further correspondence.', ''],
  ['please lose my email address', 'email'],
  ['Bin my number, thanks', 'sms'],
  ['Take me off.', ''],
  ['Stop with the emails.', 'email'],
  ['Enough with the texts!', 'sms'],
  // typos of "unsubscribe": within two edits of the word
  ['unsubscirbe', ''],
  ['usnubscribe me pls', ''],
  ['Unsubscrbe from this', ''],
  // the same requests in other word orders abroad
  ['Merci de ne plus me contacter.', ''],
  ['Non contattatemi più.', ''],
  ['Bitte mich nicht mehr kontaktieren.', ''],
  ['Haal me van de lijst.', ''],
  ['Stop met mailen.', ''],
  ['Please remove.', ''],
  ['Remove me from all communications.', ''],
  ['Quiten mi correo de su lista.', 'email'],
  ['Retirez mon adresse de votre liste.', ''],
  ['Bitte aus dem Verteiler nehmen.', 'email'],
  // after-rules-4: the address called an "email id", "communication" as what is received, Italian's infinitive
  ['Kindly remove my email id from your database.', 'email'],
  ['I do not wish to receive any further communication.', ''],
  ['Vi prego di cancellarmi dalla vostra mailing list.', ''],
];

const LOOK_ALIKES: readonly string[] = [
  "don't stop",
  'Stop by',
  'I will stop by on Tuesday',
  'unstoppable',
  "can't stop thinking about it",
  'remove the second item from my order',
  'stop the presses, this is great',
  'Don’t stop now, this is great',
  'Please don’t stop sending me updates',
  'non-stop service, love it',
  'The bus stop is on Main St',
  'Can we stop at 3?',
  'I stopped by your shop yesterday',
  'We need to stop the leak in the basement',
  'My kid can’t stop texting me lol',
  "I'll never stop recommending you",
  "I don't want to unsubscribe, keep them coming",
  'I accidentally unsubscribed, can you add me back?',
  'Do not contact the neighbours before 9am',
  'Please remove me from the cc on the invoice thread',
  'Could you take me off the waiting list and book me in?',
  'Take the old shed off the list of jobs',
  'Remove the old deck and add a patio',
  'Please remove the charge from my card',
  'No more questions, let us book it',
  'Not interested right now, try me in spring',
  'Text me when you are outside',
  'Email me the quote',
  "Don't email me the invoice, text it",
  'Please send me the brochure',
  'Stop sending me the invoice twice, once is enough',
  'Don’t text me until Monday',
  'Please stop texting me until after the holidays',
  'I gave you the wrong address, use 12 Elm St',
  'Thanks, this looks good. Can we talk on Tuesday?',
  'Keep the emails coming!',
  'Delete my details from the old account and use the new email.',
  'Can you remove me from the cc list on this thread?',
  'Take my name off the sign-up sheet for the webinar',
  'Ich habe keine E-Mails bekommen.',
  'Stop all the noise, just send the quote.',
  'Did you lose my email? I replied last week.',
  "Please don't lose my email address, I want the report.",
  'Forget my email from yesterday, we are in.',
  'No more follow-ups needed, I booked a slot.',
  'With your tool, no more communication gaps!',
  'Take me off the waiting list for the campaign webinar and book me in.',
  "We don't get enough emails from prospects, that's the problem.",
  "I'd like to subscribe to the newsletter",
  'I accidentally unsubscribed, please add me back',
  'That was an unsubtle pitch, but I like it',
  "I'm unsure, send more info",
  'Please remove the attachment, it was the wrong one',
  "I'd like to receive any further communication about the pilot.",
  'Did you remove my email id from the old thread? Just checking.',
];

describe('opt-outs in words', () => {
  it('holds at least 60 phrasings, opt-outs and look-alikes together', () => {
    expect(OPT_OUTS.length + LOOK_ALIKES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(OPT_OUTS)('"%s" is an opt-out (channel named: "%s")', (text, channel) => {
    // Act
    const cue = findOptOut(text);

    // Assess
    expect(cue).toBeDefined();
    expect(cue?.channel ?? '').toBe(channel);
  });

  it.each(LOOK_ALIKES)('"%s" is not an opt-out', (text) => {
    // Act
    const cue = findOptOut(text);

    // Assess
    expect(cue).toBeUndefined();
  });

  it('names the rule and the words as written, so a person sees why', () => {
    // Act
    const cue = findOptOut('Hi Sam — wrong number, DON’T text me again!!');

    // Assess
    expect(cue).toEqual({ rule: 'do-not-contact', words: 'DON’T text me again', channel: 'sms' });
  });

  it('ignores case, punctuation and spacing', () => {
    // Act
    const cues = [
      '  PLEASE   stop   TEXTING me ',
      'please, stop texting me!',
      'Please stop texting me?!',
    ].map((text) => findOptOut(text)?.rule);

    // Assess
    expect(cues).toEqual(['stop-doing-to-me', 'stop-doing-to-me', 'stop-doing-to-me']);
  });
});

describe('the new text of an email reply', () => {
  it('drops the quoted history below "On … wrote:", wrapped or not, and "> " lines', () => {
    // Prepare
    const reply = [
      'Sounds good, see you Tuesday.',
      '',
      'On Mon, 7 Dec 2026 at 15:00, Sam at Northwind <sam@northwind.example>',
      'wrote:',
      '> Hi Jordan, here is your quote.',
      '> Unsubscribe: https://northwind.example/u/abc',
    ].join('\r\n');

    // Act
    const text = newReplyText(reply);

    // Assess
    expect(text).toBe('Sounds good, see you Tuesday.');
    expect(findOptOut(text)).toBeUndefined();
  });

  it("drops Outlook's original-message block", () => {
    // Prepare
    const reply = [
      'Please remove me from your list.',
      '',
      '________________________________',
      'From: Sam <sam@northwind.example>',
      'Sent: Monday, December 7, 2026 9:00 AM',
      'Subject: Your quote',
      '',
      'Reply STOP to stop texts. Unsubscribe: https://northwind.example/u/abc',
    ].join('\n');

    // Act
    const text = newReplyText(reply);

    // Assess
    expect(text).toBe('Please remove me from your list.');
  });

  it('drops a mail server\'s legal notice: its "delete this e-mail" is no removal request, in English or German', () => {
    // Prepare
    const reply = [
      'Please send me the contract documents, then I will sign it.',
      '',
      'Katrin Bauer',
      'Blumenhaus Bauer GmbH',
      '',
      'Diese E-Mail kann vertrauliche Informationen enthalten. Wenn Sie nicht der richtige Adressat sind, informieren Sie bitte sofort den Absender und löschen Sie diese E-Mail. / This e-mail may contain confidential information. If you are not the intended recipient, please notify the sender immediately and delete this e-mail.',
    ].join('\n');

    // Act
    const text = newReplyText(reply);

    // Assess
    expect(text).toBe(
      'Please send me the contract documents, then I will sign it.\n\nKatrin Bauer\nBlumenhaus Bauer GmbH',
    );
    expect(findOptOut(text)).toBeUndefined();
    // The notice alone would have read as one: the test can fail.
    expect(findOptOut('If you are not the intended recipient, please delete this e-mail.')).toBeDefined();
  });

  it('keeps a removal request written above a legal notice', () => {
    // Act
    const text = newReplyText(
      'Please delete this email address from your list.\n\nIf you have received this message in error, please delete it.',
    );

    // Assess
    expect(text).toBe('Please delete this email address from your list.');
    expect(findOptOut(text)).toMatchObject({ channel: 'email' });
  });

  it('keeps interleaved answers between quoted lines', () => {
    // Act
    const text = newReplyText('> Shall we book Tuesday?\nYes, Tuesday.\n> Unsubscribe here\nThanks');

    // Assess
    expect(text).toBe('Yes, Tuesday.\nThanks');
  });
});

describe('opt-outs in words: hostile input', () => {
  it('a long run of repeated words is read in linear time, and its record stays short', () => {
    // Prepare
    const hostile = `stop sending ${'any more '.repeat(3000)}texts ${'again '.repeat(3000)}`;

    // Act
    const cue = findOptOut(hostile);
    const none = findOptOut(`stop sending ${'any more '.repeat(3000)}invoices`);

    // Assess
    expect(cue?.rule).toBe('stop-sending');
    expect(cue?.words.length).toBeLessThanOrEqual(200);
    expect(none).toBeUndefined();
  });
});
