import type { Cadence } from './cadence-schema.ts';
import type { ExecutionInput } from './execution-input.ts';
import { computeSchedule, toUtc } from './schedule.ts';

/*
 * What an edit to a cadence changes, and whom it reaches (`followup cadence diff`). Pure: the CLI reads the files,
 * the deployed definition and the stored enrollments; this compares them. A lead's whole schedule is pinned in its
 * execution input at enrollment (docs/architecture.md §3.1) and its execution keeps its state machine version
 * (§3.2), so a step edit reaches new leads only; a template is read when its touch is sent, so a wording edit reaches
 * every in-flight lead whose remaining touches use it.
 */

/** A step as the comparison sees it: its id and every other field the cadence file gives it. */
export type StepFields = { readonly id: string } & Readonly<Record<string, unknown>>;

export type CadenceChange =
  | { readonly kind: 'step-added'; readonly step: string; readonly index: number }
  | { readonly kind: 'step-removed'; readonly step: string; readonly index: number }
  | { readonly kind: 'step-moved'; readonly step: string; readonly from: number; readonly to: number }
  | {
      readonly kind: 'step-changed';
      readonly step: string;
      readonly field: string;
      readonly before: unknown;
      readonly after: unknown;
    }
  | {
      readonly kind: 'cadence-changed';
      readonly field: string;
      readonly before: unknown;
      readonly after: unknown;
    };

/** Fields for people only: an edit of these changes nothing a lead gets. */
const WORDING_ONLY = new Set(['$schema', 'name', 'description']);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Steps added, removed and moved (by id), and each field changed on a step both versions have. */
export function diffSteps(before: readonly StepFields[], after: readonly StepFields[]): CadenceChange[] {
  const changes: CadenceChange[] = [];
  const oldIndex = new Map(before.map((s, i) => [s.id, i]));
  const newIndex = new Map(after.map((s, i) => [s.id, i]));
  before.forEach((step, index) => {
    if (!newIndex.has(step.id)) changes.push({ kind: 'step-removed', step: step.id, index });
  });
  // A step moved when it is out of the longest run both versions keep in order: a swap moves one step, not two,
  // and a step added before others moves none.
  const inOrder = longestCommonOrder(
    before.filter((s) => newIndex.has(s.id)).map((s) => s.id),
    after.filter((s) => oldIndex.has(s.id)).map((s) => s.id),
  );
  after.forEach((step, index) => {
    const was = oldIndex.get(step.id);
    if (was === undefined) {
      changes.push({ kind: 'step-added', step: step.id, index });
      return;
    }
    if (!inOrder.has(step.id)) changes.push({ kind: 'step-moved', step: step.id, from: was, to: index });
    const old = before[was] as StepFields;
    for (const field of fieldsOf(old, step)) {
      if (field !== 'id' && !same(old[field], step[field]))
        changes.push({ kind: 'step-changed', step: step.id, field, before: old[field], after: step[field] });
    }
  });
  return changes;
}

/** The ids of a longest common subsequence of two orders of the same ids. */
function longestCommonOrder(a: readonly string[], b: readonly string[]): Set<string> {
  const lengths = a.map(() => b.map(() => 0));
  const at = (i: number, j: number) => (i < a.length && j < b.length ? (lengths[i]?.[j] ?? 0) : 0);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return kept;
}

