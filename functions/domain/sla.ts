import { applyOnce } from './apply-once.ts';
import { type AssignmentDeps, nextRep } from './assignment.ts';
import type { Lead } from './lead.ts';
import { addWorkingMinutes, type Rep } from './owners.ts';
import type { LeadStore, Logger, Mailer, SmsSender, TouchKey } from './ports.ts';
import { escalationEmail, escalationText } from './sla-message.ts';

/*
 * A rep's SLA on a call or task step (#15): the task goes out at once, as always; if it is not marked done by its
 * deadline the lead is escalated, first to the next rep in the rotation, then to the fallback owner. Deadlines are
 * timers in the table, armed when the lead is enrolled, that a sweep every minute reads with one Query. Each
 * escalation is applied once (`applyOnce`, like a signal) and recorded as an event on the lead.
 */

/** A parsed `sla`: "15 business minutes" → 15, business. */
export interface SlaSpan {
  readonly minutes: number;
  /** Only the rep's working hours count. */
  readonly business: boolean;
}

const SLA_RE = /^([1-9][0-9]*) (business )?(minute|hour)s?$/;

export function parseSla(text: string): SlaSpan | undefined {
  const match = SLA_RE.exec(text);
  if (!match) return undefined;
  return { minutes: Number(match[1]) * (match[3] === 'hour' ? 60 : 1), business: match[2] !== undefined };
}

/** When a task handed to `rep` at `from` must be done; the fallback owner (no rep record) counts plain minutes. */
export function slaDeadline(span: SlaSpan, rep: Rep | undefined, from: Date): Date {
  if (span.business && rep) return addWorkingMinutes(rep, from, span.minutes);
  return new Date(from.getTime() + span.minutes * 60_000);
}

/** One pending deadline: the task, the rep who holds it now, and which escalation fires when it passes. */
export interface SlaTimer {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly cadenceId: string;
  readonly stepIndex: number;
  readonly stepId: string;
  /** 1: to the next rep; 2: to the fallback owner. */
  readonly level: 1 | 2;
  readonly dueAt: string;
  /** When the task was due: a task that never went out is given up two days after. */
  readonly taskDueAt: string;
  readonly sla: string;
  /** The email of whoever holds the task now. */
  readonly holder: string;
}

/** The `SLA` partition (functions/adapters/dynamo-sla-timers.ts). */
export interface SlaTimers {
  arm(timer: SlaTimer): Promise<void>;
  due(now: string, limit: number): Promise<SlaTimer[]>;
  disarm(timer: SlaTimer): Promise<void>;
  /** Whether the task's done was recorded (its `task-done:` marker exists). */
  taskDone(leadId: string, enrollmentId: string, stepIndex: number): Promise<boolean>;
}

export interface SlaDeps {
  readonly store: LeadStore;
  readonly timers: SlaTimers;
  readonly mailer: Mailer;
  /** Only when SMS is configured: a rep with a phone is also texted. */
  readonly sms?: SmsSender;
  readonly reps: readonly Rep[];
  readonly fallback: { readonly name: string; readonly email: string; readonly phone?: string | null };
  /** The dashboard's base URL, for the lead's link. */
  readonly dashboardUrl?: string;
  readonly logger?: Logger;
}

/** The level-1 timers of a new enrollment's SLA steps, from each step's due instant in the holder's hours. */
export function slaTimersFor(
  enrollment: { readonly leadId: string; readonly enrollmentId: string; readonly cadenceId: string },
  steps: readonly { readonly id: string; readonly sla?: string | undefined }[],
  schedule: readonly { readonly at: string }[],
  holder: string,
  reps: readonly Rep[],
): SlaTimer[] {
  const rep = reps.find((r) => r.email === holder);
  return steps.flatMap((step, stepIndex) => {
    const span = step.sla ? parseSla(step.sla) : undefined;
    const at = schedule[stepIndex]?.at;
    if (!span || !step.sla || !at) return [];
    const dueAt = slaDeadline(span, rep, new Date(at)).toISOString();
    return [
      {
        ...enrollment,
        stepIndex,
        stepId: step.id,
        level: 1 as const,
        dueAt,
        taskDueAt: at,
        sla: step.sla,
        holder,
      },
    ];
  });
}

/** A task not out two days after it was due will not come: its timer is dropped. */
const GIVE_UP_MS = 2 * 86_400_000;
const BATCH = 100;
/** How soon a deadline whose task is not out yet is looked at again. */
const LOOK_AGAIN_MS = 10 * 60_000;

export interface SlaSweepResult {
  readonly due: number;
  readonly escalated: number;
  /** Done in time, the lead left, or the task never went out. */
  readonly closed: number;
  readonly errors: number;
}

export const ESCALATED = 'sla-escalated';

