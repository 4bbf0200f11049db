import { en } from 'chrono-node';
import {
  dutchCasual,
  frenchCasual,
  germanCasual,
  italianCasual,
  spanishCasual,
} from './reply-chrono-locales.ts';
import { UTC_ZONE, Zoned } from './zoned.ts';

/*
 * chrono-node's casual readers for the languages replies arrive in: English's own, and the other five built from
 * chrono's parsers less those of a time of day (reply-chrono-locales.ts). The package marks itself free of side
 * effects, so a bundle keeps only what these use (docs/architecture.md §9). chrono reads dates and relative spans; a sales reply also names periods it has no
 * parser for ("after Q2", "next quarter", "in the new year", "after the summer", German "bis 14.12."), added here
 * through chrono's own Parser interface so every date still comes out of one library.
 */

export type Chrono = typeof en.casual;
type Parser = Chrono['parsers'][number];
type Context = Parameters<Parser['extract']>[0];

/** The reference's calendar day, in the zone the caller handed chrono (as its offset). */
function today(context: Context): Zoned {
  const ref = context.createParsingComponents();
  return Zoned.date(ref.get('year') ?? 1970, ref.get('month') ?? 1, ref.get('day') ?? 1, UTC_ZONE) as Zoned;
}

/** The first day of `month` (1-based, may run past 12) in the reference's year or the next, whichever is ahead. */
function nextStartOf(context: Context, month: number, year?: number) {
  const now = today(context);
  let start = (Zoned.date(year ?? now.year, 1, 1, UTC_ZONE) as Zoned).plus({ months: month - 1 });
  while (year === undefined && start.ms <= now.ms) start = start.plus({ years: 1 });
  return { year: start.year, month: start.month, day: start.day };
}

const ORDINAL_QUARTER: Readonly<Record<string, number>> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
};

/** "Q2", "after Q2", "end of Q3 2027", "the second quarter": the quarter's first day; after or at its end, the next one's. */
const quarter: Parser = {
  pattern: () =>
    /\b(?:(after|past|end of|by the end of|beyond)\s+)?(?:the\s+)?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)(?:\s+(?:of\s+)?(20\d\d))?\b/i,
  extract: (context, match) => {
    const q = Number(match[2] ?? ORDINAL_QUARTER[(match[3] ?? '').toLowerCase()]);
    const after = match[1] ? 1 : 0;
    return nextStartOf(context, (q - 1 + after) * 3 + 1, match[4] ? Number(match[4]) : undefined);
  },
};

/** "next quarter", "after this quarter", "end of the quarter": the next quarter's first day. */
const nextQuarter: Parser = {
  pattern: () => /\b(?:next\s+quarter|(?:after|end of)\s+(?:this|the)\s+quarter)\b/i,
  extract: (context) => {
    const now = today(context);
    return nextStartOf(context, Math.floor((now.month - 1) / 3) * 3 + 4);
  },
};

