import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { readIntent } from '../functions/core/intent.ts';
import { INTENTS, type Intent } from '../functions/core/intent-labels.ts';
import { crossValidate, type FoldFigures, HELD_OUT_PREFIX } from '../functions/core/intent-model-cv.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * The intent reader against the labelled replies of test/fixtures/replies (#14): precision and recall per label,
 * accuracy, the confusion matrix and how often a date it reads is the date the row gives. A wrong stop loses a
 * customer, hence the precision budgets of `no` and `unsubscribe` (docs/architecture.md §9).
 *
 * The reader was tuned while looking at its misses on these rows, so the whole-set figures are in-sample. The files
 * whose names start with `held-out` were written without reading the rules and have not been used to change them;
 * they are also reported on their own (`heldOut`), the honest figure. A held-out file whose misses were then used to
 * improve the rules is renamed (after-rules-N.jsonl): from then on it is development data.
 */

const FIXTURES = new URL('../test/fixtures/replies/', import.meta.url).pathname;

const Label = z.enum(INTENTS);
export const ReplyRow = z.object({
  text: z.string(),
  label: Label,
  until: z.iso.date().optional(),
  referral: z.object({ email: z.string().optional(), name: z.string().optional() }).optional(),
  receivedAt: z.iso.datetime(),
  zone: z.string(),
  channel: z.enum(['email', 'sms']),
  note: z.string().optional(),
});
export type ReplyRow = z.infer<typeof ReplyRow>;
/** A row as loaded, with the file it came from (not part of the row's schema). */
export type LoadedReply = ReplyRow & { readonly file?: string };

export { HELD_OUT_PREFIX };
export const isHeldOut = (row: LoadedReply) => row.file?.startsWith(HELD_OUT_PREFIX) ?? false;

