import type { SignalKey, SignalMarker } from '../../functions/domain/ports.ts';
import * as ids from './ids.ts';

/* The in-memory store's signal markers (docs/architecture.md §8.2: a signal applied once). */

export class MemorySignalMarkers {
  readonly signals = new Map<
    string,
    SignalKey & Partial<SignalMarker> & { state: 'applying' | 'applied'; outcome?: string }
  >();

  async claimSignal(marker: SignalMarker, staleBefore: string) {
    const id = ids.signalId(marker);
    const held = this.signals.get(id);
    const stale = held?.state === 'applying' && held.claimedAt !== undefined && held.claimedAt < staleBefore;
    if (held && !stale) return false;
    this.signals.set(id, { ...marker, state: 'applying' });
    return true;
  }

  async finishSignal(key: SignalKey, _at: string, outcome: string) {
    const id = ids.signalId(key);
    // Applied even without a claim: every later delivery is a duplicate.
    this.signals.set(id, { ...key, ...this.signals.get(id), state: 'applied', outcome });
  }

  async releaseSignal(key: SignalKey) {
    const id = ids.signalId(key);
    if (this.signals.get(id)?.state === 'applying') this.signals.delete(id);
  }
}
