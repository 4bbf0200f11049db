import { DateTime, IANAZone } from 'luxon';
import { readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { explainSchedule, InvalidTimeZone } from '../../functions/core/schedule.ts';
import { printJson, table } from '../output.ts';

export interface PreviewOptions {
  readonly start?: string;
  readonly tz?: string;
  readonly json?: boolean;
}

/** `followup cadence preview`: the exact schedule production would run, for a draft anywhere on disk. */
export async function previewCommand(
  file: string,
  options: PreviewOptions,
  now: Date = new Date(),
): Promise<number> {
  const { result } = await readCadenceFile(file, { checkName: false });
  if (!result.ok) {
    for (const issue of result.issues) process.stderr.write(`${file}: ${issue.path}: ${issue.message}\n`);
    return 1;
  }
  const cadence = result.cadence;
  const zone = options.tz ?? cadence.timezone;
  if (!zone) throw new UsageError(`${file} sets no "timezone"; pass --tz ZONE, e.g. --tz America/Chicago`);
  if (!IANAZone.isValidZone(zone)) throw new InvalidTimeZone(zone);
  const start = options.start ?? now.toISOString();
  const touches = explainSchedule(cadence, start, zone);
  if (options.json) {
    printJson(touches.map(({ step, channel, template, at }) => ({ step, channel, template, at })));
    return 0;
  }
  const enrolled = DateTime.fromISO(start, { setZone: true }).setZone(zone);
  const lines = [
    `${cadence.name} (${cadence.id}) — enrolled ${enrolled.toFormat('ccc d LLL yyyy HH:mm')} ${zone} (${enrolled.toFormat('ZZZZ')})`,
    '',
  ];
  let previous = enrolled;
  const rows = [['#', 'day', 'date', 'time', 'channel', 'template', 'step', 'gap', 'note']];
  touches.forEach((touch, i) => {
    const at = DateTime.fromISO(touch.at).setZone(zone);
    rows.push([
      String(i + 1),
      at.toFormat('ccc'),
      at.toFormat('d LLL yyyy'),
      at.toFormat('HH:mm ZZZZ'),
      touch.channel,
      touch.template,
      touch.step,
      `+${gap(previous, at)}`,
      touch.reason ?? '',
    ]);
    previous = at;
  });
  lines.push(table(rows), '', 'gap: time since the previous touch (for the first, since enrollment)');
  lines.push(cadence.then ? `Then: the lead moves on to "${cadence.then}".` : 'Then: the cadence ends.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** "2d 15h 15m", "45m", "now". */
export function gap(from: DateTime, to: DateTime): string {
  const minutes = Math.round(to.diff(from, 'minutes').minutes);
  if (minutes <= 0) return 'now';
  const parts = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'm'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}
