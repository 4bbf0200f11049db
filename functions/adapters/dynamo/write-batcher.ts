import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../../core/errors.ts';
import { isTransient, rethrow } from '../aws-errors.ts';
import type { Item, ItemKey } from './table.ts';

/*
 * Writes that need no condition (an event, a start-retry marker put or removed), sent together: the writes callers
 * hand over in the same turn of the event loop go out as BatchWriteItem requests of at most 25 items, so a signup's
 * pair of writes costs one request, and the rows an import enrolls at once share theirs. Each caller's promise
 * settles when its own items are written, so the order each caller writes in (docs/architecture.md §8.2) holds.
 * BatchWriteItem is not atomic: UnprocessedItems are sent again with backoff until written, or the caller gets a
 * TransientError (its retry writes the same items again: every one is idempotent).
 */

export type BatchWrite =
  | { readonly put: Item & ItemKey; readonly delete?: never }
  | { readonly delete: ItemKey; readonly put?: never };

/** At most 25 operations per BatchWriteItem (DynamoDB's limit). */
export const BATCH_LIMIT = 25;

export interface WriteBatcherOptions {
  /** Sends of UnprocessedItems before the caller is told to retry. Default 8. */
  readonly attempts?: number;
  /** Full-jitter backoff between those sends: up to min(maxMs, baseMs × 2^attempt). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Waiting {
  readonly writes: readonly BatchWrite[];
  resolve(): void;
  reject(error: unknown): void;
}

const keyOf = (write: BatchWrite): ItemKey => write.put ?? write.delete;
const keyText = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
const request = (write: BatchWrite) =>
  write.put
    ? { PutRequest: { Item: write.put } }
    : { DeleteRequest: { Key: { pk: write.delete.pk, sk: write.delete.sk } } };
type Request = ReturnType<typeof request>;

export class WriteBatcher {
  private queue: Waiting[] = [];
  private readonly attempts: number;
  private readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: WriteBatcherOptions = {},
  ) {
    this.attempts = options.attempts ?? 8;
    this.backoff = options.backoff ?? { baseMs: 50, maxMs: 2_000 };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when every write is stored; rejects if any is not (the others may be: each is idempotent). */
  write(writes: readonly BatchWrite[]): Promise<void> {
    if (writes.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => void this.flush());
      this.queue.push({ writes, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.queue;
    this.queue = [];
    // One group after another: a later write of an item the same turn wrote already lands after it.
    for (const group of groups(waiting)) {
      try {
        await this.send(group);
        for (const w of group) w.resolve();
      } catch (error) {
        // One caller's bad item must not fail the others: each sends its own again, alone.
        if (group.length === 1 || isTransient(error)) {
          for (const w of group) w.reject(error);
          continue;
        }
        for (const w of group) await this.send([w]).then(w.resolve, w.reject);
      }
    }
  }

  /** Sends one group's writes, chunk by chunk, until DynamoDB has processed every one. */
  private async send(group: readonly Waiting[]): Promise<void> {
    const all = group.flatMap((w) => w.writes.map(request));
    for (let start = 0; start < all.length; start += BATCH_LIMIT) {
      let pending: Request[] = all.slice(start, start + BATCH_LIMIT);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= this.attempts) {
          throw new TransientError(
            `DynamoDB left ${pending.length} of a batch's writes unprocessed ${this.attempts} times`,
          );
        }
        if (attempt > 0) {
          const ceiling = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempt - 1));
          await this.sleep(Math.random() * ceiling);
        }
        try {
          const answer = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
          );
          pending = (answer?.UnprocessedItems?.[this.tableName] ?? []) as Request[];
        } catch (error) {
          rethrow(error, 'DynamoDB');
        }
      }
    }
  }
}

/**
 * The waiting callers in groups whose keys are all distinct (one BatchWriteItem may not name an item twice), in the
 * order they came, so a later write of the same item goes out in a later group.
 */
function groups(waiting: readonly Waiting[]): Waiting[][] {
  const result: { keys: Set<string>; members: Waiting[] }[] = [];
  for (const w of waiting) {
    const keys = w.writes.map((write) => keyText(keyOf(write)));
    if (new Set(keys).size !== keys.length) {
      // A caller naming one item twice goes alone, its duplicate dropped in favour of the last write.
      result.push({ keys: new Set(keys), members: [{ ...w, writes: lastOfEach(w.writes) }] });
      continue;
    }
    const home = result.find((g) => keys.every((k) => !g.keys.has(k)));
    if (home) {
      for (const k of keys) home.keys.add(k);
      home.members.push(w);
    } else result.push({ keys: new Set(keys), members: [w] });
  }
  return result.map((g) => g.members);
}

function lastOfEach(writes: readonly BatchWrite[]): BatchWrite[] {
  const byKey = new Map<string, BatchWrite>();
  for (const write of writes) {
    const key = keyText(keyOf(write));
    byKey.delete(key);
    byKey.set(key, write);
  }
  return [...byKey.values()];
}
