import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { TouchKey } from '../../functions/domain/ports.ts';
import type { SignalRuntime } from '../signal-events.ts';
import type { HttpAnswer } from './respond.ts';

/**
 * What the local server needs of the runtime (docs/architecture.md §7): the table to read, the handlers it relays
 * to, the clock, the outboxes and links. `Runtime` satisfies it as it is, so the runtime attaches itself whole.
 */
export interface AppRuntime extends SignalRuntime {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  /** A scaled clock says how much faster than real time it runs. */
  readonly clock: { now(): Date; readonly speed?: number };
  readonly mailboxUrl: string;
  /** Every email this engine sent, oldest first. */
  readonly emails: readonly MailboxEmail[];
  readonly outbox: readonly { readonly to: string; readonly body: string; readonly at: string }[];
  /**
   * The cadences as loaded: ids for the dashboard, `decideOn` and `autoPromote` for its variants' report, and the
   * steps whose promotions it names (a cadence given without them has none read).
   */
  readonly cadences: readonly ReportCadence[];
  readonly config: SignalRuntime['config'] & { readonly defaultCadence: string };
  readonly intake: (event: unknown) => Promise<HttpAnswer>;
  readonly sfn: { list(): unknown };
  readonly redrive: (key: TouchKey, by: string) => Promise<unknown>;
}

/** What the variants' report reads of a cadence (docs/architecture.md §2.4). */
export type ReportCadence = Pick<Cadence, 'id' | 'decideOn' | 'autoPromote'> &
  Partial<Pick<Cadence, 'steps'>>;

/** An email as the SES emulator records it. */
export interface MailboxEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  readonly headers?: { name: string; value: string }[];
  readonly at: number;
}
