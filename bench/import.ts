import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCommand } from '../bin/commands/import.ts';
import type { ImportSummary } from '../bin/import/run.ts';
import { localTable } from '../bin/targets/local-runtime.ts';
import { CLOCK_FILE } from '../local/runtime.ts';
import type { Budget, Measured } from './budget.ts';

/*
 * `followup leads import` of a generated CSV into a fresh local runtime, through the command itself (its target, its
 * journal, its progress), as docs/architecture.md §9 budgets it; then a count of the table: every row enrolled once.
 */

export interface ImportFigures {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly imported: number;
  /** Enrollments in the table afterwards: one per row. */
  readonly enrollments: number;
  /**
   * CPU the command took a row, every thread of the process (the engine, dynalite's thread), its start included: what
   * bounds rows/s on a shared machine, where the wall-clock rate depends on the load (docs/architecture.md §9).
   */
  readonly cpuMsPerRow: number;
  /** The machine's 1-minute load average when the import ended: the noise beside rows/s. */
  readonly load: number;
}

const MIN_ROWS_PER_SECOND = 200;

/**
 * The engine's time when the import starts: a Tuesday, 03:00 in Chicago, as bench/intake.ts posts at. The proposal
 * cadence's first touch waits for 09:00, so the run measures the import alone, not 10,000 first emails going out
 * meanwhile, whatever the time of day it runs at.
 */
const IMPORTED_AT = Date.parse('2026-06-02T08:00:00Z');

function csv(rows: number): string {
  const lines = ['email,first_name,last_name,company,phone,timezone'];
  for (let i = 0; i < rows; i++) {
    lines.push(`bench${i}@example.com,First${i},Last${i},Co ${i % 97},,America/Chicago`);
  }
  return `${lines.join('\n')}\n`;
}

/** Enrollments in the local runtime's table on `dataDir`, counted once the engine has stopped. */
async function enrollmentsIn(dataDir: string): Promise<number> {
  const table = await localTable(dataDir, 'bench');
  if (!table) return 0;
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  try {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await table.client.send(
        new ScanCommand({
          TableName: table.tableName,
          // Each item says what it is (functions/adapters/dynamo/enrollment-items.ts); keys stay the adapters'.
          FilterExpression: '#type = :enrollment',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':enrollment': 'enrollment' },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  } finally {
    await table.close();
  }
}

/** Imports `rows` generated rows into a fresh local runtime as `followup leads import FILE --cadence proposal`. */
export async function measureImport(rows = 10_000, rate?: string): Promise<Measured<ImportFigures>> {
  const dir = mkdtempSync(join(tmpdir(), 'followup-bench-import-'));
  const file = join(dir, 'leads.csv');
  writeFileSync(file, csv(rows));
  // The runtime resumes its clock from its data folder, as after a stop at that time.
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', CLOCK_FILE), JSON.stringify({ virtualNow: IMPORTED_AT }));
  let out = '';
  const terminal = { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => true } };
  const port = process.env.PORT;
  // The engine the command starts listens on npm start's port by default: a free one here.
  process.env.PORT = '0';
  const cpuBefore = process.cpuUsage();
  try {
    const code = await importCommand(
      file,
      { cadence: 'proposal', data: join(dir, 'data'), json: true, ...(rate ? { rate } : {}) },
      terminal,
    );
    const cpu = process.cpuUsage(cpuBefore);
    const load = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    if (code !== 0) throw new Error(`followup leads import exited ${code}: ${out}`);
    const summary = JSON.parse(out) as ImportSummary;
    const enrollments = await enrollmentsIn(join(dir, 'data'));
    const rowsPerSecond = Math.round(summary.rowsPerSecond * 10) / 10;
    const figures: ImportFigures = {
      rows,
      seconds: Math.round(summary.seconds * 10) / 10,
      rowsPerSecond,
      imported: summary.imported,
      enrollments,
      cpuMsPerRow: Math.round((cpu.user + cpu.system) / 100 / rows) / 10,
      load,
    };
    const budgets: Budget[] = [
      {
        budget: `import ≥ ${MIN_ROWS_PER_SECOND} rows/s (${rows.toLocaleString('en-US')} rows, local runtime)`,
        pass: rowsPerSecond >= MIN_ROWS_PER_SECOND,
        figure: `${rowsPerSecond} rows/s (${figures.cpuMsPerRow} ms of CPU a row, start included; load ${load})`,
      },
      {
        budget: 'import: every row enrolled once',
        pass: summary.imported === rows && enrollments === rows,
        figure: `${summary.imported} imported, ${enrollments} enrollments for ${rows} rows`,
      },
    ];
    return { figures, budgets };
  } finally {
    if (port === undefined) delete process.env.PORT;
    else process.env.PORT = port;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { figures, budgets } = await measureImport(Number(process.argv[2] ?? 10_000), process.argv[3]);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  for (const b of budgets) process.stdout.write(`${b.pass ? 'PASS' : 'FAIL'} ${b.budget}: ${b.figure}\n`);
}
