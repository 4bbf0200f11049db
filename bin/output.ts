import { UserError } from '../functions/core/errors.ts';

/** A UserError is printed as one line, exit 1, no stack trace; anything else is a bug: its stack, exit 2. */
export function fail(error: unknown): never {
  if (error instanceof UserError) {
    process.stderr.write(`followup: ${error.message}\n`);
    process.exit(1);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`followup: unexpected error: ${err.stack ?? err.message}\n`);
  process.exit(2);
}

/** What a command writes to: the terminal, or a test's buffers. */
export interface Terminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** An amount as the report prints it: grouped, at most two decimals, in the shop's own currency (no symbol). */
export const money = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

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
