import type { Cadence } from '../core/cadence-schema.ts';
import { SMS_EARLIEST, SMS_LATEST } from '../core/cadence-schema.ts';
import {
  fitWindow,
  InvalidTimeZone,
  isImmediate,
  isTimeZone,
  minutesOfDay,
  resolveWindow,
} from '../core/schedule.ts';
import { assertUnreachable } from '../core/unreachable.ts';
import { Zoned } from '../core/zoned.ts';
import { type Lead, SUPPRESSED_STATUSES, suppressionKey } from './lead.ts';
import type { LeadStore } from './ports.ts';
import type { TouchEvent, TouchSettings } from './touch-input.ts';

/*
 * What a touch must respect before it goes out: suppression, consent and quiet hours in the lead's zone (§8.7).
 * An immediate step is never SMS (parseCadence refuses it), so quiet hours need no exception for it.
 */

export type SkipReason = 'suppressed' | 'no-phone' | 'no-sms-consent' | 'quiet-hours' | 'frequency-cap';

/** Whether an SMS may go out at `now` in `zone` (US TCPA quiet hours: 08:00–21:00 local). */
export function inSmsHours(now: Date, zone: string): boolean {
  const local = Zoned.at(now.getTime(), zone);
  if (!local) return false;
  const minutes = local.hour * 60 + local.minute;
  return minutes >= minutesOfDay(SMS_EARLIEST) && minutes < minutesOfDay(SMS_LATEST);
}

const validZone = (zone: string | undefined) => (zone && isTimeZone(zone) ? zone : undefined);

/** The zone a touch's quiet hours and dates are judged in: the lead's, else the cadence's, else the default. */
export const touchZone = (
  deps: { readonly settings: Pick<TouchSettings, 'defaultTimeZone'> },
  lead: Lead,
  cadenceZone: string | undefined,
): string => validZone(lead.zone) ?? validZone(cadenceZone) ?? deps.settings.defaultTimeZone;

/** Why this touch must not go out to this lead now; undefined when it may. The frequency cap is judged at send. */
export async function skipReason(
  deps: { readonly store: LeadStore },
  lead: Lead,
  event: TouchEvent,
  zone: string,
  now: Date,
): Promise<SkipReason | undefined> {
  const { store } = deps;
  switch (event.channel) {
    case 'email':
      if (SUPPRESSED_STATUSES.has(lead.status) || (await store.isSuppressed([suppressionKey(lead.email)]))) {
        return 'suppressed';
      }
      return undefined;
    case 'sms':
      if (!lead.phone) return 'no-phone';
      if (SUPPRESSED_STATUSES.has(lead.status) || (await store.isSuppressed([suppressionKey(lead.phone)]))) {
        return 'suppressed';
      }
      if (!lead.smsConsent) return 'no-sms-consent';
      if (!inSmsHours(now, zone)) return 'quiet-hours';
      return undefined;
    case 'call':
    case 'task':
      return undefined;
    default:
      return assertUnreachable(event.channel);
  }
}

/**
 * When a step's send window next opens, if `now` is outside it; undefined inside it (or for an immediate step). An
 * email that waited for sending capacity through the night goes at the window's opening, never at midnight (§8.12).
 */
export function windowReopens(cadence: Cadence, stepId: string, zone: string, now: Date): Date | undefined {
  const step = cadence.steps.find((s) => s.id === stepId);
  if (!step || isImmediate(step)) return undefined;
  const local = Zoned.at(now.getTime(), zone);
  if (!local) throw new InvalidTimeZone(zone);
  const opens = fitWindow(local, resolveWindow(cadence, step), new Set(cadence.holidays ?? []));
  return opens.ms > now.getTime() ? opens.toDate() : undefined;
}
