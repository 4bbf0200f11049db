import type { Intent } from '../../functions/core/intent-labels.ts';
import { INTENTS } from '../../functions/core/intent-labels.ts';

/*
 * What a synthetic lead writes back, by the kind of reply it means (`simulate --reply-mix`): a few phrasings per
 * kind, as prospects write them (short, sometimes lower case, a date or a colleague where the kind needs one).
 * Synthetic data, so it lives beside the simulator, not in functions/: the reader has never seen these words, and
 * test/unit/local/simulate/reply-texts.test.ts holds that it reads each one as the kind it was written as.
 */

/**
 * The kinds a mix may ask for: every label the reader gives but `unsure`, which is the reader's own verdict when it
 * cannot tell, not something a prospect means to say.
 */
export const REPLY_KINDS = INTENTS.filter((label): label is Exclude<Intent, 'unsure'> => label !== 'unsure');
export type ReplyKind = (typeof REPLY_KINDS)[number];

/** The lead as the reply needs it: its address (a colleague shares its domain) and its name, to sign with. */
export interface ReplyWriter {
  readonly email: string;
  readonly name?: string | undefined;
}

/** The choices a text is made from, each uniform in [0, 1) and drawn from the touch's own stream. */
export interface TextDraws {
  readonly phrasing: number;
  readonly colleague: number;
}

interface Words {
  /** The writer's first name, or "" when the lead has no name. */
  readonly first: string;
  /** A colleague at the writer's own domain, for a referral. */
  readonly colleague: { readonly first: string; readonly full: string; readonly email: string };
}

type Phrasing = (words: Words) => string;

const signed = (text: string, first: string) => (first ? `${text}\n\n${first}` : text);

const PHRASINGS: Readonly<Record<ReplyKind, readonly Phrasing[]>> = {
  interested: [
    // The words every simulated reply had before the mix: a mix of interested=1 sends them too.
    () => 'Thanks, this looks good. Send me more details.',
    ({ first }) => signed('yes please, sounds great. send over the pricing', first),
    () => 'Sounds interesting - tell me more.',
    ({ first }) => signed('This is exactly what we need. Count us in.', first),
  ],
  question: [
    () => 'How much does it cost for a team of 5?',
    () => 'does this work with quickbooks?',
    ({ first }) => signed('Which integrations do you have? We mostly need Shopify and Xero.', first),
    () => 'quick question, do you offer a free trial',
  ],
  meeting: [
    ({ first }) => signed("Sure, let's set up a call. Thursday at 2pm works for me.", first),
    () => 'can we do tuesday afternoon? happy to hop on a quick call',
    () => 'Send me a calendar invite for next week, mornings are best.',
    ({ first }) => signed("Let's talk. I'm free Wednesday at 10am ET.", first),
  ],
  'not-now': [
    () => 'Not right now - try me again in March.',
    ({ first }) => signed("We're swamped until after Q2. Circle back then.", first),
    () => "bad timing, we're mid migration. ping me in six weeks",
    ({ first }) => signed("Can't take this on right now. Let's reconnect after the new year.", first),
    () => 'too busy at the moment, maybe later',
  ],
  no: [
    () => 'Not interested, thanks.',
    ({ first }) => signed('We went with another vendor last month, so we will pass.', first),
    () => "we're all set, thanks",
    () => 'No thanks. We built something in-house.',
  ],
  referral: [
    ({ colleague }) => `${colleague.first} handles this for us, you can reach them at ${colleague.email}`,
    ({ colleague, first }) =>
      signed(`Forwarding to ${colleague.full} (${colleague.email}), who runs purchasing.`, first),
    ({ colleague }) => `please contact ${colleague.email}, they look after vendors here`,
  ],
  'wrong-person': [
    () => "Wrong person, sorry. I don't handle purchasing.",
    ({ first }) => signed("I'm not responsible for this, sorry.", first),
    () => 'you have the wrong contact, i work in the warehouse',
  ],
  unsubscribe: [
    () => 'Please remove me from your list.',
    () => 'unsubscribe',
    () => 'stop emailing me',
    ({ first }) => signed('Take me off your mailing list please.', first),
  ],
  'out-of-office': [
    () => "I'm out of the office until next Monday with limited access to email.",
    ({ first }) =>
      signed("Thanks for your note. I'm on vacation until next Friday and will reply when I'm back.", first),
    () => 'Ich bin bis Montag nicht im Büro und lese meine E-Mails danach.',
  ],
};

const COLLEAGUES = ['Maria Lopez', 'Priya Shah', 'Dan Ortiz', 'Lena Fischer', 'Sam Becker'];

/** Every phrasing a kind has, for tests that read them all. */
export const phrasingsOf = (kind: ReplyKind): number => PHRASINGS[kind].length;

const at = <T>(items: readonly T[], u: number): T =>
  items[Math.min(items.length - 1, Math.floor(u * items.length))] as T;

/**
 * A reply of `kind` from `writer`. A colleague's address is at the writer's domain and carries the writer's own
 * local part, so two leads never name the same person: a referral cadence would enroll one new lead per referral,
 * whichever shard the leads ran on.
 */
export function replyText(kind: ReplyKind, writer: ReplyWriter, draws: TextDraws): string {
  const [local = 'lead', domain = 'example.com'] = writer.email.toLowerCase().split('@');
  const full = at(COLLEAGUES, draws.colleague);
  const [colleagueFirst = full, colleagueLast = ''] = full.split(' ');
  const tag = local.replace(/[^a-z0-9]/g, '');
  const words: Words = {
    first: writer.name?.trim().split(/\s+/)[0] ?? '',
    colleague: {
      first: colleagueFirst,
      full,
      email: `${colleagueFirst}.${colleagueLast}.${tag}@${domain}`.toLowerCase(),
    },
  };
  return at(PHRASINGS[kind], draws.phrasing)(words);
}
