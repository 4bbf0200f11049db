import { OTHER_LANGUAGES } from './opt-out-languages.ts';
import {
  ABOUT_ME_HELD,
  alt,
  CONTACT,
  DETERMINERS,
  DONT,
  END,
  FROM_LIST,
  GERUNDS,
  LIST,
  ME,
  MESSAGES,
  MY_DETAIL,
} from './opt-out-vocabulary.ts';
import { typoOf } from './reply-typos.ts';

/*
 * A request to stop, written in words ("please stop texting me", "take me off this list"): small rules, each a
 * verb of stopping or removal with its object (me, texts, emails, this list, contacting), over the message made
 * lowercase with its punctuation reduced to clause breaks. A match names its rule and the words it matched, so a
 * person (or a later intent reader) can see why. Negated ("don't stop") and time-limited ("until Monday") requests
 * are not opt-outs; neither is a look-alike whose object is something else ("remove the second item"). The rules
 * beyond English are in functions/core/opt-out-languages.ts, the English words they are built from in
 * functions/core/opt-out-vocabulary.ts.
 */

/** The channel the words name, when they name one ("texts" → sms, "mailing list" → email). */
export type OptOutChannel = 'sms' | 'email';

export interface OptOutCue {
  /** The rule that matched, e.g. "stop-doing-to-me". */
  readonly rule: string;
  /** The words that matched, as written (whitespace collapsed). */
  readonly words: string;
  readonly channel?: OptOutChannel;
}

interface Rule {
  readonly id: string;
  readonly pattern: RegExp;
  /** The rule carries its own negation ("don't text me"), so a negation before it is not checked. */
  readonly negative?: true;
}