/** Every row of every .jsonl file in `dir`, each checked and tagged with its file; a bad row names its file and line. */
export function loadReplies(dir = FIXTURES): LoadedReply[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => {
          if (line.trim() === '') return [];
          const parsed = ReplyRow.safeParse(JSON.parse(line));
          if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.message}`);
          return [{ ...parsed.data, file }];
        }),
    );
}

export interface LabelFigures {
  readonly label: Intent;
  readonly rows: number;
  readonly precision: number;
  readonly recall: number;
}

export interface Miss {
  /** Absent for a held-out row unless asked for: its words are the test, not material to tune the rules to. */
  readonly text?: string;
  readonly expected: string;
  readonly got: string;
}

export interface SetFigures {
  readonly rows: number;
  readonly accuracy: number;
  readonly perLabel: readonly LabelFigures[];
  /** confusion[expected][read]: how many rows of each label were read as each label. */
  readonly confusion: Readonly<Record<Intent, Readonly<Record<Intent, number>>>>;
  readonly datedRows: number;
  /** Of the rows that give a date, the share read with that date (as the day in the row's zone). */
  readonly untilCorrect: number;
  readonly misses: readonly Miss[];
}

/** The held-out files on their own: written after the rules, so out of sample. */
export interface HeldOutFigures extends SetFigures {
  readonly files: readonly { readonly file: string; readonly rows: number; readonly accuracy: number }[];
}

/** One file's figures: a wrong stop must stay rare in every file, not only on the whole set. */
export interface FileFigures {
  readonly file: string;
  readonly rows: number;
  readonly accuracy: number;
  /** Precision of the stop labels in this file (1 when the file has no reading of the label). */
  readonly noPrecision: number;
  readonly unsubscribePrecision: number;
}

export interface IntentFigures extends SetFigures {
  readonly files: readonly FileFigures[];
  /** The rows of the files named held-out*, also counted in the whole-set figures above; absent when there are none. */
  readonly heldOut?: HeldOutFigures;
}

const share = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);
const round = (n: number) => Math.round(n * 1000) / 1000;

/** The cross-validated fallback in one informative line (no budget): the rules are in-sample on these files. */
export function crossValidationLine(folds: readonly FoldFigures[]): string {
  const rows = folds.reduce((sum, f) => sum + f.rows, 0);
  const weighted = (of: (f: FoldFigures) => number) =>
    round(folds.reduce((sum, f) => sum + of(f) * f.rows, 0) / (rows || 1));
  const least = (of: (f: FoldFigures) => number) => Math.min(1, ...folds.map(of));
  const changed = folds.reduce((sum, f) => sum + f.guessed, 0);
  const right = folds.reduce((sum, f) => sum + f.guessedRight, 0);
  return (
    `- info: learned fallback, leave-one-file-out over ${folds.length} development files (${rows} replies): ` +
    `accuracy ${weighted((f) => f.rulesAccuracy)} by the rules → ${weighted((f) => f.accuracy)} with the fallback ` +
    `(${right} of ${changed} relabelled right); least precision of no in a file ${least((f) => f.noPrecision)}, ` +
    `of unsubscribe ${least((f) => f.unsubscribePrecision)}`
  );
}

/** The first lines of a reply above its quoted history and signature, on one line: what a miss shows. */
function excerpt(text: string): string {
  const body: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (/^(--|_{5,}|On .+wrote:$|>)/.test(t) || /^(best|thanks|cheers|regards|kind regards)[,!]?$/i.test(t))
      break;
    if (t !== '') body.push(t);
  }
  const joined = body.join(' / ');
  return joined.length > 160 ? `${joined.slice(0, 157)}...` : joined;
}

function evaluateSet(
  rows: readonly LoadedReply[],
  missText: (row: LoadedReply) => string | undefined,
): SetFigures {
  const zero = () => Object.fromEntries(INTENTS.map((l) => [l, 0])) as Record<Intent, number>;
  const confusion = Object.fromEntries(INTENTS.map((l) => [l, zero()])) as Record<
    Intent,
    Record<Intent, number>
  >;
  const misses: Miss[] = [];
  let dated = 0;
  let datedRight = 0;
  for (const row of rows) {
    const read = readIntent(row.text, {
      receivedAt: new Date(row.receivedAt),
      zone: row.zone,
      channel: row.channel,
    });
    confusion[row.label][read.label] += 1;
    const day = read.until ? DateTime.fromISO(read.until, { zone: row.zone }).toISODate() : undefined;
    if (row.until !== undefined) {
      dated += 1;
      if (day === row.until) datedRight += 1;
    }
    if (read.label !== row.label || (row.until !== undefined && day !== row.until)) {
      const got = `${read.label}${day ? ` until ${day}` : ''} (${read.cue || 'no cue'})`;
      misses.push({
        ...(missText(row) === undefined ? {} : { text: missText(row) as string }),
        expected: `${row.label}${row.until ? ` until ${row.until}` : ''}`,
        got,
      });
    }
  }
  const perLabel = INTENTS.map((label) => {
    const truePositives = confusion[label][label];
    const readAs = INTENTS.reduce((sum, expected) => sum + confusion[expected][label], 0);
    const actual = INTENTS.reduce((sum, got) => sum + confusion[label][got], 0);
    return {
      label,
      rows: actual,
      precision: round(share(truePositives, readAs)),
      recall: round(share(truePositives, actual)),
    };
  });
  const right = INTENTS.reduce((sum, label) => sum + confusion[label][label], 0);
  return {
    rows: rows.length,
    accuracy: round(share(right, rows.length)),
    perLabel,
    confusion,
    datedRows: dated,
    untilCorrect: round(share(datedRight, dated)),
    misses,
  };
}

/** `heldOutTexts`: also keep the words of the held-out rows' misses (`--held-out-misses`), never in results. */
export function evaluate(rows: readonly LoadedReply[], heldOutTexts = false): IntentFigures {
  const shown = (text: (row: LoadedReply) => string) => (row: LoadedReply) =>
    isHeldOut(row) && !heldOutTexts ? undefined : text(row);
  const whole = {
    ...evaluateSet(
      rows,
      shown((row) => row.text.split('\n')[0] ?? ''),
    ),
    files: filesOf(rows),
  };
  const held = rows.filter(isHeldOut);
  if (held.length === 0) return whole;
  const files = [...new Set(held.map((r) => r.file ?? ''))].sort().map((file) => {
    const inFile = held.filter((r) => r.file === file);
    return { file, rows: inFile.length, accuracy: evaluateSet(inFile, () => undefined).accuracy };
  });
  return {
    ...whole,
    heldOut: {
      ...evaluateSet(
        held,
        shown((row) => excerpt(row.text)),
      ),
      files,
    },
  };
}

function filesOf(rows: readonly LoadedReply[]): FileFigures[] {
  return [...new Set(rows.map((r) => r.file ?? ''))].sort().map((file) => {
    const set = evaluateSet(
      rows.filter((r) => (r.file ?? '') === file),
      () => undefined,
    );
    const precision = (label: Intent) => set.perLabel.find((l) => l.label === label)?.precision ?? 1;
    return {
      file,
      rows: set.rows,
      accuracy: set.accuracy,
      noPrecision: precision('no'),
      unsubscribePrecision: precision('unsubscribe'),
    };
  });
}

export const MIN_STOP_PRECISION = 0.97;
export const MIN_ACCURACY = 0.9;
export const MIN_UNTIL_CORRECT = 0.9;

export function intentBudgets(figures: IntentFigures): Budget[] {
  const precision = (label: Intent) => figures.perLabel.find((l) => l.label === label)?.precision ?? 0;
  const held = figures.heldOut;
  return [
    ...(['no', 'unsubscribe'] as const).map((label) => ({
      budget: `intent: precision of "${label}" ≥ ${MIN_STOP_PRECISION} (a wrong stop loses a customer)`,
      pass: precision(label) >= MIN_STOP_PRECISION,
      figure: `${precision(label)}`,
    })),
    {
      budget: `intent: accuracy ≥ ${MIN_ACCURACY} over the evaluation set`,
      pass: figures.accuracy >= MIN_ACCURACY,
      figure: `${figures.accuracy} of ${figures.rows} replies`,
    },
    {
      budget: `intent: the date read is the row's on ≥ ${MIN_UNTIL_CORRECT} of the rows that give one`,
      pass: figures.untilCorrect >= MIN_UNTIL_CORRECT,
      figure: `${figures.untilCorrect} of ${figures.datedRows} rows`,
    },
    ...(held
      ? [
          {
            budget: `intent: accuracy ≥ ${MIN_ACCURACY} over the held-out replies (held out, written after the rules)`,
            pass: held.accuracy >= MIN_ACCURACY,
            figure: `${held.accuracy} of ${held.rows} replies`,
          },
          // The whole set's stop precision is in-sample; a wrong stop on replies the rules never saw is the real risk.
          ...(['no', 'unsubscribe'] as const).map((label) => {
            const figure = held.perLabel.find((l) => l.label === label)?.precision ?? 0;
            return {
              budget: `intent: precision of "${label}" ≥ ${MIN_STOP_PRECISION} over the held-out replies`,
              pass: figure >= MIN_STOP_PRECISION,
              figure: `${figure}`,
            };
          }),
        ]
      : []),
  ];
}

