import { type Chrono, OUT_OF_OFFICE_READERS, READERS } from './reply-chrono.ts';
import { Zoned } from './zoned.ts';

/*
 * The dates a reply names, read with chrono-node relative to when it arrived, in the lead's zone: the day a
 * not-now asks to be contacted again ("try me in March") and the day an out-of-office says its writer is back.
 */

type Found = ReturnType<Chrono['parse']>[number];

function reference(received: Date, zone: string) {
  return { instant: received, timezone: Zoned.at(received.getTime(), zone)?.offset ?? Number.NaN };
}

/**
 * The calendar day a result names: a month alone is its first day and a year alone its 1 January, as is "next
 * month" or "next year"; a span ("in 3 months") keeps its day.
 */
function dayOf(found: Found, zone: string): Zoned | undefined {
  const s = found.start;
  if (!['day', 'weekday', 'month', 'year'].some((c) => s.isCertain(c as 'day'))) return undefined; // a time of day
  const span = isRelative(found) && !/^next\b/i.test(found.text);
  const dayKnown = span || s.isCertain('day') || s.isCertain('weekday');
  const day = dayKnown ? (s.get('day') ?? 1) : 1;
  const month = dayKnown || s.isCertain('month') ? (s.get('month') ?? 1) : 1;
  // No year: this year in the zone, as luxon's fromObject took it (chrono implies one, so this is rare).
  const year = s.get('year') ?? Zoned.at(Date.now(), zone)?.year;
  return year === undefined ? undefined : Zoned.date(year, month, day, zone);
}

const SPAN = /^(?:in|within|next|after|another)\b|\b(?:from now|later)$/i;