const RULES: readonly Rule[] = [
  // "stop texting me", "quit emailing my email address"
  {
    id: 'stop-doing-to-me',
    pattern: new RegExp(`\\b${alt('stop', 'quit', 'cease', 'halt')} ${GERUNDS} ${ME}\\b`),
  },
  // "please stop texting", "stop emailing."
  {
    id: 'stop-doing',
    pattern: new RegExp(`\\b${alt('stop', 'quit', 'cease', 'halt')} ${alt(GERUNDS, 'sending')}${END}`),
  },
  // "stop sending me texts", "stop sending these emails"
  {
    id: 'stop-sending',
    pattern: new RegExp(
      `\\b${alt('stop', 'quit', 'cease', 'halt')} sending (?:${ME} )?${DETERMINERS}${CONTACT}\\b`,
    ),
  },
  // "stop the texts", "stop all messages"
  {
    id: 'stop-the-messages',
    pattern: new RegExp(
      `\\b${alt('stop', 'halt', 'cease')} (?:with )?${DETERMINERS}(?:${CONTACT}|contact)\\b`,
    ),
  },
  // "enough with the emails", said as a clause of its own
  {
    id: 'enough-messages',
    pattern: new RegExp(
      `(?:^|\\| )(?:${alt('ok', 'okay', 'seriously')} )?enough (?:with |of )?${DETERMINERS}${CONTACT}\\b`,
    ),
  },
  // "cancel my subscription"
  { id: 'cancel-subscription', pattern: /\b(?:cancel|end) (?:my|the|this|your) subscription\b/ },
  // "no more emails", "no further texts"
  {
    id: 'no-more',
    // "no more follow-ups, please", not "no more follow-ups needed" or "no more communication gaps"
    pattern: new RegExp(
      `\\b${alt('no more', 'no further', 'no additional')} ${CONTACT}\\b(?! ${alt('needed', 'necessary', 'required', 'issues?', 'problems?', 'gaps?', 'delays?', 'errors?', 'mistakes?', 'breakdowns?')}\\b)`,
    ),
  },
  // "do not contact me", "wrong number, don't text me again"
  {
    id: 'do-not-contact',
    pattern: new RegExp(
      `\\b${DONT} ${alt('text', 'txt', 'sms', 'message', 'msg', 'email', 'mail', 'contact', 'call', 'spam', 'bother', 'reach out to', 'send')} (?:${ME}|${alt('her', 'him')})${END}`,
    ),
    negative: true,
  },
  // "please remove me from your mailing list", "take my number off your list", "remove me from your texts"
  {
    id: 'remove-from-list',
    pattern: new RegExp(
      `\\b${alt('remove', 'removing', 'take', 'took', 'taking', 'delete', 'deleting', 'drop', 'unsubscribe', 'erase', 'unenroll', 'unenrol', 'unlist', 'get', 'scrub', 'strike', 'cross', 'pull')} ${ME}(?: ${alt('and', 'or')} ${MY_DETAIL})? ${FROM_LIST}\\b`,
    ),
  },
  // "take me of ur emails": "off" written "of", the object a list or messages all the same
  {
    id: 'take-me-of',
    pattern: new RegExp(
      `\\b${alt('take', 'took', 'taking', 'get')} ${ME} of ${DETERMINERS}(?:${LIST}|${CONTACT})\\b`,
    ),
  },
  // "Where did you get my number? … Delete it.": a bare removal of the address or number they ask how we got
  // (the look-behinds sit after the verb so they run only where one is, not at every character)
  {
    id: 'delete-it-named',
    pattern: new RegExp(
      `(?:^|\\| )(?:${alt('please', 'pls', 'plz', 'just', 'kindly', 'so', 'now')} )*(?:${alt('delete', 'erase', 'remove', 'wipe', 'bin', 'scrub', 'destroy')} ${alt('it', 'that', 'them')}|(?:i |we )?${alt('want', 'need', 'would like', 'wd like')} ${alt('it', 'that', 'them')} ${alt('deleted', 'erased', 'removed', 'gone')})(?<=\\b(?:${alt('how', 'where', 'who')}(?: \\S+){0,3} ${alt('get', 'got', 'find', 'found', 'obtain', 'obtained', 'buy', 'bought')}|never ${alt('gave', 'given', 'shared', 'provided')}(?: ${alt('you', 'u')})?) ${alt('this', 'my', 'our')} (?:${alt('email', 'phone', 'cell', 'mobile', 'personal')} )?${alt('address', 'number', 'email', 'details', 'data', 'info', 'information')}\\b.*)(?<!\\bnew (?:\\S+ )?${alt('address', 'number', 'email')}\\b.*)(?:${END}| ${FROM_LIST}\\b)`,
    ),
  },
  // written on someone's behalf: "please remove her from your mailing lists" (a colleague who left is read apart)
  {
    id: 'remove-them',
    pattern: new RegExp(
      `\\b${alt('remove', 'take', 'delete', 'drop', 'unsubscribe', 'erase')} ${alt('her', 'him')} ${FROM_LIST}\\b`,
    ),
  },
  // asked before: "I have asked twice already to be removed from your list"
  {
    id: 'asked-before',
    pattern: new RegExp(
      `\\b${alt('asked', 'requested', 'told you', 'asking')} (?:${alt('twice', 'already', 'before', 'repeatedly', 'several', 'many', 'multiple', 'times', 'again', 'you', 'u', 'three', 'more', 'than', 'once')} ){0,4}(?:to be|for (?:me|us) to be|that (?:i|we) be) ${alt('removed', 'taken off', 'unsubscribed', 'deleted', 'erased')}(?:${END}| ${FROM_LIST}\\b)`,
    ),
  },
  // "take me off.", "take us off please"
  { id: 'take-me-off', pattern: new RegExp(`\\b${alt('take', 'get')} ${ME} off${END}`) },
  // "remove me.", "unsubscribe me please"
  {
    id: 'remove-me',
    pattern: new RegExp(`\\b${alt('remove', 'delete', 'unsubscribe', 'unlist', 'erase')} ${ME}${END}`),
  },
  // "I want off your list", "how do I get off this list?"
  { id: 'want-off-list', pattern: new RegExp(`\\b${alt('want', 'wanna', 'get', 'be')} ${FROM_LIST}\\b`) },
  // "delete my details", "erase all my data": a request to be forgotten ends the contact too
  {
    id: 'delete-my-data',
    pattern: new RegExp(
      `\\b${alt('delete', 'erase', 'remove', 'wipe', 'purge')} ${alt('my', 'all my', 'our')} ${alt('details', 'data', 'personal data', 'info', 'information', 'personal information', 'contact details', 'contact info')}(?:${END}| ${FROM_LIST}\\b| ${alt('under', 'per', 'as per', 'according to', 'in accordance with', 'pursuant to', 'in line with')} (?:the )?${alt('gdpr', 'dsgvo', 'ccpa', 'data protection', 'law')}\\b)`,
    ),
  },
  // "delete all the personal data you hold about me", "my right to erasure": a data-protection request to be forgotten
  {
    id: 'erase-data-held',
    pattern: new RegExp(
      `\\b${alt('delete', 'erase', 'remove', 'wipe', 'purge', 'destroy')} (?:${alt('all', 'any')} )?(?:of )?(?:the |my |our )?(?:personal ${ABOUT_ME_HELD}|${ABOUT_ME_HELD} ${alt('about', 'on', 'of', 'for')} ${alt('me', 'us', 'myself')})\\b|\\b(?:my|our) right to (?:erasure|be forgotten)\\b`,
    ),
  },
  // "lose my email address", "bin my number": discarding the details, not "did you lose my email?"
  {
    id: 'discard-my-details',
    pattern: new RegExp(
      `(?<!\\b${alt('did', 'have', 'has', 'you', 'u', 'they', 'i', 'we')} )\\b(?:lose ${alt('my', 'all my', 'our')} email|${alt('lose', 'bin', 'trash', 'shred', 'discard')} ${alt('my', 'all my', 'our')} ${alt('details', 'data', 'info', 'information', 'contact details', 'contact info', 'email address', 'address', 'number', 'phone number', 'cell number', 'contact')})(?:${END}| ${FROM_LIST}\\b)`,
    ),
  },
  // "unsubscribe", "how do I unsubscribe?", and its usual misspellings
  {
    id: 'unsubscribe',
    pattern: new RegExp(`\\b${alt('unsubscribe', 'unsubscrib', 'unsub')}\\b`),
  },
  // A message that is nothing but a keyword of the carriers' opt-out list: "STOP ALL", "optout"
  { id: 'keyword-alone', pattern: /^(?:stop all|stopall|optout|opt out|remove|remove me)(?: \|)?$/ },
  // A clause that is nothing but "please remove": "Please remove, thanks."
  { id: 'remove-alone', pattern: /(?:^|\| )(?:please|pls|plz|kindly) remove(?= \||$)/ },
  ...OTHER_LANGUAGES,
  // "I want to opt out", "opt me out"
  {
    id: 'opt-out',
    pattern: new RegExp(
      `\\b(?:opt (?:me |us )?out|optout|opting out)(?: of ${DETERMINERS}(?:${LIST}|${MESSAGES}))?\\b`,
    ),
  },
  // "I'd like to be removed from your list"
  {
    id: 'want-removed',
    pattern: new RegExp(
      `\\b${alt('i', 'we', 'id', 'wed', 'i would', 'we would', 'im', 'i am')} (?:${alt('really', 'just', 'would')} )?${alt('like', 'love', 'want', 'wanna', 'wish', 'need', 'ask', 'asking', 'prefer', 'request')} (?:to be|being) ${alt('removed', 'taken off', 'unsubscribed', 'opted out', 'deleted', 'excluded')}\\b`,
    ),
  },
  // "I'd rather not receive any more of these": the messages named only as "these"
  {
    id: 'rather-not-receive',
    pattern: new RegExp(
      `\\b${alt('dont want to', 'do not want to', 'no longer wish to', 'id rather not', 'i would rather not', 'would prefer not to', 'id prefer not to', 'prefer not to')} ${alt('receive', 'get')} ${alt('any more', 'anymore', 'more', 'any further')} (?:of )?${alt('these', 'them', 'those', 'this')}\\b`,
    ),
    negative: true,
  },
  // "I no longer wish to receive these emails", "I don't want to be contacted"
  {
    id: 'no-longer-want',
    pattern: new RegExp(
      `\\b${alt('dont', 'do not', 'no longer', 'never')} ${alt('want', 'wish', 'need', 'care')} to (?:${alt('receive', 'get', 'be sent')} ${DETERMINERS}${CONTACT}\\b|${alt('be contacted', 'be texted', 'be emailed', 'be messaged', 'hear from you', 'hear from u')}\\b)`,
    ),
    negative: true,
  },
  // "I want nothing more to do with your company", "don't write again"
  {
    id: 'nothing-to-do-with',
    pattern: new RegExp(
      `\\bwant nothing (?:more |further )?to do with ${alt('you', 'u', 'your company', 'your firm', 'your business', 'you people', 'this company')}\\b|\\b${DONT} ${alt('write', 'email', 'text', 'message', 'contact', 'call')}(?: ${alt('me', 'us')})? ${alt('again', 'ever again')}${END}`,
    ),
    negative: true,
  },
  // "leave me alone"
  { id: 'leave-me-alone', pattern: /\bleave (?:me|us) alone\b/ },
  // "sorry, wrong number", "you have the wrong person"
  {
    id: 'wrong-number',
    pattern: new RegExp(
      `(?:^|\\| )(?:${alt('sorry', 'oops', 'hi', 'hey', 'um', 'uh', 'hello')} )*(?:${alt('you have', 'youve got', 'you got', 'u have', 'u got', 'this is', 'thats', 'that is', 'its')} (?:the |a )?)?wrong ${alt('number', 'person', 'num', 'guy', 'girl')}\\b`,
    ),
  },
  // A clause that is nothing but a request to stop: "Stop please.", "ok stop"
  {
    id: 'stop-alone',
    pattern: new RegExp(
      `(?:^|\\| )(?:${alt('ok', 'okay', 'please', 'pls', 'plz', 'just', 'seriously', 'omg', 'no', 'hey', 'so', 'now')} )*stop(?: ${alt('it', 'all', 'this', 'that', 'please', 'pls', 'plz', 'now', 'already', 'immediately', 'asap', 'thanks', 'thank', 'you', 'thx')})*(?= \\||$)`,
    ),
  },
];

