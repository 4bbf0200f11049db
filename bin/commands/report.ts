import { DynamoPromotionStore } from '../../functions/adapters/dynamo/promotion-store.ts';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import { type Cadence, CHANNELS } from '../../functions/core/cadence-schema.ts';
import { UsageError } from '../../functions/core/errors.ts';
import {
  buildReport,
  isMonth,
  type Report,
  type ReportFigures,
  type TouchReport,
} from '../../functions/core/report.ts';
import type { SpeedFigures, SpeedToLeadFigures } from '../../functions/core/speed-to-lead.ts';
import { experimentRulesOf } from '../../functions/core/variant-report.ts';
import type { Promotion } from '../../functions/domain/promotion-ports.ts';
import { type CsvColumn, csvTable } from '../csv.ts';
import { money, type Terminal, table } from '../output.ts';
import { dataFolderLabel, openTable, type TargetOptions } from '../targets.ts';
import { experimentLines, projectCadences, readPromotions } from './report-experiments.ts';

/*
 * `followup report` (docs/architecture.md §6): the seed's follow-up measures from the aggregates the engine keeps on
 * write. It reads the aggregate items only (one Query for the index, one per cadence × month), from the local
 * runtime's table by default or from the deployed stack's with --aws.
 */

export interface ReportCliOptions extends TargetOptions {
  readonly cadence?: string;
  readonly since?: string;
  readonly until?: string;
  readonly json?: boolean;
  readonly csv?: boolean;
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

export interface ReadReport {
  readonly report: Report;
  /** What autoPromote switched in the cadences asked for, the tests in force only (docs/architecture.md §2.4). */
  readonly promotions: Promotion[];
  readonly source?: string;
}

/**
 * Reads the aggregates of the table the options point at (bin/targets.ts) and computes the report; `cadences`, the
 * project's, give the experiments' rules and which promotions to read.
 */
export async function readReport(
  options: ReportCliOptions,
  cadences: readonly Cadence[] = projectCadences(),
): Promise<ReadReport> {
  const months = parseMonths(options);
  const scope = {
    ...months,
    ...(options.cadence ? { cadences: [options.cadence] } : {}),
    experiments: experimentRulesOf(cadences),
  };
  const table = await openTable(options, 'report');
  if (!table) return { report: buildReport([], scope), promotions: [] };
  try {
    const aggregates = new DynamoAggregates({ client: table.client, tableName: table.tableName });
    const rows = await aggregates.read({
      ...months,
      ...(options.cadence ? { cadenceIds: [options.cadence] } : {}),
    });
    const asked = options.cadence ? cadences.filter((c) => c.id === options.cadence) : cadences;
    const promotions = await readPromotions(new DynamoPromotionStore(table), asked);
    return { report: buildReport(rows, scope), promotions, source: table.label };
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      return { report: buildReport([], months), promotions: [], source: table.label };
    }
    throw error;
  } finally {
    await table.close();
  }
}

// ——— output ———

const count = (n: number) => n.toLocaleString('en-US');
const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);
const decimal = (n: number | null) => (n === null ? '–' : n.toFixed(1));

