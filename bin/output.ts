import { UsageError } from '../functions/adapters/cadence-files.ts';
import { InvalidInstant, InvalidTimeZone } from '../functions/core/schedule.ts';

/** Errors a user can fix from the message alone: printed as one line, exit 1, no stack trace. */
const USER_ERRORS = new Set([
  UsageError.name,
  InvalidTimeZone.name,
  InvalidInstant.name,
  'TemplateNotFound',
  'TemplateInvalid',
]);

export function fail(error: unknown): never {
  const err = error instanceof Error ? error : new Error(String(error));
  const known = USER_ERRORS.has(err.name);
  process.stderr.write(
    `followup: ${known ? err.message : `unexpected error: ${err.stack ?? err.message}`}\n`,
  );
  process.exit(known ? 1 : 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Pads columns so a table reads well in a terminal. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
