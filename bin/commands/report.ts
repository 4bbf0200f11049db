import { resolve } from 'node:path';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import { CHANNELS } from '../../functions/core/cadence-schema.ts';
import { UsageError } from '../../functions/core/errors.ts';
import {
  buildReport,
  isMonth,
  type Report,
  type ReportFigures,
  type TouchReport,
} from '../../functions/core/report.ts';
import type { Aggregates } from '../../functions/domain/ports.ts';
import { table } from '../output.ts';
import { awsTable, localTable, type TableSource } from '../table-source.ts';

/*
 * `followup report` (docs/architecture.md §6): the seed's follow-up measures from the aggregates the engine keeps on
 * write. It reads the aggregate items only (one Query for the index, one per cadence × month), from the local
 * runtime's table by default or from the deployed stack's with --aws.
 */

export interface ReportCliOptions {
  readonly cadence?: string;
  readonly since?: string;
  readonly until?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly aws?: boolean;
  readonly table?: string;
  readonly stack?: string;
  readonly region?: string;
  /** The local runtime's data folder. */
  readonly data?: string;
}

export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** The month flags, checked: yyyy-mm, since ≤ until. */
export function parseMonths(options: Pick<ReportCliOptions, 'since' | 'until'>): {
  since?: string;
  until?: string;
} {
  for (const flag of ['since', 'until'] as const) {
    const value = options[flag];
    if (value !== undefined && !isMonth(value)) {
      throw new UsageError(`--${flag} must be a month as YYYY-MM, e.g. --${flag} 2026-03 (got "${value}")`);
    }
  }
  if (options.since && options.until && options.since > options.until) {
    throw new UsageError(`--since ${options.since} is after --until ${options.until}`);
  }
  return {
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
  };
}

/** An aggregates reader and what to close once read. */
interface Source {
  readonly aggregates: Aggregates;
  /** Where the numbers come from, for the table's heading. */
  readonly label: string;
  close(): Promise<void>;
}

const aggregatesOf = (table: TableSource): Source => ({
  aggregates: new DynamoAggregates({ client: table.client, tableName: table.tableName }),
  label: table.label,
  close: () => table.close(),
});

/** Reads the aggregates the options point at and computes the report. */
export async function readReport(options: ReportCliOptions): Promise<{ report: Report; source?: string }> {
  const months = parseMonths(options);
  const cadences = options.cadence ? [options.cadence] : undefined;
  const useAws = options.aws ?? process.env.FOLLOWUP_TARGET === 'aws';
  const table = useAws ? await awsTable(options) : await localTable(resolve(options.data ?? '.followup'));
  const source = table ? aggregatesOf(table) : undefined;
  if (!source) return { report: buildReport([], { ...months, ...(cadences ? { cadences } : {}) }) };
  try {
    const rows = await source.aggregates.read({ ...months, ...(cadences ? { cadenceIds: cadences } : {}) });
    return {
      report: buildReport(rows, { ...months, ...(cadences ? { cadences } : {}) }),
      source: source.label,
    };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return { report: buildReport([], months), source: source.label };
    }
    throw error;
  } finally {
    await source.close();
  }
}

// ——— output ———

const count = (n: number) => n.toLocaleString('en-US');
const money = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const decimal = (n: number | null) => (n === null ? '–' : n.toFixed(1));

function touchTable(rows: readonly TouchReport[]): string {
  return table([
    ['touch', 'sent', 'replies', 'response rate', 'skipped', 'meetings', 'won', 'revenue', 'unsubscribed'],
    ...rows.map((t) => [
      String(t.touch),
      count(t.sent),
      count(t.replies),
      percent(t.responseRate),
      count(t.skipped),
      count(t.meetings),
      count(t.won),
      money(t.revenue),
      count(t.unsubscribes),
    ]),
  ]);
}

function summary(f: ReportFigures): string {
  return table([
    ['leads contacted', count(f.leadsContacted)],
    ['replied', `${count(f.replies)} (${percent(f.responseRate)} of leads contacted)`],
    [
      'conversion from follow-up',
      `${percent(f.conversionRate)} (${count(f.wonAfterTwoTouches)} won after 2+ touches / ${count(f.leadsWithTwoTouches)} leads with 2+ touches)`,
    ],
    ['average touches to close', `${decimal(f.avgTouchesToClose)} (${count(f.won)} won)`],
    [
      'revenue recovered',
      `${money(f.revenueRecovered)} (won after the 2nd or later touch; ${money(f.revenue)} won in all)`,
    ],
  ]);
}

