import { SESv2Client } from '@aws-sdk/client-sesv2';
import { knownCadenceIds } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { DynamoSendingLedger } from '../../functions/adapters/dynamo/sending-governor.ts';
import { SesSendQuota } from '../../functions/adapters/ses-send-quota.ts';
import type { SendingConfig } from '../../functions/core/config.ts';
import { UsageError } from '../../functions/core/errors.ts';
import type { RateSource } from '../../functions/domain/sending-governor.ts';
import type { SendQuotaSource } from '../../functions/domain/sending-governor-account.ts';
import type { SendingGovernor, SendingStatus } from '../../functions/domain/sending-governor-service.ts';
import { governorOver } from '../../functions/runtime/sending-governor.ts';
import type { Terminal } from '../output.ts';
import { dataFolderLabel, onAws, openTable, resolveRegion, type TargetOptions } from '../targets.ts';

/*
 * `followup sending status` and `followup sending resume` (#15): the governor's state from the local runtime's table
 * or, with --aws, the deployed one. A reputation pause holds every marketing email until a person resumes it.
 */

export interface SendingCliOptions extends TargetOptions {
  readonly json?: boolean;
  readonly config?: string;
  readonly cadences?: string;
}

async function withGovernor<T>(
  options: SendingCliOptions,
  use: (governor: SendingGovernor, source: string) => Promise<T>,
): Promise<T> {
  const file = options.config ?? 'followup.config.json';
  const config = loadConfig(file, await knownCadenceIds(options.cadences ?? 'cadences'));
  if (!config.sending) {
    throw new UsageError(
      `${file} ${config.sending === false ? 'turns the governor off ("sending": false)' : 'has no "sending" block'}, so nothing governs sending: set one (e.g. "sending": {"ratePerSecond": "account"}) and deploy or restart`,
    );
  }
  const sending = config.sending;
  const source = await openTable(options, 'sending command');
  if (!source) {
    throw new UsageError(
      `no local data in ${dataFolderLabel(options)} yet (npm start creates it); use --aws for the deployed stack`,
    );
  }
  try {
    const ledger = new DynamoSendingLedger({ client: source.client, tableName: source.tableName });
    const quota = onAws(options) ? await accountQuota(options) : localQuota(sending);
    return await use(governorOver(sending, config.defaultTimeZone, { ledger, quota }), source.label);
  } finally {
    await source.close();
  }
}

/** The deployed account's limits, as the Touch reads them (SES v2 GetAccount in the stack's region). */
async function accountQuota(options: SendingCliOptions): Promise<SendQuotaSource> {
  const region = await resolveRegion(options.region);
  return new SesSendQuota(() => new SESv2Client({ region }));
}

/** The local runtime's answer for "account": the config's `sending.local` (local/runtime/sending-governor.ts). */
function localQuota(sending: SendingConfig): SendQuotaSource {
  return {
    source: 'local',
    sendQuota: async () => ({
      maxSendRate: sending.local.ratePerSecond,
      max24HourSend: sending.local.dailyCap ?? -1,
    }),
  };
}

/** Where the rate in force comes from, in words. */
export const RATE_SOURCES: Readonly<Record<RateSource, string>> = {
  config: 'set in followup.config.json',
  account: "the SES account's MaxSendRate (GetAccount)",
  fallback: 'sending.fallback: GetAccount could not be read (the Touch needs ses:GetAccount)',
  local: 'sending.local: the local runtime has no SES account to ask',
};

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

export function formatStatus(status: SendingStatus, source: string): string {
  const { reputation: rep } = status;
  return [
    `Sending · from ${source}`,
    '',
    `  today (${status.day})   ${status.sentToday} sent${status.dailyCap !== undefined ? ` of a cap of ${status.dailyCap}` : ', no daily cap'}`,
    `  rate                 ${status.ratePerSecond}/s (${RATE_SOURCES[status.rateSource]}); ${status.tokens} of ${status.burst} tokens in the bucket now`,
    `  texts                ${status.sms.ratePerSecond}/s (sending.sms); ${status.sms.tokens} of ${status.sms.burst} tokens now`,
    `  last ${rep.sends} sends       bounces ${rep.bounces} (${percent(rep.bounceRate)}), complaints ${rep.complaints} (${percent(rep.complaintRate)})`,
    status.paused
      ? `  PAUSED               since ${status.paused.at}: ${status.paused.reason}. Marketing emails and texts wait; immediate replies go.\n\nFind the cause (a bad list? a template?), then: followup sending resume`
      : '  not paused',
    '',
  ].join('\n');
}

/** `followup sending status`. */
export async function statusCommand(
  options: SendingCliOptions,
  terminal: Terminal = process,
): Promise<number> {
  return withGovernor(options, async (governor, source) => {
    const status = await governor.status(new Date());
    terminal.stdout.write(
      options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status, source),
    );
    return 0;
  });
}

/** `followup sending resume`: ends a reputation pause; the window starts over so the bounces looked at do not count. */
export async function resumeCommand(
  options: SendingCliOptions,
  terminal: Terminal = process,
): Promise<number> {
  return withGovernor(options, async (governor, source) => {
    const resumed = await governor.resume();
    if (options.json) terminal.stdout.write(`${JSON.stringify({ resumed })}\n`);
    else
      terminal.stdout.write(
        resumed
          ? `Resumed marketing sends on ${source}; the touches waiting go out as their retries come round.\n`
          : `Sending was not paused on ${source}; nothing to resume.\n`,
      );
    return 0;
  });
}
