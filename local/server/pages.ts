import { promotionLine, readPromotions } from '../../bin/commands/report-experiments.ts';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { DynamoPromotionStore } from '../../functions/adapters/dynamo/promotion-store.ts';
import { DynamoLeadReads } from '../../functions/adapters/dynamo/reads.ts';
import { DynamoAggregates } from '../../functions/adapters/dynamo-aggregates.ts';
import { ExecutionInputSchema } from '../../functions/core/execution-input.ts';
import { buildReport, type Report } from '../../functions/core/report.ts';
import { experimentRulesOf } from '../../functions/core/variant-report.ts';
import type { Lead } from '../../functions/domain/lead.ts';
import type { EnrollmentRecord, TouchRecord } from '../../functions/domain/ports.ts';
import type { Promotion } from '../../functions/domain/promotion-ports.ts';
import type { LeadTimeline, TaskRecord } from '../../functions/domain/reads.ts';
import { readToday } from '../../functions/domain/signal-reading.ts';
import { READING_LABELS } from '../../functions/domain/signal-schema.ts';
import { listUnconfirmed } from '../../functions/domain/unconfirmed-touches.ts';
import type {
  CadenceStats,
  DashboardModel,
  LeadPageModel,
  LeadRow,
  LeadsPaging,
  TaskRow,
  UnstartedRow,
} from '../../web/model.ts';
import type { AppRuntime, MailboxEmail, ReportCadence } from './app-runtime.ts';

/* What the dashboard and a lead's page show, read through the LeadReads port: pages of leads, never a scan. */

/** Leads on one page of the dashboard. */
export const LEADS_PER_PAGE = 50;

export interface Readers {
  readonly reads: DynamoLeadReads;
  readonly store: DynamoLeadStore;
  readonly aggregates: DynamoAggregates;
  readonly promotions: DynamoPromotionStore;
}

export function readersOf(runtime: Pick<AppRuntime, 'ddb' | 'tableName'>): Readers {
  const table = { client: runtime.ddb, tableName: runtime.tableName };
  return {
    reads: new DynamoLeadReads(table),
    store: new DynamoLeadStore(table),
    aggregates: new DynamoAggregates(table),
    promotions: new DynamoPromotionStore(table),
  };
}

export function leadRow(lead: Lead): LeadRow {
  return {
    id: lead.leadId,
    email: lead.email,
    status: lead.status,
    touchCount: lead.touchCount,
    createdAt: lead.createdAt,
    ...(lead.name ? { name: lead.name } : {}),
    ...(lead.company ? { company: lead.company } : {}),
    ...(lead.phone ? { phone: lead.phone } : {}),
    ...(lead.owner ? { owner: lead.owner } : {}),
    ...(lead.zone ? { zone: lead.zone } : {}),
    ...(lead.lastCadence ? { cadence: lead.lastCadence } : {}),
    ...(lead.lastContactAt ? { lastContactAt: lead.lastContactAt } : {}),
    ...(lead.lastChannel ? { lastChannel: lead.lastChannel } : {}),
    ...(lead.nextTouchAt ? { nextTouchAt: lead.nextTouchAt } : {}),
    ...(lead.smsConsent?.at ? { smsConsentAt: lead.smsConsent.at } : {}),
    ...(typeof lead.dealValue === 'number' ? { dealValue: lead.dealValue } : {}),
    ...(lead.reading
      ? {
          reading: {
            label: lead.reading.label,
            confidence: lead.reading.confidence,
            cue: lead.reading.cue,
            at: lead.reading.at,
          },
        }
      : {}),
  };
}

/** What autoPromote switched in `cadences` and is still in force: one Query per autoPromote cadence (§2.4). */
function standingPromotions(readers: Readers, cadences: readonly ReportCadence[]): Promise<Promotion[]> {
  const withSteps = cadences.flatMap((c) => (c.steps ? [{ ...c, steps: c.steps }] : []));
  return readPromotions(readers.promotions, withSteps);
}

/**
 * The report from the aggregates, as `followup report` reads them: by key, never a scan; with the promotions in
 * force, as its --json prints them.
 */
