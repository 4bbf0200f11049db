/*
 * The English words the opt-out rules of functions/core/opt-out-words.ts are built from: verbs of stopping, what is
 * stopped (me, texts, this list) and what may follow a request, spelled as the rules see a message (lower case,
 * apostrophes and inner hyphens dropped, clause breaks as "|").
 */

export const alt = (...words: string[]) => `(?:${words.join('|')})`;

// Spellings after normalisation: apostrophes and inner hyphens are dropped ("don't" → "dont", "e-mail" → "email").
const GERUND = alt(
  'texting',
  'txting',
  'textin',
  'messaging',
  'msging',
  'emailing',
  'mailing',
  'contacting',
  'calling',
  'spamming',
  'bothering',
  'harassing',
  'pestering',
);
/** "calling and texting" */
export const GERUNDS = `${GERUND}(?: ${alt('and', 'or')} ${GERUND})*`;
export const ME = alt(
  'me',
  'us',
  'this number',
  `this ${alt('phone', 'phone number', 'cell', 'email', 'email address', 'address')}`,
  `my ${alt('number', 'phone', 'phone number', 'cell', 'mobile', 'office', 'landline', 'work number', 'work email', 'email', 'email address', 'email id', 'address', 'name', 'details', 'contact details', 'info', 'information', 'data')}`,
);
export const MESSAGES = alt(
  'texts?',
  'txts?',
  'text messages?',
  'sms',
  'messages?',
  'msgs?',
  'emails?',
  'mails?',
  'newsletters?',
  'spam',
  'junk',
  'marketing',
  'promotions?',
  'solicitations?',
);
/** What a request to stop may name beyond messages: "cease all communication", "stop the follow-ups". */
export const CONTACT = alt(MESSAGES, 'followups?', 'communications?', 'correspondence', 'outreach', 'calls');
// Repeated word lists are of single words: with "any more" beside "any" and "more", a long run of them would
// backtrack exponentially (a text could stall the function).
export const DETERMINERS = `(?:${alt('the', 'this', 'that', 'these', 'those', 'all', 'of', 'your', 'ur', 'any', 'anymore', 'more', 'further', 'future', 'such', 'so', 'many', 'my', 'whatever', 'every')} )*`;
const LIST_QUALIFIER = alt(
  'mailing',
  'email',
  'mail',
  'text',
  'texting',
  'txt',
  'sms',
  'contact',
  'marketing',
  'distribution',
  'subscriber',
  'subscription',
  'call',
  'calling',
  'message',
  'messaging',
  'promo',
  'promotional',
);
// "take me off this sequence": the sales tool's words for a list are lists too
export const LIST = `(?:${LIST_QUALIFIER} )?${alt('lists?', 'database', 'db', 'contacts', 'system', 'records', 'mailings?', 'subscribers?', 'distribution', 'sequences?', 'campaigns?', 'cadences?', 'drips?', 'automations?', 'workflows?')}`;
// "frm ur list": the short forms of texting
export const FROM_LIST = `${alt('off of', 'off', 'from', 'frm', 'out of')} ${DETERMINERS}(?:${LIST}|${CONTACT})`;
/** What may follow a request that must end its clause: "don't text me again, please". */
const TAIL = `(?: ${alt('again', 'anymore', 'any', 'more', 'ever', 'at', 'all', 'please', 'pls', 'plz', 'now', 'thanks', 'thank', 'you', 'thx', 'immediately', 'asap', 'already')})*`;
export const END = `${TAIL}(?= \\||$)`;
export const DONT = alt(
  'dont',
  'do not',
  'please dont',
  'please do not',
  'pls dont',
  'plz dont',
  'never',
  'please never',
  'dont ever',
  'do not ever',
  'never ever',
);

/** A second detail named beside the first: "remove my number and mail id from your database". */
export const MY_DETAIL = `(?:my )?${alt('number', 'phone number', 'email', 'email id', 'mail id', 'email address', 'address', 'details', 'name', 'data')}`;

/** "data you hold", "the details that you keep": what a request to be forgotten names (theirs, or about them). */
export const ABOUT_ME_HELD = `${alt('data', 'details', 'information', 'info', 'records', 'everything', 'anything')} (?:that |which )?${alt('you', 'u', 'your company')} ${alt('hold', 'have', 'keep', 'store', 'retain', 'process')}`;
