import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import {
  type CadenceChange,
  changesLeads,
  comparePreviews,
  computeReach,
  describeChange,
  diffCadences,
  diffSteps,
  type PreviewRow,
  type Reach,
} from '../../functions/core/cadence-diff.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { deployedVersion } from '../cadence-diff/deployed.ts';
import { readInFlight } from '../cadence-diff/in-flight.ts';
import { cadenceVersions, changedTemplates, type TemplateChange } from '../cadence-diff/versions.ts';
import { type Terminal, table } from '../output.ts';
import { localDataDir, onAws, openTable, stackResources, type TargetOptions } from '../targets.ts';

/*
 * `followup cadence diff FILE`: what an edit changes and whom it reaches, before it lands. The comparison is pure
 * (functions/core/cadence-diff.ts); this reads its inputs: the two versions, the template files, the deployed
 * definition with --aws, and the in-flight enrollments' stored schedules from the engine's table.
 */

export interface CadenceDiffOptions extends TargetOptions {
  readonly json?: boolean;
  readonly cadences: string;
  readonly templates: string;
  /** The instant reach is counted from, ISO 8601; default the engine's clock. */
  readonly now?: string;
  readonly tz?: string;
}

const WEEK = 7;

/** The engine's time: the local runtime's saved clock (it runs ahead with --speed), else this machine's. */
function engineNow(options: CadenceDiffOptions): Date {
  if (options.now !== undefined) {
    const at = new Date(options.now);
    if (Number.isNaN(at.getTime()))
      throw new UsageError(
        `--now "${options.now}" is not an instant; use ISO 8601, e.g. 2026-04-07T15:00:00Z`,
      );
    return at;
  }
  const file = join(localDataDir(options), 'clock.json');
  if (!onAws(options) && existsSync(file)) {
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { virtualNow?: unknown };
      if (typeof saved.virtualNow === 'number') return new Date(saved.virtualNow);
    } catch {
      // A half-written clock says nothing: this machine's time is as good.
    }
  }
  return new Date();
}

export interface CadenceDiff {
  readonly file: string;
  readonly cadence: string;
  readonly inForce: string;
  readonly changes: (CadenceChange & { readonly text: string })[];
  readonly deployed?: {
    /** The alias new leads start on; versionArn is the version it routes to, absent when none is deployed. */
    readonly aliasArn: string;
    readonly versionArn?: string;
    readonly changes: (CadenceChange & { text: string })[];
  };
  readonly templates: TemplateChange[];
  readonly preview: { readonly enrolledAt: string; readonly zone: string; readonly steps: PreviewRow[] };
  readonly reach: Reach & { readonly source: string; readonly now: string; readonly leadsRead: number };
}

const worded = (changes: CadenceChange[]) => changes.map((c) => ({ ...c, text: describeChange(c) }));

/** Everything the command prints, as data. */
export async function cadenceDiff(file: string, options: CadenceDiffOptions): Promise<CadenceDiff> {
  const versions = await cadenceVersions(file, options.cadences);
  const { edited, inForce } = versions;
  const changes = inForce ? diffCadences(inForce, edited) : [];
  const templates = await changedTemplates(edited, options.templates, options.cadences);
  const now = engineNow(options);

  let deployed: CadenceDiff['deployed'];
  if (onAws(options)) {
    const stackName = options.stack ?? 'Followup';
    const { stateMachineArnTemplate } = await stackResources(stackName, options.region);
    const region = stateMachineArnTemplate.split(':')[3] ?? '';
    const aliasArn = stateMachineArnTemplate.replace('{cadence}', edited.id);
    const version = await deployedVersion(aliasArn, region);
    const editedSteps = edited.steps.map(({ id, channel, template }) => ({ id, channel, template }));
    deployed = version
      ? { aliasArn, versionArn: version.versionArn, changes: worded(diffSteps(version.steps, editedSteps)) }
      : { aliasArn, changes: worded(diffSteps([], editedSteps)) };
  }

  const source = await openTable(options, 'cadence diff');
  const read = source
    ? await readInFlight(source, now).finally(() => source.close())
    : { enrollments: [], leadsRead: 0, listingPages: 0 };
  const scheduleChanged =
    inForce === undefined || changes.some(changesLeads) || (deployed?.changes.length ?? 0) > 0;
  const reach = computeReach(read.enrollments, edited.id, {
    scheduleChanged,
    changedTemplates: new Set(templates.map((t) => t.template)),
    now,
  });
  const zone = options.tz ?? edited.timezone ?? 'UTC';
  return {
    file,
    cadence: edited.id,
    inForce: versions.inForceLabel,
    changes: worded(changes),
    ...(deployed ? { deployed } : {}),
    templates,
    preview: {
      enrolledAt: now.toISOString(),
      zone,
      steps: comparePreviews(inForce ?? { ...edited, steps: [] }, edited, now, zone),
    },
    reach: {
      ...reach,
      source: source?.label ?? `no engine data yet (${localDataDir(options)})`,
      now: now.toISOString(),
      leadsRead: read.leadsRead,
    },
  };
}