/** The report for a person at a terminal; `cadence` is the one asked for, if any. */
export function formatReport(report: Report, source?: string, cadence?: string): string {
  const range =
    report.since || report.until
      ? `${report.since ?? 'the start'} to ${report.until ?? 'now'}`
      : report.months.length > 0
        ? `${report.months[0]} to ${report.months.at(-1)}`
        : 'all time';
  const scope = cadence ? `cadence ${cadence}` : 'all cadences';
  const lines = [`Follow-up report · ${scope} · ${range}${source ? ` · from ${source}` : ''}`, ''];
  if (report.byTouch.length === 0 && report.won === 0) {
    lines.push(
      'No touches or outcomes counted yet for this choice. Counts start when touches go out: run `npm start`',
      'and post a lead, or `npx followup simulate` for a dry run.',
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push('Response rate by touch number (a reply counts for the last touch before it):', '');
  lines.push(touchTable(report.byTouch), '', summary(report));
  if (report.revenueByMonth.length > 0) {
    lines.push('', 'Deals by month won:', '');
    lines.push(
      table([
        ['month', 'won', 'revenue', 'recovered'],
        ...report.revenueByMonth.map((m) => [
          m.month,
          count(m.won),
          money(m.revenue),
          money(m.revenueRecovered),
        ]),
      ]),
    );
  }
  if (report.cadences.length > 1) {
    lines.push('', 'By cadence:', '');
    lines.push(
      table([
        ['cadence', 'contacted', 'replied', 'response', 'conversion', 'avg touches', 'revenue recovered'],
        ...report.cadences.map((c) => [
          c.cadence,
          count(c.leadsContacted),
          count(c.replies),
          percent(c.responseRate),
          percent(c.conversionRate),
          decimal(c.avgTouchesToClose),
          money(c.revenueRecovered),
        ]),
      ]),
    );
  }
  lines.push(
    '',
    'Months are those of the leads’ first touch (UTC); deals are also listed by the month they were won.',
  );
  return `${lines.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'cadence',
  'touch',
  'sent',
  ...CHANNELS.map((c) => `sent_${c}`),
  'skipped',
  'failed',
  'replies',
  'response_rate',
  'meetings',
  'won',
  'revenue',
  'lost',
  'unsubscribes',
  'bounces',
  'complaints',
  'leads_contacted',
  'leads_with_two_touches',
  'conversion_rate',
  'avg_touches_to_close',
  'revenue_recovered',
] as const;

const csvCell = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One row per cadence × touch, then a `total` row per cadence with the summary figures; "all" is every cadence. */
export function reportCsv(report: Report): string {
  const scopes: [string, ReportFigures][] = [
    ['all', report],
    ...report.cadences.map((c): [string, ReportFigures] => [c.cadence, c]),
  ];
  const rows: (string | number | null)[][] = [[...CSV_COLUMNS]];
  for (const [cadence, f] of scopes) {
    for (const t of f.byTouch) {
      rows.push([
        cadence,
        t.touch,
        t.sent,
        ...CHANNELS.map((c) => t.sentByChannel[c]),
        t.skipped,
        t.failed,
        t.replies,
        t.responseRate,
        t.meetings,
        t.won,
        t.revenue,
        t.lost,
        t.unsubscribes,
        t.bounces,
        t.complaints,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
    const totals = f.totals;
    rows.push([
      cadence,
      'total',
      totals.sent,
      ...CHANNELS.map((c) => totals.sentByChannel[c]),
      totals.skipped,
      totals.failed,
      f.replies,
      f.responseRate,
      totals.meetings,
      f.won,
      f.revenue,
      totals.lost,
      totals.unsubscribes,
      totals.bounces,
      totals.complaints,
      f.leadsContacted,
      f.leadsWithTwoTouches,
      f.conversionRate,
      f.avgTouchesToClose,
      f.revenueRecovered,
    ]);
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** `followup report`. */
export async function reportCommand(
  options: ReportCliOptions,
  terminal: Terminal = process,
): Promise<number> {
  if (options.json && options.csv) throw new UsageError('choose one of --json and --csv');
  const { report, source } = await readReport(options);
  if (options.json) terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (options.csv) terminal.stdout.write(reportCsv(report));
  else {
    if (!source) {
      terminal.stderr.write(
        `followup: no local data in ${options.data ?? '.followup'}/ yet (npm start creates it); use --aws for the deployed stack\n`,
      );
    }
    terminal.stdout.write(formatReport(report, source, options.cadence));
  }
  return 0;
}