/** Escalates every task whose deadline has passed and is still not done; the rest are closed. */
export async function sweepSla(deps: SlaDeps, now: Date): Promise<SlaSweepResult> {
  const timers = await deps.timers.due(now.toISOString(), BATCH);
  let escalated = 0;
  let closed = 0;
  let errors = 0;
  for (const timer of timers) {
    try {
      if (await handleTimer(deps, timer, now)) escalated++;
      else closed++;
    } catch (error) {
      errors++;
      deps.logger?.error('sla-escalation-failed', { leadId: timer.leadId, level: timer.level, error });
    }
  }
  return { due: timers.length, escalated, closed, errors };
}

type Outcome = 'escalate' | 'close' | 'later';
const FOLLOWED_UP: ReadonlySet<Lead['status']> = new Set(['active', 'nurture']);

async function judge(deps: SlaDeps, timer: SlaTimer, lead: Lead | undefined, now: Date): Promise<Outcome> {
  // Only a lead still being followed up needs the call (a reply already reached its owner); a lead moved on to
  // nurture by the cadence's end is still waiting for it.
  if (!lead || !FOLLOWED_UP.has(lead.status)) return 'close';
  if (await deps.timers.taskDone(timer.leadId, timer.enrollmentId, timer.stepIndex)) return 'close';
  const key: TouchKey = {
    leadId: timer.leadId,
    enrollmentId: timer.enrollmentId,
    stepIndex: timer.stepIndex,
  };
  const touch = await deps.store.getTouch(key);
  if (touch?.status === 'sent' || touch?.status === 'unconfirmed') return 'escalate';
  if (touch?.status === 'skipped' || touch?.status === 'failed') return 'close';
  // Not out yet (a late touch): look again later, until it certainly will not come.
  return now.getTime() - Date.parse(timer.taskDueAt) > GIVE_UP_MS ? 'close' : 'later';
}

/** What enrollment needs of the reps: the rotation, and where an SLA step's deadline is armed. */
export interface RepDesk extends AssignmentDeps {
  readonly timers: SlaTimers;
}

/**
 * Arms the deadlines of a new enrollment's SLA steps, before its execution starts (a crash after leaves timers the
 * sweep closes). No write at all for a cadence without `sla`, or a deployment without `owners`.
 */
export async function armSlaTimers(
  desk: RepDesk,
  enrollment: { readonly leadId: string; readonly enrollmentId: string; readonly cadenceId: string },
  steps: readonly { readonly id: string; readonly sla?: string | undefined }[],
  schedule: readonly { readonly at: string }[],
  holder: string | undefined,
): Promise<void> {
  if (!holder || desk.reps.length === 0 || !steps.some((step) => step.sla)) return;
  for (const timer of slaTimersFor(enrollment, steps, schedule, holder, desk.reps))
    await desk.timers.arm(timer);
}

async function handleTimer(deps: SlaDeps, timer: SlaTimer, now: Date): Promise<boolean> {
  const lead = await deps.store.getLead(timer.leadId);
  const outcome = await judge(deps, timer, lead, now);
  if (outcome === 'later') {
    await deps.timers.arm({ ...timer, dueAt: new Date(now.getTime() + LOOK_AGAIN_MS).toISOString() });
    await deps.timers.disarm(timer);
    return false;
  }
  if (outcome === 'close' || !lead) {
    await deps.timers.disarm(timer);
    return false;
  }
  const level1 = timer.level === 1 ? nextRep(deps.reps, timer.holder, now) : undefined;
  const to = level1 ?? deps.fallback;
  // Level 2 only when a rep took level 1; the fallback owner is the last to hear.
  const level: 1 | 2 = level1 ? 1 : 2;
  if (to.email !== timer.holder) {
    await applyOnce(
      deps.store,
      {
        leadId: lead.leadId,
        signalId: `sla:${timer.enrollmentId}#${timer.stepIndex}#${level}`,
        type: ESCALATED,
        source: 'sla',
      },
      now,
      async () => {
        await deps.mailer.send(escalationEmail(lead, timer, to, deps.dashboardUrl));
        if (deps.sms && to.phone) await deps.sms.send({ to: to.phone, text: escalationText(lead, timer) });
        // At the deadline, not `now`: a retry writes the same event item.
        await deps.store.recordEvent(lead.leadId, {
          at: timer.dueAt,
          kind: ESCALATED,
          source: 'sla',
          detail: {
            enrollmentId: timer.enrollmentId,
            stepIndex: timer.stepIndex,
            level,
            from: timer.holder,
            to: to.email,
            sla: timer.sla,
          },
        });
      },
      deps.logger,
    );
  }
  if (level === 1 && level1) {
    const span = parseSla(timer.sla);
    if (span) {
      const dueAt = slaDeadline(span, level1, new Date(timer.dueAt)).toISOString();
      // The next timer first, then this one removed: a crash between leaves one the next sweep handles (§8.2).
      await deps.timers.arm({ ...timer, level: 2, dueAt, holder: level1.email });
    }
  }
  await deps.timers.disarm(timer);
  return to.email !== timer.holder;
}
