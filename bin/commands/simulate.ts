import { join } from 'node:path';
import { DateTime } from 'luxon';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import type { DeploymentSending } from '../../local/quota-sim/format.ts';
import { LAMBDA_ASSUMPTION, type SimulationResult, simulate } from '../../local/simulate/index.ts';
import { table } from '../output.ts';
import { type AskedEffects, simulatedExperimentLines } from './report-experiments.ts';
import { parseQuotaOptions, parseSimulateOptions, type SimulateCliOptions } from './simulate-options.ts';

/** What the command writes to: the terminal, or a test's buffers. */
export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

const count = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const usd = (amount: number, digits = 2) =>
  `$${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;

/** "12s", "3m 05s". */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** Leads finished / N, rate and ETA on one line redrawn at most ten times a second; for terminals only. */
function progressBar(stderr: Terminal['stderr']) {
  const width = 24;
  let drawnAt = 0;
  // The rate counts from the first finished lead, so the runtime's start-up does not skew the ETA.
  let first: { at: number; finished: number } | undefined;
  return {
    update({ finished, total }: { finished: number; total: number }) {
      const now = Date.now();
      if (finished > 0) first ??= { at: now, finished };
      if (now - drawnAt < 100 && finished < total) return;
      drawnAt = now;
      const seconds = first ? (now - first.at) / 1000 : 0;
      const rate = first && seconds > 0 ? (finished - first.finished) / seconds : 0;
      const filled = Math.round((finished / total) * width);
      const speed = rate > 0 ? `${rate.toFixed(1)} leads/s · ETA ${duration((total - finished) / rate)}` : '';
      stderr.write(
        `\r\x1b[2Ksimulating [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count(finished)}/${count(total)} leads${speed ? ` · ${speed}` : ''}`,
      );
    },
    clear() {
      if (drawnAt > 0) stderr.write('\r\x1b[2K');
    },
  };
}

/** With a mix: what the real reader read each kind of reply as, and what the replies did to their leads. */
function readingLines(result: SimulationResult): string[] {
  const { readings, replyMix } = result;
  if (!readings || !replyMix) return [];
  const rows = Object.entries(readings.byKind).map(([kind, k]) => {
    const read = Object.entries(k.readAs)
      .sort(([a, x], [b, y]) => (a === kind ? -1 : b === kind ? 1 : y - x))
      .map(([label, n]) => `${label} ${count(n)}`)
      .join(' · ');
    return [kind, `${percent(replyMix[kind as keyof typeof replyMix] ?? 0)}`, count(k.written), read];
  });
  const left = Object.entries(result.statusChanges ?? {})
    .map(([status, n]) => `${status} ${count(n)}`)
    .join(' · ');
  return [
    '',
    'Replies by kind (--reply-mix), as the reply reader read them',
    table([['kind', 'mix', 'written', 'read as'], ...rows]),
    `Leads moved to: ${left}`,
  ];
}

/** The summary a person reads: what was sent, how leads answered, what it would cost on AWS. */
export function formatSummary(result: SimulationResult, seconds?: number, asked: AskedEffects = {}): string {
  const perLeads = (usdAmount: number) => usd((usdAmount / result.leads) * 1000, 4);
  const start = DateTime.fromISO(result.start, { zone: 'utc' });
  const channels = Object.entries(result.byChannel)
    .filter(([, n]) => n > 0)
    .map(([channel, n]) => `${channel} ${count(n)}`)
    .join(' · ');
  const skipped = Object.entries(result.skipped.byReason)
    .map(([reason, n]) => `${reason} ${count(n)}`)
    .join(', ');
  const { executions: ex, lambda, report } = result;
  const lines = [
    `Simulated ${count(result.leads)} leads through "${result.cadence}"${result.then ? `, then one run of "${result.then}"` : ''} (seed ${result.seed})`,
    `Enrolled over the week from ${start.toFormat('ccc d LLL yyyy HH:mm')} UTC · reply rate ${percent(result.replyRate)} a touch · win rate ${percent(result.winRate)} of replies · deals ${usd(result.dealValue, 0)}`,
    '',
    table([
      ['Touches sent', count(result.touches), channels],
      ['Skipped', count(result.skipped.total), skipped],
      [
        'Executions',
        count(ex.started),
        `${count(ex.done)} completed · ${count(ex.exited)} exited at a touch · ${count(ex.aborted)} stopped by a reply · ${count(ex.failed)} failed`,
      ],
      ['State transitions', count(result.transitions), 'Step Functions Standard'],
      [
        'Lambda invocations',
        count(result.lambdaInvocations),
        `intake ${count(lambda.intake)} · touch ${count(lambda.touch)} · complete ${count(lambda.complete)} · signals ${count(lambda.signals)}`,
      ],
      [
        'DynamoDB requests',
        count(result.dynamodb.reads + result.dynamodb.writes),
        `${count(result.dynamodb.reads)} reads · ${count(result.dynamodb.writes)} writes`,
      ],
      [
        'Emails (SES)',
        count(result.emails),
        'to leads; call and task notices and replies forwarded to the owner',
      ],
      ['Texts (SNS)', count(result.texts), ''],
    ]),
  ];
  if (result.failedDeliveries > 0) {
    lines.push(
      '',
      `! ${count(result.failedDeliveries)} simulated replies or outcomes failed after their retries`,
    );
  }
  if (result.firstFailure) {
    lines.push(
      '',
      `! ${ex.failed} executions failed, e.g. ${result.firstFailure.error}: ${result.firstFailure.cause}`,
    );
  }
  // Without a mix every reply is the same interested text: a positive column would only repeat the replies.
  const mixed = result.replyMix !== undefined;
  lines.push(
    '',
    'Response by touch (a reply counts for the last touch before it)',
    table([
      ['touch', 'sent', 'replies', 'response', ...(mixed ? ['positive', 'positive rate'] : [])],
      ...report.byTouch.map((t) => [
        String(t.touch),
        count(t.sent),
        count(t.replies),
        percent(t.responseRate),
        ...(mixed ? [count(t.positiveReplies), percent(t.positiveReplyRate)] : []),
      ]),
    ]),
    ...readingLines(result),
    '',
    table([
      [
        'Conversion from follow-up',
        percent(report.conversionRate),
        'won after ≥2 touches / leads that got ≥2',
      ],
      [
        'Average touches to close',
        report.avgTouchesToClose === null ? '–' : report.avgTouchesToClose.toFixed(1),
        `${count(report.won)} won of ${count(report.replies)} replies`,
      ],
      ['Revenue recovered', usd(report.revenueRecovered, 0), 'deals won after the 2nd or later touch'],
      [
        'Positive replies',
        percent(report.positiveReplyRate),
        `${count(report.positiveReplies)} read as interested, a question or a meeting / leads contacted`,
      ],
      [
        'Meetings per 100 enrolled',
        report.meetingsPer100Enrolled === null ? '–' : report.meetingsPer100Enrolled.toFixed(1),
        `${count(report.totals.meetings)} meetings; enrolled = leads contacted`,
      ],
    ]),
    // Variants and a holdout: each rate with its interval, the winner if a test names one, the lift, and the
    // leads a test needs to see the effect asked for (--variant-effect, --lift).
    ...simulatedExperimentLines(report, asked),
    '',
    'Cost at us-east-1 list prices',
  );
  const c = result.costBreakdown;
  lines.push(
    table([
      ['', 'this run', 'per 1,000 leads'],
      ['Step Functions state transitions', usd(c.stepFunctions, 4), perLeads(c.stepFunctions)],
      ['Lambda requests', usd(c.lambdaRequests, 4), perLeads(c.lambdaRequests)],
      [
        `Lambda compute (assumed ${LAMBDA_ASSUMPTION.memoryMb} MB × ${LAMBDA_ASSUMPTION.durationMs} ms, arm64)`,
        usd(c.lambdaCompute, 4),
        perLeads(c.lambdaCompute),
      ],
      ['DynamoDB on-demand writes', usd(c.dynamodbWrites, 4), perLeads(c.dynamodbWrites)],
      ['DynamoDB on-demand reads', usd(c.dynamodbReads, 4), perLeads(c.dynamodbReads)],
      ['SES email', usd(c.sesEmails, 4), perLeads(c.sesEmails)],
      ['SMS, US rate (carrier fees excluded)', usd(c.sms, 4), perLeads(c.sms)],
      ['Total', usd(result.costUsd, 4), usd(result.costPer1000Leads, 4)],
    ]),
  );
  if (seconds !== undefined) {
    lines.push('', `Ran in ${seconds.toFixed(1)} s: ${(result.leads / seconds).toFixed(1)} leads/s.`);
  }
  return `${lines.join('\n')}\n`;
}

/** `followup simulate`: synthetic leads through a cadence on a virtual clock; what it did and what it would cost. */
export async function simulateCommand(
  options: SimulateCliOptions,
  terminal: Terminal = process,
  now: Date = new Date(),
): Promise<number> {
  if (options.awsQuotas) return quotaCommand(options, terminal, now);
  const parsed = parseSimulateOptions(options, now);
  const startedAt = Date.now();
  // Only for a person at a terminal: never with --json, whose reader wants stdout alone.
  const bar = terminal.stderr.isTTY && !options.json ? progressBar(terminal.stderr) : undefined;
  bar?.update({ finished: 0, total: parsed.leads });
  let result: SimulationResult;
  try {
    result = await simulate({ ...parsed, ...(bar ? { onProgress: bar.update } : {}) });
  } finally {
    bar?.clear();
  }
  terminal.stdout.write(
    options.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : formatSummary(result, (Date.now() - startedAt) / 1000, askedEffects(parsed, result)),
  );
  const failure = result.firstFailure;
  if (!failure) return 0;
  terminal.stderr.write(
    `followup: ${result.executions.failed} of ${result.executions.started} executions failed, e.g. ${failure.error}: ${failure.cause}\n`,
  );
  return 1;
}

/** What --variant-effect and --lift asked for, and the share the cadence held out, for the power lines. */
function askedEffects(
  parsed: { readonly variantEffect?: AskedEffects['variantEffect']; readonly lift?: number },
  result: SimulationResult,
): AskedEffects {
  const holdout = result.report.holdout;
  const enrolled = holdout ? holdout.leads + holdout.treatedLeads : 0;
  return {
    ...(parsed.variantEffect ? { variantEffect: parsed.variantEffect } : {}),
    ...(parsed.lift !== undefined ? { lift: parsed.lift } : {}),
    ...(holdout && enrolled > 0 ? { holdout: holdout.leads / enrolled } : {}),
  };
}

/** What the project's followup.config.json says of sending, so the summary names this deployment's rows. */
function deploymentSending(root: string): DeploymentSending {
  const cadenceIds = new Set(loadCadencesSync(join(root, 'cadences')).map((c) => c.id));
  const { sending } = loadConfig(join(root, 'followup.config.json'), cadenceIds);
  return sending ? { governed: true, ratePerSecond: sending.ratePerSecond } : { governed: false };
}

/** `followup simulate --aws-quotas`: the cadence's touches through SES, Lambda and Step Functions quotas (local/quota-sim). */
async function quotaCommand(options: SimulateCliOptions, terminal: Terminal, now: Date): Promise<number> {
  const parsed = parseQuotaOptions(options, now);
  const [{ cadenceIn }, { simulateQuotas }, { formatQuotaSummary }] = await Promise.all([
    import('../../local/simulate/chosen-cadence.ts'),
    import('../../local/quota-sim/index.ts'),
    import('../../local/quota-sim/format.ts'),
  ]);
  const root = new URL('../..', import.meta.url).pathname;
  const cadence = cadenceIn(root, parsed.cadenceId);
  const deployment = deploymentSending(root);
  const startedAt = Date.now();
  // A line per run on stderr, as the lead simulation draws its bar: never with --json, whose reader wants stdout.
  const progress = options.json
    ? undefined
    : ({ runs, of, label }: { runs: number; of: number; label: string }) =>
        terminal.stderr.write(
          `quota simulation: run ${runs}/${of} done (${label}), ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`,
        );
  const result = simulateQuotas({ ...parsed, cadence, ...(progress ? { onProgress: progress } : {}) });
  terminal.stdout.write(
    options.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : formatQuotaSummary(result, (Date.now() - startedAt) / 1000, deployment),
  );
  return 0;
}