function fieldsOf(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

/** Every difference between the version in force and the edit: the cadence's own fields, then its steps. */
export function diffCadences(before: Cadence, after: Cadence): CadenceChange[] {
  const changes: CadenceChange[] = [];
  const a = before as unknown as Readonly<Record<string, unknown>>;
  const b = after as unknown as Readonly<Record<string, unknown>>;
  for (const field of fieldsOf(a, b)) {
    if (field === 'steps' || field === '$schema' || same(a[field], b[field])) continue;
    changes.push({ kind: 'cadence-changed', field, before: a[field], after: b[field] });
  }
  return [...changes, ...diffSteps(stepFields(before), stepFields(after))];
}

export const stepFields = (cadence: Cadence): StepFields[] =>
  cadence.steps.map((step) => ({ ...step }) as StepFields);

/** Whether the change alters what a lead gets (its schedule, channel, template, exits), not only a label. */
export const changesLeads = (change: CadenceChange): boolean =>
  change.kind !== 'cadence-changed' || !WORDING_ONLY.has(change.field);

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

/** One change in plain words. */
export function describeChange(change: CadenceChange): string {
  switch (change.kind) {
    case 'step-added':
      return `step "${change.step}" added as touch ${change.index + 1}`;
    case 'step-removed':
      return `step "${change.step}" (touch ${change.index + 1}) removed`;
    case 'step-moved':
      return `step "${change.step}" moved from touch ${change.from + 1} to touch ${change.to + 1}`;
    case 'step-changed':
      return `step "${change.step}": ${change.field} ${show(change.before)} → ${show(change.after)}`;
    case 'cadence-changed':
      return `${change.field} ${show(change.before)} → ${show(change.after)}`;
  }
}

/** The touch steps a compiled definition holds, in order: what the deployed version sends (§3.2). */
export function stepsOfDefinition(definition: unknown): StepFields[] {
  const states = (definition as { States?: Record<string, unknown> } | undefined)?.States ?? {};
  const steps: { index: number; step: StepFields }[] = [];
  for (const state of Object.values(states)) {
    const payload = (state as { Parameters?: { Payload?: Record<string, unknown> } }).Parameters?.Payload;
    if (!payload || typeof payload.stepId !== 'string' || typeof payload.stepIndex !== 'number') continue;
    steps.push({
      index: payload.stepIndex,
      step: { id: payload.stepId, channel: payload.channel, template: payload.template },
    });
  }
  return steps.sort((x, y) => x.index - y.index).map(({ step }) => step);
}

/** One step's due instant for a sample lead enrolled now, before and after the edit (UTC; absent: no such step). */
export interface PreviewRow {
  readonly step: string;
  readonly before?: string;
  readonly after?: string;
}

/** The real schedule function, run on both versions for one lead enrolled at `enrolledAt` in `zone`. */
export function comparePreviews(
  before: Cadence,
  after: Cadence,
  enrolledAt: Date,
  zone: string,
): PreviewRow[] {
  const at = (cadence: Cadence) =>
    new Map(computeSchedule(cadence, enrolledAt, zone).map((t) => [t.step, toUtc(t.at)]));
  const old = at(before);
  const now = at(after);
  const ids = [
    ...after.steps.map((s) => s.id),
    ...before.steps.map((s) => s.id).filter((id) => !now.has(id)),
  ];
  return ids.map((step) => {
    const b = old.get(step);
    const a = now.get(step);
    return { step, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
  });
}

/** An enrollment whose execution has touches to go: its stored input and which cadence it is in. */
export interface InFlightEnrollment {
  readonly input: ExecutionInput;
}

/** How many in-flight leads of one step will get a changed template within 7 and 30 days, and later. */
export interface TemplateReach {
  readonly template: string;
  readonly cadenceId: string;
  readonly step: string;
  readonly next7Days: number;
  readonly next30Days: number;
  readonly later: number;
}

export interface Reach {
  /** Enrollments of the cadence with touches still to go. */
  readonly inFlight: number;
  /** Of those, the ones that keep the schedule they were enrolled with although the edit changes it. */
  readonly keepOldSchedule: number;
  /** By template and step, across every cadence whose in-flight leads will send a changed template. */
  readonly templates: readonly TemplateReach[];
}

const DAY_MS = 86_400_000;

/**
 * Who an edit reaches: `scheduleChanged` pins the cadence's in-flight leads to their old schedule; every touch still
 * to go (after `now`) that names a template in `changedTemplates` goes out with the new wording, whatever cadence
 * it is in, counted per (cadence, step) by when it is due.
 */
export function computeReach(
  enrollments: readonly InFlightEnrollment[],
  cadenceId: string,
  options: {
    readonly scheduleChanged: boolean;
    readonly changedTemplates: ReadonlySet<string>;
    readonly now: Date;
  },
): Reach {
  const now = options.now.getTime();
  const inFlight = enrollments.filter(
    (e) => e.input.cadenceId === cadenceId && e.input.schedule.some((t) => Date.parse(t.at) > now),
  ).length;
  const counts = new Map<string, { template: string; cadenceId: string; step: string; counts: number[] }>();
  for (const { input } of enrollments) {
    for (const touch of input.schedule) {
      const due = Date.parse(touch.at) - now;
      if (due <= 0 || !options.changedTemplates.has(touch.template)) continue;
      const key = JSON.stringify([touch.template, input.cadenceId, touch.step]);
      const entry = counts.get(key) ?? {
        template: touch.template,
        cadenceId: input.cadenceId,
        step: touch.step,
        counts: [0, 0, 0],
      };
      const bucket = due <= 7 * DAY_MS ? 0 : due <= 30 * DAY_MS ? 1 : 2;
      entry.counts[bucket] = (entry.counts[bucket] ?? 0) + 1;
      counts.set(key, entry);
    }
  }
  const templates = [...counts.values()]
    .map(({ template, cadenceId: cadence, step, counts: [a = 0, b = 0, c = 0] }) => ({
      template,
      cadenceId: cadence,
      step,
      next7Days: a,
      next30Days: a + b,
      later: c,
    }))
    .sort(
      (x, y) =>
        x.template.localeCompare(y.template) ||
        x.cadenceId.localeCompare(y.cadenceId) ||
        x.step.localeCompare(y.step),
    );
  return { inFlight, keepOldSchedule: options.scheduleChanged ? inFlight : 0, templates };
}
