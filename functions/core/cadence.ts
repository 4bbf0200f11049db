import {
  type Cadence,
  CadenceSchema,
  DEFAULT_MIN_GAP,
  IMMEDIATE,
  MAX_CADENCE_DAYS,
  SMS_EARLIEST,
  SMS_LATEST,
  showValue,
  WEEKDAYS,
} from './cadence-schema.ts';
import { type Duration, parseDuration } from './duration.ts';
import { UserError } from './errors.ts';
import { isImmediate, minutesOfDay, resolveWindow, type SendWindow, spreadMinutes } from './schedule.ts';
import type * as z from './zod.ts';

export interface CadenceIssue {
  /** JSON path as a person writes it: `steps[3].wait`, or `(file)` for the whole document. */
  readonly path: string;
  readonly message: string;
}

export type CadenceResult = { ok: true; cadence: Cadence } | { ok: false; issues: CadenceIssue[] };

export interface ParseOptions {
  /** The file's base name without `.json`: the cadence id must equal it. */
  readonly fileId?: string;
  /** Ids of the cadences that exist, so a `then` naming none is caught. */
  readonly knownCadences?: ReadonlySet<string>;
}

export class CadenceInvalid extends UserError {
  override readonly name = 'CadenceInvalid';
  constructor(
    readonly source: string,
    readonly issues: readonly CadenceIssue[],
  ) {
    super(`${source}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(file)';
}

const FIELDS: Record<'cadence' | 'step' | 'window', readonly string[]> = {
  cadence: [
    '$schema',
    'id',
    'name',
    'description',
    'timezone',
    'sendWindow',
    'holidays',
    'minGap',
    'spread',
    'exitOn',
    'steps',
    'then',
  ],
  step: ['id', 'day', 'wait', 'channel', 'template', 'sendWindow'],
  window: ['days', 'start', 'end'],
};

function fieldsAt(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return FIELDS.cadence;
  if (path.at(-1) === 'sendWindow') return FIELDS.window;
  return FIELDS.step;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function fromZod(issue: z.core.$ZodIssue): CadenceIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = fieldsAt(issue.path);
    return issue.keys.map((key) => {
      const guess = closest(key, allowed);
      return {
        path: formatPath([...issue.path, key]),
        message: guess
          ? `unknown field; did you mean "${guess}"?`
          : `unknown field; allowed here: ${allowed.join(', ')}`,
      };
    });
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const timeOr = (v: unknown): string | undefined =>
  typeof v === 'string' && /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v) ? v : undefined;

function windowFields(v: unknown): { start?: string; end?: string } {
  if (!isObject(v)) return {};
  return { start: timeOr(v.start), end: timeOr(v.end) };
}

/**
 * Checks that need more than one field. They run on the raw document too, so a file with a schema error
 * and a semantic one reports both.
 */
function crossFieldIssues(raw: unknown, options: ParseOptions): CadenceIssue[] {
  if (!isObject(raw)) return [];
  const issues: CadenceIssue[] = [];
  if (options.fileId !== undefined && typeof raw.id === 'string' && raw.id !== options.fileId) {
    issues.push({
      path: 'id',
      message: `${showValue(raw.id)} does not match the file name "${options.fileId}.json"; rename one so they agree`,
    });
  }
  const cadenceWindow = { sendWindow: windowFields(raw.sendWindow) };
  const cadenceRange = resolveWindow(cadenceWindow, {});
  if (minutesOfDay(cadenceRange.start) >= minutesOfDay(cadenceRange.end)) {
    issues.push({ path: 'sendWindow', message: endsBeforeStart(cadenceRange) });
  }
  const seen = new Map<string, number>();
  const windows: StepRange[] = [];
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  steps.forEach((step: unknown, i) => {
    if (!isObject(step)) return;
    const at = `steps[${i}]`;
    if (step.day === undefined && step.wait === undefined) {
      issues.push({ path: at, message: 'needs "day" or "wait"; use e.g. "day": 3 or "wait": "2 days"' });
    }
    if (step.day !== undefined && step.wait !== undefined) {
      issues.push({ path: at, message: 'has both "day" and "wait"; keep exactly one' });
    }
    if (typeof step.id === 'string') {
      const first = seen.get(step.id);
      if (first !== undefined) {
        issues.push({
          path: `${at}.id`,
          message: `${showValue(step.id)} is already the id of steps[${first}]; step ids must be unique`,
        });
      } else seen.set(step.id, i);
    }
    if (step.sendWindow === IMMEDIATE) {
      if (step.channel === 'sms') issues.push({ path: `${at}.sendWindow`, message: IMMEDIATE_SMS });
      return;
    }
    const range = resolveWindow(cadenceWindow, { sendWindow: windowFields(step.sendWindow) });
    const startsAfterEnd = minutesOfDay(range.start) >= minutesOfDay(range.end);
    if (!startsAfterEnd) windows.push({ at, id: step.id, range });
    if (startsAfterEnd && isObject(step.sendWindow)) {
      issues.push({ path: `${at}.sendWindow`, message: endsBeforeStart(range) });
    }
    const quiet =
      minutesOfDay(range.start) < minutesOfDay(SMS_EARLIEST) ||
      minutesOfDay(range.end) > minutesOfDay(SMS_LATEST);
    if (step.channel === 'sms' && quiet && !startsAfterEnd) {
      issues.push({
        path: `${at}.sendWindow`,
        message:
          `an SMS may only go out between ${SMS_EARLIEST} and ${SMS_LATEST} (US TCPA quiet hours); ` +
          `this step's window is ${range.start}–${range.end}; set "sendWindow": { "start": "${maxTime(range.start, SMS_EARLIEST)}", "end": "${minTime(range.end, SMS_LATEST)}" }`,
      });
    }
  });
  const spread = spreadIssue(raw.spread, windows);
  if (spread) issues.push(spread);
  if (options.knownCadences && typeof raw.then === 'string' && !options.knownCadences.has(raw.then)) {
    const guess = closest(raw.then, options.knownCadences);
    issues.push({
      path: 'then',
      message: guess
        ? `${showValue(raw.then)} names no cadence; did you mean "${guess}"?`
        : `${showValue(raw.then)} names no cadence; use one of: ${[...options.knownCadences].sort().join(', ') || '(none found)'}`,
    });
  }
  return issues;
}