/** "in the new year", "after new year's", "early next year", "beginning of next year": 1 January. */
const newYear: Parser = {
  pattern: () =>
    /\b(?:(?:after\s+)?(?:the\s+)?new\s+year(?:'?s)?|(?:early|beginning of|start of|first thing)\s+next\s+year)\b/i,
  extract: (context) => nextStartOf(context, 1),
};

const SEASON_START: Readonly<Record<string, number>> = {
  spring: 3,
  summer: 6,
  fall: 9,
  autumn: 9,
  winter: 12,
};

/** "in the spring", "after the summer", "next fall" (the northern seasons: the reader has no hemisphere). */
const season: Parser = {
  pattern: () => /\b(?:(after|end of)\s+)?(?:the\s+|this\s+|next\s+)?(spring|summer|fall|autumn|winter)\b/i,
  extract: (context, match) =>
    nextStartOf(context, (SEASON_START[(match[2] ?? '').toLowerCase()] ?? 1) + (match[1] ? 3 : 0)),
};

/** German day and month without a year: "bis zum 14.12.", the next such day. */
const germanDayMonth: Parser = {
  pattern: () => /(?<![\d.])([0-3]?\d)\.([01]?\d)\.(?![\d])/,
  extract: (context, match) => {
    const [day, month] = [Number(match[1]), Number(match[2])];
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    const now = today(context);
    const date = Zoned.date(now.year, month, day, UTC_ZONE);
    // A day the month lacks (31.2.) is this year's: chrono then refuses it.
    return { day, month, year: date && date.ms <= now.ms ? now.year + 1 : now.year };
  },
};

/** The next `day` of a month on or after the reference (a day past in this month is next month's). */
function nextDay(context: Context, day: number, month?: number) {
  const now = today(context);
  let date = Zoned.date(now.year, month ?? now.month, 1, UTC_ZONE);
  for (let i = 0; date && i < 24; i += 1, date = date.plus({ months: month ? 12 : 1 })) {
    const at = date.set({ day });
    if (at.day === day && at.ms > now.ms) return { year: at.year, month: at.month, day };
  }
  return null;
}

/** "after the 20th", "by the 3rd": a day of the month named alone, the next such day. */
const dayAlone: Parser = {
  pattern: () =>
    /\bthe\s+([0-3]?\d)(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/i,
  extract: (context, match) => {
    const day = Number(match[1]);
    return day >= 1 && day <= 31 ? nextDay(context, day) : null;
  },
};

/** Month names in full, January first: a word names a month when it is one, or its first three letters or more. */
const MONTHS: Readonly<Record<string, readonly string[]>> = {
  en: 'january february march april may june july august september october november december'.split(' '),
  de: 'januar februar märz april mai juni juli august september oktober november dezember'.split(' '),
  es: 'enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre'.split(' '),
  fr: 'janvier février mars avril mai juin juillet août septembre octobre novembre décembre'.split(' '),
  it: 'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre'.split(
    ' ',
  ),
  nl: 'januari februari maart april mei juni juli augustus september oktober november december'.split(' '),
};
const monthOf = (lang: string, word: string) => {
  const w = word.toLowerCase().replace(/\.$/, '');
  return (MONTHS[lang] ?? []).findIndex((name) => w.length >= 3 && name.startsWith(w)) + 1;
};
const MONTH_WORD = '(\\p{L}{3,10}\\.?)';

/** "mid-April", "Mitte April", "a mediados de abril", "mi-avril", "metà aprile", "half april": the 15th. */
function midMonth(lang: string, lead: string): Parser {
  return {
    pattern: () => new RegExp(`(?<![\\p{L}])(?:${lead})[-\\s]*${MONTH_WORD}(?![\\p{L}])`, 'iu'),
    extract: (context, match) => {
      const month = monthOf(lang, match[1] ?? '');
      return month > 0 ? nextDay(context, 15, month) : null;
    },
  };
}

/** "im Januar", "en enero", "en janvier", "a gennaio", "in januari": the month's first day, the day implied. */
function monthAlone(lang: string, lead: string): Parser {
  return {
    pattern: () => new RegExp(`(?<![\\p{L}])(?:${lead})\\s+${MONTH_WORD}(?![\\p{L}])`, 'iu'),
    extract: (context, match) => {
      const month = monthOf(lang, match[1] ?? '');
      if (month === 0) return null;
      const { year } = nextStartOf(context, month);
      return context.createParsingComponents({ year, month }).imply('day', 1);
    },
  };
}

/**
 * "after May", "until May": chrono keeps "May" only after "in" (it is also the verb), so the month is read here after
 * the other words of time; "after May" is read whole as the first of June, as "after June" is 1 July.
 */
const mayAfterWord: Parser = {
  pattern: () =>
    /\b(after|past|beyond|until|till|til|from|by|before|since|early|late)\s+may\b(?![\s,]*(?:the\s+)?\d)/i,
  extract: (context, match) => {
    const after = /^(?:after|past|beyond)$/i.test(match[1] ?? '');
    const { year } = nextStartOf(context, after ? 6 : 5);
    return context.createParsingComponents({ year, month: after ? 6 : 5 }).imply('day', 1);
  },
};

function extended(base: Chrono, extra: readonly Parser[]): Chrono {
  const chrono = base.clone();
  // First, so that where chrono reads the same words ("next quarter" as three months on) ours is kept.
  chrono.parsers.unshift(...extra);
  return chrono;
}

export const english = extended(en.casual, [
  quarter,
  nextQuarter,
  newYear,
  season,
  dayAlone,
  midMonth('en', 'mid|middle of'),
  mayAfterWord,
]);
/** The readers for the other languages, each with its "mid-month" and its month alone. */
const german = extended(germanCasual(), [
  germanDayMonth,
  midMonth('de', 'mitte'),
  monthAlone('de', 'im|ab|nach'),
]);
const spanish = extended(spanishCasual(), [
  midMonth('es', 'a mediados de|mediados de'),
  monthAlone('es', 'en|para'),
]);
const french = extended(frenchCasual(), [
  midMonth('fr', 'mi|à la mi|mi-'),
  monthAlone('fr', 'en|début|courant'),
]);
const italian = extended(italianCasual(), [
  midMonth('it', 'a metà|metà|verso metà'),
  monthAlone('it', 'a|in|ad'),
]);
const dutch = extended(dutchCasual(), [midMonth('nl', 'half|medio|midden'), monthAlone('nl', 'in|na')]);

/** English first: where two read the same words, its reading is kept. */
export const READERS: readonly Chrono[] = [english, german, french, spanish, italian, dutch];
export const OUT_OF_OFFICE_READERS = READERS;