export async function report(
  readers: Readers,
  options: {
    cadence?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    /** The cadences as loaded: their `decideOn` judges their variants (#16), their steps name their promotions. */
    cadences?: readonly ReportCadence[];
  } = {},
): Promise<Report & { promotions: Promotion[] }> {
  const { cadence, since, until } = options;
  const asked = (options.cadences ?? []).filter((c) => !cadence || c.id === cadence);
  const [rows, promotions] = await Promise.all([
    readers.aggregates.read({
      ...(cadence ? { cadenceIds: [cadence] } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    }),
    standingPromotions(readers, asked),
  ]);
  const figures = buildReport(rows, {
    ...(cadence ? { cadences: [cadence] } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(options.cadences ? { experiments: experimentRulesOf(options.cadences) } : {}),
  });
  return { ...figures, promotions };
}

/** The query string of a dashboard page: the search, the cursor and the cursors of the pages before it. */
function pageQuery(search: string | undefined, trail: readonly string[], reading?: string): string {
  const params = new URLSearchParams();
  if (search) params.set('search', search);
  if (reading) params.set('reading', reading);
  const cursor = trail.at(-1);
  if (cursor) params.set('cursor', cursor);
  if (trail.length > 1) params.set('trail', trail.slice(0, -1).join('.'));
  return params.toString();
}

/** Which page a dashboard URL asks for: its cursor and the cursors before it (base64url has no "."). */
export interface PageRequest {
  readonly search?: string;
  /** Only leads whose reply was read today with this label. */
  readonly reading?: string;
  readonly cursor?: string;
  readonly trail: readonly string[];
}

export function pageRequest(params: URLSearchParams): PageRequest {
  const search = params.get('search')?.trim() || undefined;
  const asked = params.get('reading')?.trim();
  const reading = READING_LABELS.find((label) => label === asked);
  const cursor = params.get('cursor') || undefined;
  const trail = (params.get('trail') ?? '').split('.').filter((c) => c !== '');
  return {
    ...(search ? { search } : {}),
    ...(reading ? { reading } : {}),
    ...(cursor ? { cursor } : {}),
    trail: cursor ? trail : [],
  };
}

/** The names and zones of the leads some rows belong to, one read per lead. */
async function leadsById(readers: Readers, ids: Iterable<string>): Promise<Map<string, Lead>> {
  const leads = await Promise.all([...new Set(ids)].map((id) => readers.store.getLead(id)));
  return new Map(leads.filter((l): l is Lead => l !== undefined).map((l) => [l.leadId, l]));
}

const nameOf = (leads: ReadonlyMap<string, Lead>, id: string) => {
  const lead = leads.get(id);
  return lead?.name?.trim() ? lead.name : (lead?.email ?? id);
};
const zoneOf = (leads: ReadonlyMap<string, Lead>, id: string) => {
  const zone = leads.get(id)?.zone;
  return zone ? { zone } : {};
};

function taskRow(task: TaskRecord, leads: ReadonlyMap<string, Lead>): TaskRow {
  return {
    leadId: task.leadId,
    leadName: nameOf(leads, task.leadId),
    title: task.title,
    script: task.script,
    channel: task.channel,
    dueAt: task.dueAt,
    createdAt: task.createdAt,
    ...zoneOf(leads, task.leadId),
  };
}

function unstartedRow(e: EnrollmentRecord, leads: ReadonlyMap<string, Lead>): UnstartedRow {
  return {
    leadId: e.leadId,
    leadName: nameOf(leads, e.leadId),
    cadenceId: e.cadenceId,
    // Pending with a failure recorded, or given up: a pending one without a failure is starting right now.
    status: e.status === 'stuck' ? 'stuck' : 'retrying',
    attempts: e.startAttempts ?? 0,
    createdAt: e.createdAt,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.status === 'pending' && e.retryAt ? { retryAt: e.retryAt } : {}),
    ...zoneOf(leads, e.leadId),
  };
}

/** Every email this engine sent, as its SES emulator recorded it (local/durable-outbox.ts). */
export async function mailbox(runtime: Pick<AppRuntime, 'emails'>): Promise<MailboxEmail[]> {
  return [...runtime.emails];
}

/** The dashboard at `/`: one page of leads, the reps' tasks, what cannot start, and the report's figures. */
export async function dashboardModel(
  runtime: AppRuntime,
  readers: Readers,
  request: PageRequest,
  notice?: string,
): Promise<DashboardModel> {
  const [page, count, tasks, unstarted, unconfirmed, emails, rows, promotions] = await Promise.all([
    readers.reads.listLeads({
      limit: LEADS_PER_PAGE,
      ...(request.cursor ? { cursor: request.cursor } : {}),
      ...(request.search ? { search: request.search } : {}),
    }),
    readers.reads.countLeads(),
    readers.reads.openTasks(),
    readers.reads.unstartedEnrollments(),
    listUnconfirmed(readers.store),
    mailbox(runtime),
    readers.aggregates.read(),
    standingPromotions(readers, runtime.cadences),
  ]);
  const followUp = buildReport(rows, { experiments: experimentRulesOf(runtime.cadences) });
  // The variants chart names each standing promotion as `followup report` does.
  const promoted = promotions.map(
    (p) => `${p.cadenceId} · ${p.stepId}: ${promotionLine(p)}; every touch of the step sends it since.`,
  );
  const today = runtime.clock.now().toISOString().slice(0, 10);
  const leads = await leadsById(readers, [
    ...tasks.map((t) => t.leadId),
    ...unstarted.map((e) => e.leadId),
    ...unconfirmed.map((t) => t.leadId),
  ]);
  const trail = request.cursor ? [...request.trail, request.cursor] : [];
  const paging: LeadsPaging = {
    ...(request.search ? { search: request.search } : {}),
    ...(request.reading ? { reading: request.reading } : {}),
    ...(page.nextCursor
      ? { next: pageQuery(request.search, [...trail, page.nextCursor], request.reading) }
      : {}),
    ...(trail.length > 0 ? { previous: pageQuery(request.search, trail.slice(0, -1), request.reading) } : {}),
    ...(notice ? { notice } : {}),
  };
  // One read of the counters; each cadence's figures are the same rows, filtered.
  const cadences: CadenceStats[] = runtime.cadences.map((c) => {
    const figures = buildReport(rows, { cadences: [c.id] });
    return {
      cadence: c.id,
      contacted: figures.leadsContacted,
      touchesSent: figures.totals.sent,
      replies: figures.replies,
      won: figures.won,
    };
  });
  return {
    now: runtime.clock.now().toISOString(),
    followUp: promoted.length > 0 ? { ...followUp, promotions: promoted } : followUp,
    // Today's readings by label: the leads of this page whose reply was read so today (UTC), newest first.
    leads: page.leads
      .filter((lead) => !request.reading || readToday(lead, today, request.reading))
      .map(leadRow),
    paging,
    totals: {
      leads: count,
      touchesSent: followUp.totals.sent,
      replied: followUp.replies,
      won: followUp.won,
      revenue: followUp.revenue,
    },
    unstarted: unstarted.map((e) => unstartedRow(e, leads)),
    unconfirmed: unconfirmed.map((t) => ({
      ...t,
      leadName: nameOf(leads, t.leadId),
      ...zoneOf(leads, t.leadId),
    })),
    tasks: tasks.map((t) => taskRow(t, leads)),
    sms: runtime.outbox.map((s) => ({ to: s.to, body: s.body, at: s.at })),
    emails: emails.map((e) => ({
      to: e.destination.to.join(', '),
      subject: e.subject,
      at: new Date(e.at * 1000).toISOString(),
    })),
    cadences,
    mailboxUrl: runtime.mailboxUrl,
    ...(runtime.clock.speed !== undefined ? { speed: runtime.clock.speed } : {}),
  };
}

/** The schedule of the lead's latest enrollment, as its execution input pinned it (docs/architecture.md §3.1). */
function scheduleOf(timeline: LeadTimeline) {
  const latest = timeline.enrollments.at(-1);
  if (!latest) return [];
  const input = ExecutionInputSchema.safeParse(JSON.parse(latest.inputJson));
  return input.success ? input.data.schedule.map((s) => ({ ...s, cadenceId: latest.cadenceId })) : [];
}

/** GET /api/leads/:id: the lead, its enrollments, the schedule of its latest enrollment and every touch. */
export function leadApiView(timeline: LeadTimeline) {
  const { recentSends: _r, sendsVersion: _v, ...lead } = timeline.lead;
  return {
    lead,
    enrollments: timeline.enrollments.map(({ inputJson: _i, ...rest }) => rest),
    schedule: scheduleOf(timeline),
    touches: timeline.touches.map((t) => ({
      ...touchRow(t),
      cadenceId: t.cadenceId,
      enrollmentId: t.enrollmentId,
    })),
    tasks: timeline.tasks,
    events: timeline.events,
  };
}

/** A touch as the lead's page and its JSON show it. */
function touchRow(t: TouchRecord) {
  return {
    step: t.stepId,
    channel: t.channel,
    template: t.template,
    status: t.status,
    at: t.at,
    ...(t.reason ? { reason: t.reason } : {}),
  };
}

/** GET /leads/:id: the lead's page. */
export function leadPageModel(runtime: AppRuntime, timeline: LeadTimeline): LeadPageModel {
  const schedule = scheduleOf(timeline);
  const cadence = schedule[0]?.cadenceId;
  return {
    now: runtime.clock.now().toISOString(),
    lead: { ...leadRow(timeline.lead), ...(cadence ? { cadence } : {}) },
    enrollments: timeline.enrollments.map((e) => ({
      enrollmentId: e.enrollmentId,
      cadenceId: e.cadenceId,
      enrolledAt: e.enrolledAt,
      status: e.status,
    })),
    schedule: schedule.map(({ step, channel, template, at }) => ({ step, channel, template, at })),
    touches: timeline.touches.map(touchRow),
    mailboxUrl: runtime.mailboxUrl,
  };
}