// Texts keep quiet hours, which an immediate touch would ignore (docs/architecture.md §2.1).
const IMMEDIATE_SMS =
  `"${IMMEDIATE}" is not allowed on an SMS step: a text must keep to ${SMS_EARLIEST}–${SMS_LATEST} in the lead's zone ` +
  `(US TCPA quiet hours) and "${IMMEDIATE}" sends at any hour; answer at once by email instead, or give this text a ` +
  `window such as "sendWindow": { "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": "${SMS_EARLIEST}", "end": "${SMS_LATEST}" }`;

interface StepRange {
  readonly at: string;
  readonly id: unknown;
  readonly range: SendWindow;
}

const windowMinutes = (w: SendWindow) => minutesOfDay(w.end) - minutesOfDay(w.start);

/** A spread longer than a window it applies to would send after that window closes: refused, naming the window. */
function spreadIssue(spread: unknown, windows: readonly StepRange[]): CadenceIssue | undefined {
  const minutes = typeof spread === 'string' ? spreadMinutes({ spread }) : undefined;
  if (minutes === undefined) return undefined;
  const shortest = windows.reduce<StepRange | undefined>(
    (best, w) => (best && windowMinutes(best.range) <= windowMinutes(w.range) ? best : w),
    undefined,
  );
  if (!shortest || windowMinutes(shortest.range) >= minutes) return undefined;
  const { at, id, range } = shortest;
  const length = windowMinutes(range);
  return {
    path: 'spread',
    message:
      `${showValue(spread)} is longer than the send window of ${at}${typeof id === 'string' ? ` ("${id}")` : ''}, ` +
      `${range.start}–${range.end} (${length} minutes): a spread touch would go out after it closes; ` +
      `use at most "${length} minutes", or widen that window`,
  };
}