const shift = (row: PreviewRow) => {
  if (!row.before) return 'new step';
  if (!row.after) return 'removed';
  const minutes = Math.round((Date.parse(row.after) - Date.parse(row.before)) / 60_000);
  if (minutes === 0) return 'same';
  const sign = minutes > 0 ? '+' : '-';
  const m = Math.abs(minutes);
  return `${sign}${m >= 1440 ? `${Math.floor(m / 1440)}d ` : ''}${Math.floor((m % 1440) / 60)}h ${m % 60}m`;
};

const local = (at: string | undefined, zone: string) =>
  at ? DateTime.fromISO(at).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ') : '—';

/** The diff for a person at a terminal: what changes, then whom it reaches. */
export function formatDiff(diff: CadenceDiff): string {
  const lines = [`${diff.file} (${diff.cadence}) against ${diff.inForce}`, ''];
  if (diff.changes.length === 0 && !diff.inForce.includes('(none'))
    lines.push('Steps and timing: no change.');
  for (const change of diff.changes) lines.push(`  ${change.text}`);
  if (diff.deployed) {
    lines.push(
      '',
      diff.deployed.versionArn
        ? `Against the deployed version ${diff.deployed.versionArn}:`
        : `Against the deployed version: none yet (no ${diff.deployed.aliasArn}); \`npx cdk deploy\` publishes it:`,
    );
    if (diff.deployed.changes.length === 0) lines.push('  same steps, channels and templates');
    for (const change of diff.deployed.changes) lines.push(`  ${change.text}`);
  }
  for (const t of diff.templates)
    lines.push(
      `  template ${t.template}: ${t.added ? 'new' : 'wording changed'} (${t.file} vs ${t.inForce})`,
    );
  const { preview } = diff;
  lines.push('', `A lead enrolled now (${preview.enrolledAt}, ${preview.zone}):`, '');
  lines.push(
    table([
      ['step', 'in force', 'edited', 'shift'],
      ...preview.steps.map((r) => [
        r.step,
        local(r.before, preview.zone),
        local(r.after, preview.zone),
        shift(r),
      ]),
    ]),
  );
  const { reach } = diff;
  lines.push(
    '',
    `Reach · from ${reach.source} at ${reach.now} (${reach.leadsRead} leads' slots read by key):`,
  );
  lines.push(`  ${reach.inFlight} lead${reach.inFlight === 1 ? '' : 's'} in flight in ${diff.cadence}`);
  if (reach.inFlight > 0 && reach.keepOldSchedule === 0)
    lines.push('  the edit changes no step or timing they have');
  if (reach.keepOldSchedule > 0)
    lines.push(
      `  ${reach.keepOldSchedule} keep the schedule they were enrolled with: the step and timing edits reach new leads only`,
    );
  if (reach.templates.length > 0) {
    lines.push(
      '',
      `New wording goes out to leads already in flight (the next ${WEEK} and 30 days, and later):`,
      '',
    );
    lines.push(
      table([
        ['template', 'cadence', 'step', `${WEEK} days`, '30 days', 'later'],
        ...reach.templates.map((t) => [
          t.template,
          t.cadenceId,
          t.step,
          String(t.next7Days),
          String(t.next30Days),
          String(t.later),
        ]),
      ]),
    );
  } else if (diff.templates.length > 0) {
    lines.push('  no in-flight lead has a touch to go that uses the changed templates');
  }
  return `${lines.join('\n')}\n`;
}

/** `followup cadence diff FILE [--json] [--aws]`. */
export async function cadenceDiffCommand(
  file: string,
  options: CadenceDiffOptions,
  terminal: Terminal = process,
): Promise<number> {
  const diff = await cadenceDiff(file, options);
  terminal.stdout.write(options.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
  return 0;
}
