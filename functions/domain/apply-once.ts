import type { LeadStore, Logger, SignalMarker } from './ports.ts';

/* Each signal is applied once, whatever the number of its deliveries (docs/architecture.md §4): a conditional marker. */

/** A claim older than this (longer than any function runs) belongs to a delivery that crashed. */
export const STALE_SIGNAL_CLAIM_MS = 15 * 60_000;

/**
 * Runs `work` once per signal id: a conditional marker is claimed first; a duplicate delivery finds it and does
 * nothing. A failure gives the claim back so the retry applies the signal; a claim left by a crash expires.
 */
export async function applyOnce<T>(
  store: LeadStore,
  marker: Omit<SignalMarker, 'claimedAt'>,
  now: Date,
  work: () => Promise<T>,
  logger?: Logger,
): Promise<{ duplicate: true } | { duplicate: false; value: T }> {
  const claimed = await store.claimSignal(
    { ...marker, claimedAt: now.toISOString() },
    new Date(now.getTime() - STALE_SIGNAL_CLAIM_MS).toISOString(),
  );
  if (!claimed) return { duplicate: true };
  const key = { ...(marker.leadId ? { leadId: marker.leadId } : {}), signalId: marker.signalId };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await store.releaseSignal(key).catch((release: unknown) => {
      logger?.error('signal-release-failed', { leadId: marker.leadId, error: (release as Error)?.name });
    });
    throw error;
  }
  // Everything is done: a failure to mark it so only makes a crash-retry within the window a duplicate.
  await store.finishSignal(key, now.toISOString(), 'applied').catch((error: unknown) => {
    logger?.error('signal-finish-failed', { leadId: marker.leadId, error: (error as Error)?.name });
  });
  return { duplicate: false, value };
}
