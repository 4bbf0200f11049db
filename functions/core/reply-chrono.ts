import { de, en, es, fr } from 'chrono-node';
import { DateTime } from 'luxon';

/*
 * chrono-node's casual readers for the languages replies arrive in. The package marks itself free of side effects, so
 * a bundle keeps only these four locales (the same bytes as importing `chrono-node/en` and the others, whose
 * subpath exports vitest's resolver cannot find). chrono reads dates and relative spans; a sales reply also names periods it has no
 * parser for ("after Q2", "next quarter", "in the new year", "after the summer", German "bis 14.12."), added here
 * through chrono's own Parser interface so every date still comes out of one library.
 */

export type Chrono = typeof en.casual;
type Parser = Chrono['parsers'][number];
type Context = Parameters<Parser['extract']>[0];

/** The reference's calendar day, in the zone the caller handed chrono (as its offset). */
function today(context: Context): DateTime {
  const ref = context.createParsingComponents();
  return DateTime.utc(ref.get('year') ?? 1970, ref.get('month') ?? 1, ref.get('day') ?? 1);
}

/** The first day of `month` (1-based, may run past 12) in the reference's year or the next, whichever is ahead. */
function nextStartOf(context: Context, month: number, year?: number) {
  const now = today(context);
  let start = DateTime.utc(year ?? now.year, 1, 1).plus({ months: month - 1 });
  while (year === undefined && start <= now) start = start.plus({ years: 1 });
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
    const date = DateTime.utc(now.year, month, day);
    return { day, month, year: date <= now ? now.year + 1 : now.year };
  },
};

function extended(base: Chrono, extra: readonly Parser[]): Chrono {
  const chrono = base.clone();
  // First, so that where chrono reads the same words ("next quarter" as three months on) ours is kept.
  chrono.parsers.unshift(...extra);
  return chrono;
}

export const english = extended(en.casual, [quarter, nextQuarter, newYear, season]);
export const OUT_OF_OFFICE_READERS: readonly Chrono[] = [
  english,
  extended(de.casual, [germanDayMonth]),
  fr.casual,
  es.casual,
];
