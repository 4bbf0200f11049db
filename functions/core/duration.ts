/** "<n> <unit>" durations used by cadence steps (`wait`) and `minGap`. */
export const DURATION_UNITS = ['minute', 'hour', 'day', 'business day', 'week', 'month'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export interface Duration {
  readonly n: number;
  readonly unit: DurationUnit;
}

/** The same grammar as a regular expression, so the generated JSON Schema can flag typos in editors. */
export const DURATION_PATTERN = '^(0|[1-9][0-9]*) (minute|hour|day|business day|week|month)s?$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_RE.exec(text);
  if (!match) return undefined;
  return { n: Number(match[1]), unit: match[2] as DurationUnit };
}

export function formatDuration({ n, unit }: Duration): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
