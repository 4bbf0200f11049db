/*
 * "At most n email or SMS touches per lead in any d days", across all cadences. The lead keeps the instants of its
 * recent sends; a send takes a slot with a conditional write, so two cadences cannot both take the last one.
 */

import type { Channel } from '../core/cadence-schema.ts';

export interface FrequencyCap {
  readonly count: number;
  readonly days: number;
}

const CAP_RE = /^\s*([1-9][0-9]*)\s+per\s+([1-9][0-9]*)\s+days?\s*$/;

/** Parses "3 per 7 days"; undefined when the text is not a cap. */
export function parseFrequencyCap(text: string): FrequencyCap | undefined {
  const match = CAP_RE.exec(text);
  return match ? { count: Number(match[1]), days: Number(match[2]) } : undefined;
}

const DAY_MS = 86_400_000;

/** `<instant>|<touch>`: the touch part lets a failed send give its slot back. */
export const sendEntry = (at: Date, touch: string): string => `${at.toISOString()}|${touch}`;
const entryTime = (entry: string) => Date.parse(entry.split('|')[0] ?? '');

/** The sends still inside the window at `now`. */
export function sendsInWindow(entries: readonly string[], cap: FrequencyCap, now: Date): string[] {
  const since = now.getTime() - cap.days * DAY_MS;
  return entries.filter((entry) => entryTime(entry) > since);
}

export function capReached(entries: readonly string[], cap: FrequencyCap, now: Date): boolean {
  return sendsInWindow(entries, cap, now).length >= cap.count;
}

/**
 * Whether a touch takes one of the lead's cap slots: emails and texts do, but not a transactional one (an immediate
 * step, `transactional` in its payload). The cap limits how hard marketing presses; an answer to what the lead just
 * asked is not pressure, and holding it back would skip it, never send it later. It takes no slot either, so it
 * leaves the marketing touches their full allowance.
 */
export function capApplies(touch: { readonly channel: Channel; readonly transactional?: boolean }): boolean {
  return (touch.channel === 'email' || touch.channel === 'sms') && touch.transactional !== true;
}