function touchTable(rows: readonly TouchReport[]): string {
  return table([
    [
      'touch',
      'sent',
      'replies',
      'response rate',
      'positive',
      'positive rate',
      'skipped',
      'meetings',
      'won',
      'revenue',
      'unsubscribed',
    ],
    ...rows.map((t) => [
      String(t.touch),
      count(t.sent),
      count(t.replies),
      percent(t.responseRate),
      count(t.positiveReplies),
      percent(t.positiveReplyRate),
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
      'positive replies',
      `${count(f.positiveReplies)} (${percent(f.positiveReplyRate)} of leads contacted; read as interested, a question or a meeting)`,
    ],
    [
      'meetings per 100 enrolled',
      `${decimal(f.meetingsPer100Enrolled)} (${count(f.totals.meetings)} meetings; enrolled = leads contacted)`,
    ],
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

const bound = (f: SpeedFigures, p: 'p50' | 'p95') => f[p]?.label ?? '–';

/** Speed to lead overall, per cadence and per rep; empty when nothing was timed. */
function speedTable(report: Report): string[] {
  const speed = report.speedToLead;
  if (speed.firstTouch.leads === 0 && speed.humanTouch.leads === 0) return [];
  const row = (scope: string, f: SpeedToLeadFigures) => [
    scope,
    count(f.firstTouch.leads),
    bound(f.firstTouch, 'p50'),
    bound(f.firstTouch, 'p95'),
    percent(f.firstTouch.withinHourRate),
    count(f.humanTouch.leads),
    bound(f.humanTouch, 'p50'),
    bound(f.humanTouch, 'p95'),
  ];
  return [
    '',
    'Speed to lead: from a lead’s arrival (the start of the enrollment it came in by) to its first touch, and to its',
    'first human touch (a call or task its rep marked done). p50 and p95 are the bound of the delay bucket they fall',
    `in (${speed.buckets.join(', ')}), not exact times.`,
    '',
    table([
      ['', 'timed', 'first touch p50', 'p95', 'within 1 h', 'task done', 'human p50', 'p95'],
      row('all', speed),
      ...speed.byCadence.map((c) => row(`cadence ${c.cadence}`, c)),
      ...speed.byOwner.map((o) => row(`rep ${o.owner || '(default owner)'}`, o)),
    ]),
  ];
}

/** The report for a person at a terminal; `cadence` is the one asked for, if any; `promotions`, autoPromote's. */
export function formatReport(
  report: Report,
  source?: string,
  cadence?: string,
  promotions: readonly Promotion[] = [],
): string {
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
  lines.push(...speedTable(report), ...experimentLines(report, promotions));
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

/** One CSV row: a cadence's n-th touch, or its totals (the summary figures are on the totals only). */
type CsvRow = { readonly cadence: string } & (
  | { readonly touch: TouchReport }
  | { readonly total: ReportFigures }
);
type Cell = string | number | null;

/** A column read from a touch row and from a total row. */
const column = (
  name: string,
  ofTouch: (t: TouchReport) => Cell,
  ofTotal: (f: ReportFigures) => Cell,
): CsvColumn<CsvRow> => ({ name, cell: (row) => ('touch' in row ? ofTouch(row.touch) : ofTotal(row.total)) });
/** A summary figure: empty on a touch row. */
const summaryColumn = (name: string, ofTotal: (f: ReportFigures) => Cell) =>
  column(name, () => null, ofTotal);

const CSV_COLUMNS: readonly CsvColumn<CsvRow>[] = [
  { name: 'cadence', cell: (row) => row.cadence },
  column(
    'touch',
    (t) => t.touch,
    () => 'total',
  ),
  column(
    'sent',
    (t) => t.sent,
    (f) => f.totals.sent,
  ),
  ...CHANNELS.map((c) =>
    column(
      `sent_${c}`,
      (t) => t.sentByChannel[c],
      (f) => f.totals.sentByChannel[c],
    ),
  ),
  column(
    'skipped',
    (t) => t.skipped,
    (f) => f.totals.skipped,
  ),
  column(
    'failed',
    (t) => t.failed,
    (f) => f.totals.failed,
  ),
  column(
    'replies',
    (t) => t.replies,
    (f) => f.replies,
  ),
  column(
    'response_rate',
    (t) => t.responseRate,
    (f) => f.responseRate,
  ),
  column(
    'meetings',
    (t) => t.meetings,
    (f) => f.totals.meetings,
  ),
  column(
    'won',
    (t) => t.won,
    (f) => f.won,
  ),
  column(
    'revenue',
    (t) => t.revenue,
    (f) => f.revenue,
  ),
  column(
    'lost',
    (t) => t.lost,
    (f) => f.totals.lost,
  ),
  column(
    'unsubscribes',
    (t) => t.unsubscribes,
    (f) => f.totals.unsubscribes,
  ),
  column(
    'bounces',
    (t) => t.bounces,
    (f) => f.totals.bounces,
  ),
  column(
    'complaints',
    (t) => t.complaints,
    (f) => f.totals.complaints,
  ),
  summaryColumn('leads_contacted', (f) => f.leadsContacted),
  summaryColumn('leads_with_two_touches', (f) => f.leadsWithTwoTouches),
  summaryColumn('conversion_rate', (f) => f.conversionRate),
  summaryColumn('avg_touches_to_close', (f) => f.avgTouchesToClose),
  summaryColumn('revenue_recovered', (f) => f.revenueRecovered),
  // New columns go last: a spreadsheet that reads columns by position keeps working.
  column(
    'positive_replies',
    (t) => t.positiveReplies,
    (f) => f.positiveReplies,
  ),
  column(
    'positive_reply_rate',
    (t) => t.positiveReplyRate,
    (f) => f.positiveReplyRate,
  ),
  summaryColumn('meetings_per_100_enrolled', (f) => f.meetingsPer100Enrolled),
];

/** One row per cadence × touch, then a `total` row per cadence with the summary figures; "all" is every cadence. */
export function reportCsv(report: Report): string {
  const scopes: [string, ReportFigures][] = [
    ['all', report],
    ...report.cadences.map((c): [string, ReportFigures] => [c.cadence, c]),
  ];
  const rows = scopes.flatMap(([cadence, figures]): CsvRow[] => [
    ...figures.byTouch.map((touch) => ({ cadence, touch })),
    { cadence, total: figures },
  ]);
  return csvTable(CSV_COLUMNS, rows);
}

/** `followup report`. */
export async function reportCommand(
  options: ReportCliOptions,
  terminal: Terminal = process,
  cadences: readonly Cadence[] = projectCadences(),
): Promise<number> {
  if (options.json && options.csv) throw new UsageError('choose one of --json and --csv');
  const { report, promotions, source } = await readReport(options, cadences);
  if (options.json) terminal.stdout.write(`${JSON.stringify({ ...report, promotions }, null, 2)}\n`);
  else if (options.csv) terminal.stdout.write(reportCsv(report));
  else {
    if (!source) {
      terminal.stderr.write(
        `followup: no local data in ${dataFolderLabel(options)} yet (npm start creates it); use --aws for the deployed stack\n`,
      );
    }
    terminal.stdout.write(formatReport(report, source, options.cadence, promotions));
  }
  return 0;
}