/** A negation in the three words before a request turns it round: "don't stop", "can't stop texting". */
const NEGATED =
  /\b(?:dont|do not|didnt|did not|doesnt|never|cant|cannot|wont|not|wouldnt|shouldnt|why|accidentally|mistakenly)(?: \S+){0,2} ?$/;
/** "if you don't stop texting me" is a request all the same. */
const CONDITIONAL = /\b(?:if|unless) (?:you|u) (?:dont|do not|wont|will not)(?: \S+){0,1} ?$/;
/** A time limit makes it a pause, not an opt-out: "don't text me until Monday". */
const TIME_LIMITED =
  /^ ?(?:\S+ ){0,3}?(?:until|till|til|unless|before|after|for now|for a (?:while|bit|few|couple)|this (?:week|weekend|month)|next (?:week|month|year)|over the)\b/;

const CHANNEL_WORDS: readonly [OptOutChannel, RegExp][] = [
  [
    'sms',
    /\b(?:texts?|txts?|texting|txting|textin|text messages?|sms|number|phone|cell|wrong (?:number|num))\b/,
  ],
  [
    'email',
    /\b(?:emails?|emailing|mails?|mailing|mailings|newsletters?|inbox|correos?|courriels?|verteiler)\b/,
  ],
];

/** The record keeps the request, not an essay: a match is a few words, but repeated determiners can run on. */
const MAX_WORDS = 200;

interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

const BREAK = /[.!?,;:()"“”…—–\n\r]/u;

/** Words lowercase, apostrophes and inner hyphens dropped; clause breaks become "|". */
function tokens(text: string): Token[] {
  const found: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}#][\p{L}\p{N}'’‘`´-]*|[.!?,;:()"“”…—–\n\r]+/gu)) {
    const raw = match[0];
    const start = match.index;
    const word = BREAK.test(raw[0] ?? '') ? '|' : raw.toLowerCase().replace(/['’‘`´-]/g, '');
    if (word === '|' && found.at(-1)?.word === '|') continue;
    found.push({ word, start, end: start + raw.length });
  }
  return found;
}

const UNSUBSCRIBE = 'unsubscribe';

/** "unsubscirbe", "usnubscribe": a word within two edits of "unsubscribe"; "unsubscribed" keeps its meaning. */
function spelledAsUnsubscribe(word: string): string {
  return typoOf(word, [UNSUBSCRIBE]) ?? word;
}

function channelOf(words: string): OptOutChannel | undefined {
  const named = CHANNEL_WORDS.filter(([, pattern]) => pattern.test(words)).map(([channel]) => channel);
  return named.length === 1 ? named[0] : undefined;
}

/** The request to stop in `text` (by the first rule that finds one), or undefined when it makes none. */
// Each rule's pattern with the g flag, built once: matchAll copies it, so one copy serves every call.
const GLOBAL = new Map(RULES.map((rule) => [rule, new RegExp(rule.pattern.source, 'g')]));
const globalOf = (rule: Rule): RegExp => GLOBAL.get(rule) ?? new RegExp(rule.pattern.source, 'g');

export function findOptOut(text: string): OptOutCue | undefined {
  const list = tokens(text.normalize('NFKC'));
  // Typos of "unsubscribe" read as the word; the words quoted back are still the ones written.
  const read = list.map((t) => spelledAsUnsubscribe(t.word));
  const normal = read.join(' ');
  // Where each token starts in `normal`, to map a match back to the words as written.
  const offsets: number[] = [];
  let at = 0;
  for (const word of read) {
    offsets.push(at);
    at += word.length + 1;
  }
  const source = text.normalize('NFKC');
  for (const rule of RULES) {
    for (const match of normal.matchAll(globalOf(rule))) {
      const matched = match[0].replace(/^\| /, '');
      const from = match.index + (match[0].length - matched.length);
      const to = from + matched.length;
      const clauseStart = normal.lastIndexOf('|', from) + 1;
      const before = normal.slice(clauseStart, from);
      if (!rule.negative && NEGATED.test(before) && !CONDITIONAL.test(before)) continue;
      const clauseEnd = normal.indexOf('|', to);
      if (TIME_LIMITED.test(normal.slice(to, clauseEnd === -1 ? undefined : clauseEnd))) continue;
      const first = offsets.findIndex((offset) => offset >= from);
      const last = offsets.findLastIndex((offset) => offset < to);
      const words = source
        .slice(list[first]?.start ?? 0, list[last]?.end ?? source.length)
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, MAX_WORDS);
      const channel = channelOf(matched);
      return { rule: rule.id, words, ...(channel ? { channel } : {}) };
    }
  }
  return undefined;
}
