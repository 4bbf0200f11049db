import { LeadExited, TransientError } from '../core/errors.ts';
import { type FrequencyCap, sendEntry, sendsInWindow } from './frequency-cap.ts';
import type { Lead } from './lead.ts';
import type { LeadStore } from './ports.ts';

/* The lead's frequency-cap slots (docs/architecture.md §8.5, §8.7): one taken per email or text, given back if none went. */

/**
 * Reserves one of the lead's frequency-cap slots with a write conditional on `sendsVersion`, which every status
 * change bumps: the reservation is the moment the send is decided, so a reply written before it stops this touch.
 * Undefined when the cap is reached; retries when another send raced it.
 */
export async function takeSendSlot(
  store: LeadStore,
  cap: FrequencyCap,
  lead: Lead,
  touch: string,
  now: Date,
  exitOf: (lead: Lead | undefined) => string | undefined,
): Promise<string | undefined> {
  const entry = sendEntry(now, touch);
  let current: Lead | undefined = lead;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const recent = sendsInWindow(current.recentSends, cap, now);
    if (recent.length >= cap.count) return undefined;
    if (await store.reserveSends(lead.leadId, current.sendsVersion, [...recent, entry])) return entry;
    current = await store.getLead(lead.leadId);
    const exit = exitOf(current);
    if (exit) throw new LeadExited(`${lead.leadId}: ${exit}`);
  }
  throw new TransientError(`${lead.leadId}: concurrent sends kept taking the frequency-cap slot; retry`);
}

/** Gives a slot back after a send that certainly did not go out. */
export async function giveBackSlot(store: LeadStore, leadId: string, slot: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const lead = await store.getLead(leadId);
    if (!lead?.recentSends.includes(slot)) return;
    const rest = lead.recentSends.filter((entry) => entry !== slot);
    if (await store.reserveSends(leadId, lead.sendsVersion, rest)) return;
  }
}
