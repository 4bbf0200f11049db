import { DateTime, IANAZone } from 'luxon';
import * as z from 'zod';
import { readCadenceFile } from '../../functions/adapters/cadence-files.ts';
import type { Cadence, Step } from '../../functions/core/cadence-schema.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { explainSchedule, InvalidTimeZone, spreadMinutes } from '../../functions/core/schedule.ts';
import { isHeldOut, stepChoice } from '../../functions/core/variant.ts';
import { leadIdFor } from '../../functions/domain/lead.ts';
import { printJson, table } from '../output.ts';

export interface PreviewOptions {
  readonly start?: string;
  readonly tz?: string;
  readonly json?: boolean;
  /** The lead whose times to show: a cadence's `spread` places each lead by its id. */
  readonly lead?: string;
  /** The lead's email, when its id is not at hand: the id is derived from it as intake does. */
  readonly email?: string;
}

const LEAD_ID = /^ld_[0-9a-f]{24}$/;

/** The lead id a spread is computed for, from --lead or --email; undefined when neither is given. */
function previewLead(options: PreviewOptions): string | undefined {
  if (options.lead !== undefined && options.email !== undefined)
    throw new UsageError('pass --lead or --email, not both: each names the lead whose times to show');
  if (options.email !== undefined) {
    if (!z.email().safeParse(options.email.trim()).success)
      throw new UsageError(
        `--email "${options.email}" is not an email address; use e.g. --email ana@example.com`,
      );
    return leadIdFor(options.email);
  }
  if (options.lead !== undefined && !LEAD_ID.test(options.lead))
    throw new UsageError(
      `--lead "${options.lead}" is not a lead id; use the "ld_" id the dashboard shows, or --email ADDRESS`,
    );
  return options.lead;
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
  const leadId = previewLead(options);
  const touches = explainSchedule(cadence, start, zone, leadId === undefined ? {} : { leadId });
  const stepOf = (i: number) => cadence.steps[i] as Step;
  if (options.json) {
    printJson(
      touches.map(({ step, channel, template, at }, i) => ({
        step,
        channel,
        template,
        at,
        ...variantJson(cadence, stepOf(i), leadId),
      })),
    );
    return 0;
  }
  const enrolled = DateTime.fromISO(start, { setZone: true }).setZone(zone);
  const lines = [
    `${cadence.name} (${cadence.id}) — enrolled ${enrolled.toFormat('ccc d LLL yyyy HH:mm')} ${zone} (${enrolled.toFormat('ZZZZ')})`,
    ...spreadLines(spreadMinutes(cadence), leadId, options),
    ...holdoutLines(cadence, leadId),
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
      templateCell(cadence, stepOf(i), leadId),
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

/** A variant step's share of leads per variant, e.g. "a: proposal-sent 50%". */
function variantShares(step: Step): string[] {
  const variants = step.variants ?? [];
  const total = variants.reduce((sum, v) => sum + (v.weight ?? 1), 0);
  return variants.map(
    (v) => `${v.id}: ${v.template} ${total > 0 ? Math.round((100 * (v.weight ?? 1)) / total) : 0}%`,
  );
}

/** The template column: each variant with its share, or the one the lead gets when a lead is named. */
function templateCell(cadence: Cadence, step: Step, leadId: string | undefined): string {
  if (!step.variants) return step.template;
  if (leadId === undefined) return variantShares(step).join(' | ');
  const choice = stepChoice(step, leadId, cadence.id);
  return `${choice.variant}: ${choice.template}`;
}

/** The JSON preview of a variant step adds its variants, and the lead's own when a lead is named. */
function variantJson(cadence: Cadence, step: Step, leadId: string | undefined) {
  if (!step.variants) return {};
  const choice = leadId === undefined ? undefined : stepChoice(step, leadId, cadence.id);
  return {
    variants: step.variants.map((v) => ({ id: v.id, template: v.template, weight: v.weight ?? 1 })),
    ...(choice ? { variant: choice.variant, template: choice.template } : {}),
  };
}

/** What the header says of a holdout: its share, and whether the named lead is in it. */
function holdoutLines(cadence: Cadence, leadId: string | undefined): string[] {
  if (!cadence.holdout) return [];
  const share = `Holdout ${Math.round(cadence.holdout * 100)}%: that share of leads is enrolled and tracked but never sent to`;
  if (leadId === undefined) return [`${share}; pass --email or --lead to see whether a lead is.`];
  return [
    isHeldOut(cadence, leadId)
      ? `${share}; lead ${leadId} is held out: none of these touches go out.`
      : `${share}; lead ${leadId} is treated.`,
  ];
}

/** What the header says of a spread: whose times these are, or how to see one lead's. */
function spreadLines(
  spread: number | undefined,
  leadId: string | undefined,
  options: PreviewOptions,
): string[] {
  if (spread === undefined) return [];
  const who = options.email ? `${leadId} (${options.email.trim()})` : leadId;
  return [
    leadId
      ? `Spread ${spread} minutes: times for lead ${who}.`
      : `Spread ${spread} minutes: a touch moved to a window's start goes out up to ${spread} minutes after it, ` +
        'at a time fixed by the lead; pass --email or --lead to see one lead.',
  ];
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
