import { userInfo } from 'node:os';
import * as z from 'zod';
import { errorName } from '../../functions/adapters/aws-errors.ts';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { UsageError } from '../../functions/core/errors.ts';
import type { RedriveResult } from '../../functions/domain/redrive.ts';
import {
  listUnconfirmed,
  parseTouchId,
  type UnconfirmedTouch,
} from '../../functions/domain/unconfirmed-touches.ts';
import { type Terminal, table } from '../output.ts';
import {
  credentialProblem,
  dataFolderLabel,
  type InvocationResult,
  localDataDir,
  onAws,
  openTable,
  runningRuntime,
  type TargetOptions,
  touchFunction,
} from '../targets.ts';

/*
 * `followup touches`: the touches that may or may not have gone out (a function stopped between claiming and
 * sending, or the provider's answer was lost), and a redrive of one after a person checked it was not delivered.
 * The list reads the redrive list by key (never a scan), from the local runtime or the deployed table; a redrive
 * runs where the touch would have: in the running local runtime, or in the deployed Touch function (--aws).
 */

export interface TouchesCliOptions extends TargetOptions {
  readonly json?: boolean;
  /** Who checked the touch and asks for the redrive. */
  readonly by?: string;
}

/** The unconfirmed touches the options point at, oldest first, and where they were read. */
export async function readUnconfirmed(
  options: TouchesCliOptions,
): Promise<{ touches: UnconfirmedTouch[]; source?: string }> {
  const source = await openTable(options, 'touches command');
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
      `followup: no local data in ${dataFolderLabel(options)} yet (npm start creates it); use --aws for the deployed stack\n`,
    );
  }
  terminal.stdout.write(formatUnconfirmed(touches, source));
  return 0;
}

/** Who asks, when --by does not say: the account at the terminal. */
const defaultBy = () => process.env.USER ?? userInfo().username;

/** Through the running local runtime, which sends with its mailbox and outbox. */
async function redriveLocally(id: string, by: string, options: TouchesCliOptions): Promise<RedriveResult> {
  const running = runningRuntime(localDataDir(options));
  if (!running?.url) {
    throw new UsageError(
      `no local runtime is running on ${dataFolderLabel(options)}: start it (npm start) so the touch goes out through its mailbox, then run this again`,
    );
  }
  const response = await fetch(`${running.url}/api/touches/redrive`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, by }),
  });
  const answer = (await response.json()) as RedriveResult & { message?: string };
  if (!response.ok) throw new UsageError(answer.message ?? `the runtime answered ${response.status}`);
  return answer;
}

/** What the Touch function answers a redrive (functions/handlers/touch.ts), or the error Lambda reports. */
const TouchAnswerSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    status: z.enum(['sent', 'skipped']),
    id: z.string(),
    messageId: z.string().optional(),
    reason: z.string().optional(),
  }),
  z.object({ ok: z.literal(false), refused: z.string() }),
]);
const FunctionErrorSchema = z.object({
  errorType: z.string().optional(),
  errorMessage: z.string().optional(),
});

const decode = (payload: Uint8Array | undefined): unknown => {
  const text = payload ? new TextDecoder().decode(payload) : '';
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
};

/** Through the deployed Touch function, so the send has its role, sender identity, configuration set and logs. */
async function redriveOnAws(id: string, by: string, options: TouchesCliOptions): Promise<RedriveResult> {
  const stackName = options.stack ?? 'Followup';
  const touch = await touchFunction(options);
  const functionName = touch.functionName;
  let output: InvocationResult;
  try {
    output = await touch.invoke(JSON.stringify({ redrive: { id, by } }));
  } catch (error) {
    const name = errorName(error);
    throw (
      credentialProblem(error) ??
      new UsageError(
        name === 'AccessDeniedException'
          ? `you may not invoke ${functionName}: your IAM needs lambda:InvokeFunction on it`
          : `cannot invoke ${functionName} (${name}: ${(error as Error).message}); check \`followup touches unconfirmed --aws\` before trying again`,
      )
    );
  } finally {
    touch.close();
  }
  const payload = decode(output.Payload);
  if (output.FunctionError) {
    const failure = FunctionErrorSchema.safeParse(payload);
    const what = failure.success
      ? [failure.data.errorType, failure.data.errorMessage].filter(Boolean).join(': ')
      : String(payload ?? 'no details');
    throw new UsageError(
      `the Touch function ${functionName} failed (${what || 'no details'}); see its logs, and check \`followup touches unconfirmed --aws\` before trying again`,
    );
  }
  const answer = TouchAnswerSchema.safeParse(payload);
  if (!answer.success) {
    throw new UsageError(
      `${functionName} did not answer as a Followup Touch function does; is --stack ${stackName} this version of Followup?`,
    );
  }
  if (!answer.data.ok) throw new UsageError(answer.data.refused);
  const { ok: _ok, ...result } = answer.data;
  return result;
}

/** `followup touches redrive ID`: on the running local runtime, or the deployed stack with --aws. */
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
  const by = options.by ?? defaultBy();
  const answer = onAws(options) ? await redriveOnAws(id, by, options) : await redriveLocally(id, by, options);
  if (options.json) terminal.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else if (answer.status === 'sent') terminal.stdout.write(`Sent ${id} once, redriven by ${by}.\n`);
  else terminal.stdout.write(`Not sent: ${answer.reason ?? answer.status}. The touch is recorded skipped.\n`);
  return 0;
}