export function measureIntent(
  rows: readonly LoadedReply[] = loadReplies(),
  heldOutTexts = false,
): Measured<IntentFigures> {
  const figures = evaluate(rows, heldOutTexts);
  return { figures, budgets: intentBudgets(figures) };
}

/** The confusion matrix and the per-label figures as markdown, for `npm run bench` and `npx tsx bench/intent.ts`. */
export function intentMarkdown(figures: IntentFigures): string[] {
  const short = (l: Intent) => l.replace('out-of-office', 'ooo').replace('wrong-person', 'wrong');
  return [
    `## Reply intent: ${figures.rows} labelled replies, accuracy ${figures.accuracy}, dates right on ${figures.untilCorrect} of ${figures.datedRows}`,
    '',
    '| label | rows | precision | recall |',
    '|---|---:|---:|---:|',
    ...figures.perLabel.map((l) => `| ${l.label} | ${l.rows} | ${l.precision} | ${l.recall} |`),
    '',
    `| expected \\ read | ${INTENTS.map(short).join(' | ')} |`,
    `|---|${INTENTS.map(() => '---:').join('|')}|`,
    ...INTENTS.map((e) => `| ${e} | ${INTENTS.map((r) => figures.confusion[e][r] || '·').join(' | ')} |`),
    '',
    '| file | rows | accuracy | precision of no | precision of unsubscribe |',
    '|---|---:|---:|---:|---:|',
    ...figures.files.map(
      (f) => `| ${f.file} | ${f.rows} | ${f.accuracy} | ${f.noPrecision} | ${f.unsubscribePrecision} |`,
    ),
    '',
    ...(figures.heldOut ? heldOutMarkdown(figures.heldOut) : []),
  ];
}

/** The held-out files on their own: accuracy, the stop labels, the dates and every miss. */
function heldOutMarkdown(held: HeldOutFigures): string[] {
  const stop = held.perLabel.filter((l) => l.label === 'no' || l.label === 'unsubscribe');
  return [
    `## Reply intent, held out (written after the rules): ${held.rows} replies, accuracy ${held.accuracy}, dates right on ${held.untilCorrect} of ${held.datedRows}`,
    '',
    '| file | rows | accuracy |',
    '|---|---:|---:|',
    ...held.files.map((f) => `| ${f.file} | ${f.rows} | ${f.accuracy} |`),
    '',
    '| label | rows | precision | recall |',
    '|---|---:|---:|---:|',
    ...stop.map((l) => `| ${l.label} | ${l.rows} | ${l.precision} | ${l.recall} |`),
    '',
    `Misses (${held.misses.length}), expected ← read (the texts stay unread: \`--held-out-misses\` prints them, and a`,
    'file whose misses were read to change the rules is renamed after-rules-N):',
    '',
    ...missPairs(held.misses).map(([pair, count]) => `- ${pair}: ${count}`),
    '',
  ];
}

/** How often each expected → read pair was missed, most often first: where the reader is wrong, not on what. */
function missPairs(misses: readonly Miss[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of misses) {
    const pair = `${m.expected.split(' ')[0]} ← ${m.got.split(' ')[0]}`;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = measureIntent(loadReplies(), process.argv.includes('--held-out-misses'));
  const lines = [
    ...intentMarkdown(figures),
    ...budgets.map((b) => `- ${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}`),
    '',
    crossValidationLine(crossValidate(loadReplies())),
    '',
    // The development rows' misses; the held-out rows' texts only when asked for by name (they judge the rules).
    ...(process.argv.includes('--misses')
      ? figures.misses.flatMap((m) => (m.text === undefined ? [] : [`- ${m.expected} ← ${m.got}: ${m.text}`]))
      : []),
    ...(process.argv.includes('--held-out-misses')
      ? (figures.heldOut?.misses ?? []).map((m) => `- ${m.expected} ← ${m.got}: ${m.text}`)
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
