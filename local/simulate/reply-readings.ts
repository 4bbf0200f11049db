import { INTENTS } from '../../functions/core/intent-labels.ts';
import type { ReplyOutcome } from './engines.ts';
import { REPLY_KINDS, type ReplyKind } from './reply-texts.ts';

/*
 * What the real reader made of the replies a mix wrote (`simulate --reply-mix`): per kind written, how many and what
 * each was read as (a small confusion table). Shards add up; the keys come out in a fixed order, so a result does
 * not depend on how the leads were split. What the replies did is counted from the leads' statuses at the end of
 * the run (result.ts), not read right after each reply, when a lead's other executions may still be moving it.
 */

export interface KindReadings {
  /** Replies of this kind written. */
  readonly written: number;
  /** What the reader read them as: the label, or "unread" when no reading came back. */
  readonly readAs: Readonly<Record<string, number>>;
}

export interface ReplyReadingsSummary {
  /** By kind written, in the order of REPLY_KINDS; kinds never written are left out. */
  readonly byKind: Readonly<Partial<Record<ReplyKind, KindReadings>>>;
}

const UNREAD = 'unread';
/** Counts keyed in `order`, then any other key alphabetically. */
export const inOrder = (counts: ReadonlyMap<string, number>, order: readonly string[]) =>
  Object.fromEntries(
    [...order, ...[...counts.keys()].filter((key) => !order.includes(key)).sort()]
      .filter((key) => counts.has(key))
      .map((key) => [key, counts.get(key) as number]),
  );

const bump = (counts: Map<string, number>, key: string, by = 1) =>
  counts.set(key, (counts.get(key) ?? 0) + by);

export class ReplyReadings {
  private readonly readAs = new Map<ReplyKind, Map<string, number>>();

  /** One reply of `kind` delivered, and what the reader read it as. */
  add(kind: ReplyKind, outcome: Pick<ReplyOutcome, 'readAs'>): void {
    const read = this.readAs.get(kind) ?? this.readAs.set(kind, new Map()).get(kind);
    bump(read as Map<string, number>, outcome.readAs ?? UNREAD);
  }

  /** Another shard's summary added to this one. */
  merge(summary: ReplyReadingsSummary): this {
    for (const [kind, readings] of Object.entries(summary.byKind) as [ReplyKind, KindReadings][]) {
      const read = this.readAs.get(kind) ?? this.readAs.set(kind, new Map()).get(kind);
      for (const [label, n] of Object.entries(readings.readAs)) bump(read as Map<string, number>, label, n);
    }
    return this;
  }

  summary(): ReplyReadingsSummary {
    const byKind: Partial<Record<ReplyKind, KindReadings>> = {};
    for (const kind of REPLY_KINDS) {
      const read = this.readAs.get(kind);
      if (!read) continue;
      const written = [...read.values()].reduce((sum, n) => sum + n, 0);
      byKind[kind] = { written, readAs: inOrder(read, [...INTENTS, UNREAD]) };
    }
    return { byKind };
  }
}
