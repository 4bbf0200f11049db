import { HANDOVER, HANDOVER_ELSEWHERE } from './intent-cues.ts';

/*
 * A referral: the reply hands the conversation to someone else ("talk to maria@acme.com", "forwarding to Priya",
 * "cc'ing Dan Ortiz, who runs procurement"). The person becomes a lead, so a name needs a handing-over cue in the
 * same sentence, and an address is taken only with one too (a signature's address is the writer's own).
 */

export interface Referral {
  readonly email?: string;
  readonly name?: string;
}

export interface ReferralFound {
  readonly referral: Referral;
  readonly cue: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** A person's name as written after the cue, perhaps after their role: "Priya", "our CFO, Dan Ortiz". */
const NAME =
  /^(?:(?:my|our|the|their|mi|nuestr[oa]|su|meinen?|meiner|unseren?|unsere|mon|ma|notre|il mio|la mia|il nostro|la nostra|mijn|onze) (?:(?:[\p{Ll}-]+|\p{Lu}{2,4}),? ){0,4})?((?:\p{Lu}[\p{L}'’.-]*,? ?){1,4})/u;
/** The name written before a cue that follows it: "Maria Lopez handles this", "Dan is the right person". */
const NAME_BEFORE = /([A-Z][\p{L}'’-]+(?: [A-Z][\p{L}'’-]+)?)(?: \([^)]*\))?,? (?:\S+ ){0,2}$/u;
/** Capitalised words that are not names: sentence words, pronouns, teams, days. */
const NOT_A_NAME =
  /^(?:I|I'm|I’m|Me|We|Us|You|He|She|They|Him|Her|Them|Our|My|Your|The|This|That|It|Sales|Marketing|Procurement|Purchasing|Support|Finance|Legal|IT|HR|Team|Someone|Somebody|Anyone|Please|Thanks|Thank|Hi|Hey|Hello|Regards|Best|Cheers|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Q[1-4]|Yes|No|Not|Sorry|Unfortunately|Cc|CC|And|Or|But|He's|She's|Who|Whoever|Instead|Directly|Them|Also|CEO|CFO|CTO|COO|CMO|CIO|VP|SVP|EVP|Head|Director|Manager|Lead|Founder|Owner|President|Partner|Ops|Operations|Kollege|Kollegen|Kollegin|Herr|Herrn|Frau|Chef|Chefin|Leiter|Leiterin|Einkauf|Geschäftsführer|Geschäftsführerin|Bitte|Sie|Ihnen|Slack|Teams|Zoom|LinkedIn|WhatsApp|Signal|Mr|Mrs|Ms|Mx|Dr|Sir|Madam|Shri|Smt)$/;

function sentences(text: string): string[] {
  // "Mr. Suresh Rao" is one sentence: a title's full stop ends no sentence
  return text.split(/(?<=[.!?;])(?<!\b(?:Mr|Mrs|Ms|Mx|Dr)\.)\s+|\n+/).filter((s) => s.trim() !== '');
}

/** The leading words of `words` that can be a name: "Priya Shah", not "Sales Team" or "Thanks". */
function nameIn(words: string | undefined): string | undefined {
  const kept: string[] = [];
  for (const word of (words ?? '').split(' ').map((w) => w.replace(/[,.]$/, ''))) {
    if (word === '') continue;
    if (!NOT_A_NAME.test(word)) kept.push(word);
    else if (kept.length > 0) break; // a role before the name is skipped, a word after it ends the name
  }
  return kept.length > 0 ? kept.join(' ') : undefined;
}

/** A pronoun after the cue points back to the sentence before: "Our CTO, Aisha Rahman, owns this. Reach out to her." */
const PRONOUN = /^(?:her|him|them)\b/i;
/** The sentence before names the person by a role or what they do: a pronoun is not read back into small talk. */
const ROLE =
  /\b(?:ceo|cfo|cto|coo|cmo|cio|vp|head of|director|manager|lead|owner|founder|partner|colleague|boss|handles|owns|runs|in charge|responsible|evaluating|looks after|took over|takes care)\b/i;
/** A first name written in lower case after a role, with a number or an address: "try my business partner luis 555-0134". */
const LOWER_NAME =
  /^(?:my|our) (?:[a-z-]+ ){0,3}?(?:partner|colleague|co-?worker|manager|boss|assistant|associate|husband|wife|son|daughter|brother|sister|accountant|bookkeeper|director|owner) ([a-z][a-z'-]{1,20})(?=[\s,:-]*(?:\+?\d[\d\s().-]{6,}|[\p{L}\p{N}._%+-]+@))/u;

/** The name nearest before a cue: "My daughter Emma handles the shop" is Emma, not "My". */
function nameJustBefore(text: string): string | undefined {
  const words = text.split(' ');
  for (let from = 0; from < words.length; from += 1) {
    const name = nameIn(NAME_BEFORE.exec(words.slice(from).join(' '))?.[1]);
    if (name) return name;
  }
  return undefined;
}

function nameBefore(previous: string | undefined): string | undefined {
  if (!previous || !ROLE.test(previous)) return undefined;
  for (const m of previous.matchAll(/\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’-]+)*/gu)) {
    const name = nameIn(m[0]);
    if (name) return name;
  }
  return undefined;
}

/** Cues that follow the name they hand over to: "Maria handles this", "Dan is the right person". */
const AFTER_NAME =
  /^(?:handles|owns|runs|manages|looks after|is in charge|is responsible|takes care|does|is |would be)/;

/** A first name texted in lower case after "ask for": "ask for kev at the depot", not "ask for a quote". */
const LOWER_ASKED =
  /^(?!(?:a|an|the|more|help|it|this|that|me|us|him|her|them|your|my|our|his|their|details|info|information|pricing|prices?|quotes?|someone|somebody|anyone|whoever|mine|yours|permission|approval|time|money|advice|directions|references?|extra|less|nothing|everything|anything|one|two|some|any)\b)([a-z][a-z'-]{1,15})(?=(?: (?:at|in|on|from|who|he|she|they)\b|,|$))/;
/** "His mail id is suresh@…", or the address alone: the sentence after a named handover gives the person's address. */
const THEIR_ADDRESS =
  /^(?:(?:his|her|their) (?:e-?mail|mail)(?: id| address)?(?: is|:)|[\p{L}\p{N}._%+-]+@\S+$)/iu;

/** "+ Ana (ana@…), who manages memberships": a sentence that starts by adding a person to the thread. */
const ADDED = /^\+ ?(?=\p{L})/u;
/** The cue names a role and no one ("contact our accountant instead?"): the next sentence may give the person. */
const ROLE_ONLY = /^(?:my|our|the|his|her|their) (?:[\p{L}-]+ ){0,3}?[\p{L}-]+(?: instead)?\W*$/u;

/** "Hamish McLeod, hamish@…": the name and address a sentence starts with, after a cue that named only a role. */
function personIn(sentence: string | undefined, own: string | undefined): Referral | undefined {
  if (!sentence) return undefined;
  const email = [...sentence.matchAll(EMAIL)].map((m) => m[0].toLowerCase()).find((e) => e !== own);
  const name = nameIn(NAME.exec(sentence.trim())?.[1]);
  return email && name ? { email, name } : undefined;
}

/** The person the reply hands over to, or undefined; `self` (the lead's own address) is never a referral. */
export function findReferral(text: string, self?: string): ReferralFound | undefined {
  const own = self?.trim().toLowerCase();
  const all = sentences(text);
  let named: ReferralFound | undefined;
  for (const [i, sentence] of all.entries()) {
    const lower = sentence.toLowerCase().replace(/[’‘`´]/g, "'");
    const cue = HANDOVER.exec(lower) ?? HANDOVER_ELSEWHERE.exec(lower) ?? ADDED.exec(lower);
    if (!cue) continue;
    const emails = [...sentence.matchAll(EMAIL)].map((m) => m[0].toLowerCase()).filter((e) => e !== own);
    // "adressez-vous à Marie": the preposition after the verb is not part of the name
    const afterCue = sentence
      .slice(cue.index + cue[0].length)
      .replace(/^[\s:,-]+/, '')
      .replace(/^(?:à|an|con|a)\s+/u, '');
    const lowerName =
      LOWER_NAME.exec(afterCue)?.[1] ?? (cue[0] === 'ask for' ? LOWER_ASKED.exec(afterCue)?.[1] : undefined);
    const name = AFTER_NAME.test(cue[0])
      ? nameJustBefore(sentence.slice(0, cue.index))
      : PRONOUN.test(afterCue)
        ? nameBefore(all[i - 1])
        : (nameIn(NAME.exec(afterCue)?.[1]) ??
          (lowerName ? `${lowerName[0]?.toUpperCase()}${lowerName.slice(1)}` : undefined));
    const email =
      emails[0] ??
      (name && THEIR_ADDRESS.test(all[i + 1]?.trim() ?? '')
        ? [...(all[i + 1] ?? '').matchAll(EMAIL)].map((m) => m[0].toLowerCase()).find((e) => e !== own)
        : undefined);
    if (!email && !name) {
      // taken only when no sentence hands over by itself: the next one may have its own cue and name
      const next = ROLE_ONLY.test(afterCue) ? personIn(all[i + 1], own) : undefined;
      if (next && !named)
        named = { referral: next, cue: sentence.slice(cue.index, cue.index + cue[0].length).trim() };
      continue;
    }
    return {
      referral: { ...(email ? { email } : {}), ...(name ? { name } : {}) },
      cue: sentence.slice(cue.index, cue.index + cue[0].length).trim(),
    };
  }
  return named;
}
