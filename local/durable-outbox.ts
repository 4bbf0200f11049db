import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SmsMessage } from './aws-shim.ts';
import { Journal } from './journal.ts';

/*
 * The local mailbox (aws-ses-v2-local's in-memory store) and SMS outbox, kept on disk one message at a time: each
 * accepted message is appended and fsynced before the emulator answers, so a message the engine recorded as sent
 * is never lost to a crash. A data folder from before (mailbox.json, sms.json snapshots) is carried over once.
 *
 * The emulator keeps one store per process, but many engines may run in one (tests, simulate): each engine's
 * mailbox is its own list, fed by the requests its own emulator server answers (told apart by an
 * AsyncLocalStorage around that server's request listeners), so no engine sees or clears another's mail.
 */

type Email = import('aws-ses-v2-local/dist/store.js').Email;
interface SesStore {
  saveEmail(email: Email): void;
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
/** The mailbox of the engine whose emulator is answering this request. */
const receiving = new AsyncLocalStorage<(email: Email) => void>();
sesStore.saveEmail = (email) => {
  receiving.getStore()?.(email);
  // Still in the emulator's own store, for its web UI.
  acceptEmail(email);
};

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Runs every request `server` answers with `keep` as the mailbox its emails go to. */
function routeMail(server: Server, keep: (email: Email) => void): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  for (const listener of listeners) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      receiving.run(keep, () => listener(request, response)),
    );
  }
}

export interface DurableOutbox {
  /** Every email this engine sent, oldest first, as the emulator recorded it. */
  readonly emails: readonly Email[];
  /** Every text accepted, oldest first (the shim's SNS Publish appends). */
  readonly sms: SmsMessage[];
  /** Keeps a text: on disk (with a data folder) before it is in the outbox. */
  acceptSms(sms: SmsMessage): void;
  close(): void;
}

/**
 * Fills this engine's mailbox and outbox from `dataDir` and keeps every later message there as it comes: each
 * email the emulator `ses` accepts, each text the shim hands to `acceptSms`.
 */
export function openDurableOutbox(dataDir: string | undefined, ses: Server): DurableOutbox {
  const emails: Email[] = [];
  if (!dataDir) {
    routeMail(ses, (email) => emails.push(email));
    const sms: SmsMessage[] = [];
    return { emails, sms, acceptSms: (m) => sms.push(m), close: () => undefined };
  }
  const mail = load<Email>(dataDir, MAILBOX, 'mailbox.json');
  for (const email of Journal.read<Email>(mail.file)) {
    emails.push(email);
    acceptEmail(email);
  }
  routeMail(ses, (email) => {
    mail.append(email);
    emails.push(email);
  });
  const texts = load<SmsMessage>(dataDir, SMS, 'sms.json');
  const sms = Journal.read<SmsMessage>(texts.file);
  return {
    emails,
    sms,
    acceptSms(message) {
      texts.append(message);
      sms.push(message);
    },
    close() {
      mail.close();
      texts.close();
    },
  };
}