const maxTime = (a: string, b: string) => (minutesOfDay(a) >= minutesOfDay(b) ? a : b);
const minTime = (a: string, b: string) => (minutesOfDay(a) <= minutesOfDay(b) ? a : b);
const endsBeforeStart = (w: SendWindow) =>
  `ends at ${w.end}, not after it starts at ${w.start}; "end" must be later than "start" on the same day`;

/** Validates a parsed JSON document as a cadence and reports every problem, each with its path. */
export function parseCadence(raw: unknown, options: ParseOptions = {}): CadenceResult {
  const parsed = CadenceSchema.safeParse(raw, { reportInput: true });
  const issues = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap(fromZod)),
    ...crossFieldIssues(raw, options),
  ];
  if (parsed.success && issues.length === 0) {
    const tooLong = lengthIssue(parsed.data);
    if (tooLong) issues.push(tooLong);
  }
  if (!parsed.success || issues.length > 0) return { ok: false, issues: dedupe(issues) };
  return { ok: true, cadence: parsed.data };
}

function dedupe(issues: CadenceIssue[]): CadenceIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function lengthIssue(cadence: Cadence): CadenceIssue | undefined {
  const days = Math.ceil(latestPossibleDay(cadence));
  if (days <= MAX_CADENCE_DAYS) return undefined;
  return {
    path: `steps[${cadence.steps.length - 1}]`,
    message:
      `the last touch can fall ${days} days after enrollment, over the ${MAX_CADENCE_DAYS}-day limit ` +
      '(a Step Functions execution ends at one year); end this cadence sooner and continue with "then"',
  };
}

/**
 * An upper bound, in days after enrollment, on the last touch of a cadence over every possible enrollment instant
 * and time zone: each step's raw offset plus the longest stretch its window can push it (blocked weekdays and
 * holidays in a row), plus a day for DST and zone offsets.
 */
export function latestPossibleDay(cadence: Cadence): number {
  const holidays = [...new Set(cadence.holidays ?? [])].sort();
  const minGap = durationDays(parseDuration(cadence.minGap ?? DEFAULT_MIN_GAP) as Duration, holidays.length);
  let bound = 0;
  cadence.steps.forEach((step, i) => {
    // An immediate touch waits for no window and no gap; a spread ends before its window does, inside the slack.
    const immediate = isImmediate(step);
    const slack = immediate ? 0 : longestBlockedRun(resolveWindow(cadence, step).days, holidays) + 1;
    const earliestAfterPrevious = i === 0 || immediate ? 0 : bound + minGap;
    const raw =
      step.day !== undefined
        ? step.day - 1
        : bound + durationDays(parseDuration(step.wait ?? '') as Duration, holidays.length);
    bound = Math.max(raw, earliestAfterPrevious) + slack;
  });
  return bound + 1;
}

function durationDays({ n, unit }: Duration, holidayCount: number): number {
  switch (unit) {
    case 'minute':
      return n / 1440;
    case 'hour':
      return n / 24;
    case 'day':
      return n;
    case 'week':
      return 7 * n;
    case 'month':
      return 31 * n;
    case 'business day':
      return Math.ceil(n / 5) * 7 + 2 + holidayCount;
    default:
      throw new Error(`unknown unit ${String(unit)}`);
  }
}

function longestBlockedRun(days: readonly string[], holidays: readonly string[]): number {
  const allowedWeekday = (d: Date) => days.includes(WEEKDAYS[(d.getUTCDay() + 6) % 7] as string);
  const blocked = new Set(holidays);
  const first = holidays[0] ? Date.parse(`${holidays[0]}T00:00:00Z`) : Date.UTC(2026, 0, 5);
  const last = holidays.at(-1) ? Date.parse(`${holidays.at(-1)}T00:00:00Z`) : first;
  let longest = 0;
  let run = 0;
  for (let t = first - 8 * 86_400_000; t <= last + 8 * 86_400_000; t += 86_400_000) {
    const d = new Date(t);
    if (!allowedWeekday(d) || blocked.has(d.toISOString().slice(0, 10))) longest = Math.max(longest, ++run);
    else run = 0;
  }
  return longest;
}
