import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../../functions/adapters/cadence-files.ts';
import { DynamoLeadStore } from '../../functions/adapters/dynamo-lead-store.ts';
import {
  listUnconfirmed,
  parseTouchId,
  type UnconfirmedTouch,
} from '../../functions/domain/unconfirmed-touches.ts';
import { table } from '../output.ts';
import { awsTable, localTable, runningRuntime } from '../table-source.ts';
import type { Terminal } from './report.ts';

/*
 * `followup touches`: the touches that may or may not have gone out (a function stopped between claiming and
 * sending, or the provider's answer was lost), and a redrive of one after a person checked it was not delivered.
 * The list reads the redrive list by key (never a scan), from the local runtime or the deployed table.
 */

export interface TouchesCliOptions {
  readonly json?: boolean;
  readonly aws?: boolean;
  readonly table?: string;
  readonly stack?: string;
  readonly region?: string;
  /** The local runtime's data folder. */
  readonly data?: string;
  /** Who checked the touch and asks for the redrive. */
  readonly by?: string;
}

const dataDirOf = (options: TouchesCliOptions) => resolve(options.data ?? '.followup');
const useAws = (options: TouchesCliOptions) => options.aws ?? process.env.FOLLOWUP_TARGET === 'aws';

/** The unconfirmed touches the options point at, oldest first, and where they were read. */
export async function readUnconfirmed(
  options: TouchesCliOptions,
): Promise<{ touches: UnconfirmedTouch[]; source?: string }> {
  const source = useAws(options)
    ? await awsTable(options)
    : await localTable(dataDirOf(options), 'touches command');
  if (!source) return { touches: [] };
  try {
    const store = new DynamoLeadStore({ client: source.client, tableName: source.tableName });
    return { touches: await listUnconfirmed(store), source: source.label };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return { touches: [], source: source.label };
    throw error;
  } finally {
    await source.close();
  }
}

/** The list for a person at a terminal. */
export function formatUnconfirmed(touches: readonly UnconfirmedTouch[], source?: string): string {
  const heading = `Unconfirmed touches${source ? ` · from ${source}` : ''}`;
  if (touches.length === 0) {
    return `${heading}\n\nNone: every claimed touch was sent, skipped or failed.\n`;
  }
  const rows = touches.map((t) => [t.id, t.leadId, t.cadenceId, t.stepId, t.channel, t.claimedAt, t.reason]);
  return [
    heading,
    '',
    table([['id', 'lead', 'cadence', 'step', 'channel', 'claimed at', 'why'], ...rows]),
    '',
    'Each may or may not have gone out, and none is sent again on its own. Check with the lead (or the provider)',
    'that it was not delivered, then: followup touches redrive ID',
    '',
  ].join('\n');
}

/** `followup touches unconfirmed`. */
export async function unconfirmedCommand(
  options: TouchesCliOptions,
  terminal: Terminal = process,
): Promise<number> {
  const { touches, source } = await readUnconfirmed(options);
  if (options.json) {
    terminal.stdout.write(`${JSON.stringify(touches, null, 2)}\n`);
    return 0;
  }
  if (!source) {
    terminal.stderr.write(
      `followup: no local data in ${options.data ?? '.followup'}/ yet (npm start creates it); use --aws for the deployed stack\n`,
    );
  }
  terminal.stdout.write(formatUnconfirmed(touches, source));
  return 0;
}

/** Who asks, when --by does not say: the account at the terminal. */
const defaultBy = () => process.env.USER ?? userInfo().username;

/** `followup touches redrive ID`: through the running local runtime, which sends with its mailbox and outbox. */
export async function redriveCommand(
  id: string,
  options: TouchesCliOptions,
  terminal: Terminal = process,
): Promise<number> {
  if (!parseTouchId(id)) {
    throw new UsageError(
      `"${id}" is not a touch id; copy one from \`followup touches unconfirmed\` (LEAD/ENROLLMENT/STEP)`,
    );
  }
  if (useAws(options)) {
    throw new UsageError(
      'redrive --aws is not available yet: it must send as the deployed Touch function does; redrive on the local runtime, or see the alarm for what to check',
    );
  }
  const running = runningRuntime(dataDirOf(options));
  if (!running?.url) {
    throw new UsageError(
      `no local runtime is running on ${options.data ?? '.followup'}/: start it (npm start) so the touch goes out through its mailbox, then run this again`,
    );
  }
  const by = options.by ?? defaultBy();
  const response = await fetch(`${running.url}/api/touches/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, by }),
  });
  const answer = (await response.json()) as { status?: string; reason?: string; message?: string };
  if (!response.ok) throw new UsageError(answer.message ?? `the runtime answered ${response.status}`);
  if (options.json) terminal.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else if (answer.status === 'sent') terminal.stdout.write(`Sent ${id} once, redriven by ${by}.\n`);
  else terminal.stdout.write(`Not sent: ${answer.reason ?? answer.status}. The touch is recorded skipped.\n`);
  return 0;
}
