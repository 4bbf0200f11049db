import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SmsMessage } from './aws-shim.ts';
import { Journal } from './journal.ts';

/*
 * The local mailbox (aws-ses-v2-local's in-memory store) and SMS outbox, kept on disk one message at a time: each
 * accepted message is appended and fsynced before the emulator answers, so a message the engine recorded as sent
 * is never lost to a crash. A data folder from before (mailbox.json, sms.json snapshots) is carried over once.
 */

type Email = import('aws-ses-v2-local/dist/store.js').Email;
interface SesStore {
  saveEmail(email: Email): void;
  clearStore(): void;
}

const MAILBOX = 'mailbox.jsonl';
const SMS = 'sms.jsonl';

/** Loads a journal, first folding in the snapshot file older versions kept, then removed. */
function load<T>(dataDir: string, journal: string, snapshot: string): Journal<T> {
  const old = join(dataDir, snapshot);
  const file = join(dataDir, journal);
  if (existsSync(old)) {
    const carried = new Journal<T>(file);
    if (Journal.read<T>(file).length === 0) {
      for (const entry of JSON.parse(readFileSync(old, 'utf8')) as T[]) carried.append(entry);
    }
    carried.close();
    rmSync(old);
  }
  return new Journal<T>(file);
}

// The emulator's handlers call the store module's `saveEmail` through its exports object; one hook, one owner.
const sesStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as SesStore;
const acceptEmail = sesStore.saveEmail;
let onEmail: ((email: Email) => void) | undefined;
sesStore.saveEmail = (email) => {
  onEmail?.(email);
  acceptEmail(email);
};

export interface DurableOutbox {
  /** Every text accepted, oldest first (the shim's SNS Publish appends). */
  readonly sms: SmsMessage[];
  /** Keeps a text: on disk (with a data folder) before it is in the outbox. */
  acceptSms(sms: SmsMessage): void;
  close(): void;
}

/** Fills the emulator's mailbox and the outbox from `dataDir` and keeps every later message there as it comes. */
export function openDurableOutbox(dataDir: string | undefined): DurableOutbox {
  sesStore.clearStore();
  if (!dataDir) {
    onEmail = undefined;
    const sms: SmsMessage[] = [];
    return { sms, acceptSms: (m) => sms.push(m), close: () => undefined };
  }
  const mail = load<Email>(dataDir, MAILBOX, 'mailbox.json');
  for (const email of Journal.read<Email>(mail.file)) acceptEmail(email);
  const keep = (email: Email) => mail.append(email);
  onEmail = keep;
  const texts = load<SmsMessage>(dataDir, SMS, 'sms.json');
  const sms = Journal.read<SmsMessage>(texts.file);
  return {
    sms,
    acceptSms(message) {
      texts.append(message);
      sms.push(message);
    },
    close() {
      if (onEmail === keep) onEmail = undefined;
      mail.close();
      texts.close();
    },
  };
}