/** "after Feb 20" is the day after it, "after May" the first of June; so is "after our board meeting on March 12". */
const AFTER =
  /\b(?:after|past|beyond)\s+(?:(?:the|our|their|my|your|his|her)\s+(?:[\p{L}'-]+\s+){1,3}(?:on|of|in)\s+)?(?:the\s+)?$/u;

/** A span from now ("in six weeks", "end of the month", "tomorrow") rather than a date on the calendar. */
function isRelative(found: Found): boolean {
  return [...found.tags()].some((tag) => /relativeDate|casualReference|EndOfCurrent|Casual/.test(tag));
}

/** "tomorrow", "morgen", "mañana", "demain": a day named from the reply's own, read on the lead's calendar. */
function isNextDay(found: Found): boolean {
  return [...found.tags()].some((tag) => /casualReference\/(?:tomorrow|dayAfter)/.test(tag));
}

/** Words before a bare span that make it one from now: "give me a few weeks", "busy til end of month". */
const SPAN_BEFORE =
  /\b(?:give (?:me|us)|wait(?: for)?|need|for|until|till|til|through|thru|by)\s+(?:another\s+|the\s+)?$/i;

/** Words before a date that ask to be contacted then: "reach out in July" beats "our year ends in June". */
const CONTACT_BEFORE =
  /\b(?:try|ping|email|e-mail|contact|call|text|reach(?: out)?|check|circle|follow|touch|write|ask|remind\w*|revisit|reconnect|connect|regroup|pick (?:this|it|things)(?: \w+)? (?:back )?up|come back|get back|talk|speak|chat|melden|contact\w*|escrib\w*|recontact\w*|ricontatt\w*|scriv\w*|neem|bel)\b.{0,24}$/i;

/** Words before a period the writer is busy in, not one to be contacted in: "closed over the summer, back in September". */
const DURING_BEFORE = /\b(?:over|during|throughout)\s+(?:the\s+|this\s+)?$/i;

/**
 * Words of two letters name no date in a reply: German "So" (Sunday) is English "so", "Do" (Thursday) is "do", and
 * "in a" is German's "in a(inem Jahr)" inside an English sentence.
 */
const isWord = (found: Found) => /^(?:\p{L}{1,2}\.?(?:\s+|$))+$/u.test(found.text.trim());

/** "budget for the year": the period itself, not a span from now. */
const THE_PERIOD = /^the\s+(?:day|week|month|quarter|year)$/i;

/** Each sentence read by the first reader that finds a date in it, English first. */
function readSentence(sentence: string, received: Date, zone: string): Found[] {
  for (const chrono of READERS) {
    const found = chrono
      .parse(sentence, reference(received, zone), { forwardDate: true })
      .filter((f) => !isWord(f));
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * The day a not-now reply asks to be contacted again, as YYYY-MM-DD in `zone`: the first date it names after the
 * day it arrived ("in March" is the next 1 March; "after Feb 20" the day after; "after May" 1 June). Undefined
 * when it names none: the caller applies its default.
 */
export function findAskedDate(text: string, received: Date, zone: string): string | undefined {
  const today = Zoned.at(received.getTime(), zone)?.startOfDay();
  // Sentence by sentence: chrono would join "busy this quarter. Next quarter…" into one range.
  const sentences = text.slice(0, 4000).split(/(?<=[.!?;\n])\s+/);
  const found = sentences.flatMap((sentence) =>
    readSentence(sentence, received, zone).map((f) => ({ found: f, before: sentence.slice(0, f.index) })),
  );
  const dates: { date: Zoned; asked: boolean; during: boolean }[] = [];
  for (const result of found) {
    // A span counts when it reads as one from now ("in six weeks", "next month"), not "a 1 year renewal".
    const span = SPAN.test(result.found.text) || SPAN_BEFORE.test(result.before) || isNextDay(result.found);
    if (isRelative(result.found) && (!span || THE_PERIOD.test(result.found.text.trim()))) continue;
    let date = dayOf(result.found, zone);
    if (!date) continue;
    // "December is chaos for us", written in December: the month it arrived in is now, not a wait of a year
    const s = result.found.start;
    const monthOnly = s.isCertain('month') && !s.isCertain('day') && !s.isCertain('year');
    if (monthOnly && today && date.month === today.month && !isRelative(result.found)) continue;
    if (AFTER.test(result.before.slice(-48).toLowerCase()) && !isRelative(result.found)) {
      date = result.found.start.isCertain('day') ? date.plus({ days: 1 }) : date.plus({ months: 1 });
    }
    if (today && date.ms > today.ms)
      dates.push({
        date,
        asked: CONTACT_BEFORE.test(result.before),
        during: DURING_BEFORE.test(result.before),
      });
  }
  // The date the reply asks to be contacted on, else the first it names that is not a busy period's.
  const chosen = dates.find((d) => d.asked) ?? dates.find((d) => !d.during) ?? dates[0];
  return chosen?.date.toISODate();
}

/**
 * Words after which an out-of-office names its return: "back on", "until", "bis zum", "hasta el", "jusqu'au",
 * "fino a", and the end of a range ("del 22 de diciembre al 6 de enero", "du 3 au 14 août").
 */
const TRIGGER =
  /(?:\b(?:back|return(?:ing|s)?|re-?open(?:s|ing)?(?:\s+on)?|until|till|til|through|thru|bis(?:\s+(?:zum|einschließlich|einschl\.))?|zurück|wieder(?:\s+(?:am|ab))?|ab(?:\s+dem)?|hasta(?:\s+el)?|regres(?:o|a|aré|ará)|vuelv[oe]|volver(?:é|á)|de\s+vuelta|reincorpor\p{L}*|de\s+retour|retour|rientr\p{L}*|torn(?:o|erò)|fino\s+al|terug|tot(?:\s+en\s+met)?|vanaf|fino\s+a(?:l(?:la)?)?)(?=[\s:,])|\b(?:al|au)(?=\s+\d)|(?<=\bfrom\s+[^.!?]{1,30}?)\bto(?=\s+\d)|jusqu[’']?(?:au|à))/giu;
/** How far after the trigger the date may start: "back in the office on Monday, 14 December". */
const WINDOW = 48;
/** Triggers tried at most: each costs six chrono reads, and a long reply of "from 1 to 2 …" has hundreds. */
const MAX_TRIGGERS = 24;
/** A return date further out than this is not an out-of-office. */
const MAX_DAYS = 366;
/** A date without a year is the next one, but not one this far out: "back on 1 December" sent on 7 December is stale. */
const MAX_DAYS_WITHOUT_YEAR = 183;

/** A calendar date, not a relative span: "valid until the end of the month" names no return. */
function isCalendarDate(found: Found): boolean {
  if (isNextDay(found)) return true;
  return !isRelative(found) && (found.start.isCertain('day') || found.start.isCertain('weekday'));
}

/**
 * The return date an out-of-office names ("back on Monday 14 December", "returning 2026-12-14", "until 12/14",
 * "bis zum 14.12.", "hasta el 4 de enero"), as YYYY-MM-DD in `zone`; a date without a year is the next one after
 * `received`. Undefined when it names none, or one that is not after the day it arrived.
 */
export function findReturnDate(text: string, received: Date, zone: string): string | undefined {
  const today = Zoned.at(received.getTime(), zone)?.startOfDay();
  const flat = text.slice(0, 4000).replace(/\s+/g, ' ');
  let tried = 0;
  for (const trigger of flat.matchAll(TRIGGER)) {
    tried += 1;
    if (tried > MAX_TRIGGERS) break;
    const from = (trigger.index ?? 0) + trigger[0].length;
    const after = flat.slice(from, from + 120);
    let best: { index: number; date: Zoned; maxDays: number } | undefined;
    for (const chrono of OUT_OF_OFFICE_READERS) {
      const found = chrono
        .parse(after, reference(received, zone), { forwardDate: true })
        .find((f) => f.index <= WINDOW && isCalendarDate(f));
      const date = found ? dayOf(found, zone) : undefined;
      if (!found || !date || (best && best.index <= found.index)) continue;
      const maxDays = found.start.isCertain('year') ? MAX_DAYS : MAX_DAYS_WITHOUT_YEAR;
      best = { index: found.index, date, maxDays };
    }
    if (!best) continue;
    if (today && best.date.ms > today.ms && best.date.ms <= today.plus({ days: best.maxDays }).ms)
      return best.date.toISODate();
  }
  return undefined;
}
