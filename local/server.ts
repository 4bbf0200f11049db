import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DynamoAggregates } from '../functions/adapters/dynamo-aggregates.ts';
import { DynamoLeadStore } from '../functions/adapters/dynamo-lead-store.ts';
import { buildReport, isMonth, type Report } from '../functions/core/report.ts';
import { RedriveRefused } from '../functions/domain/redrive.ts';
import { listUnconfirmed, parseTouchId } from '../functions/domain/unconfirmed-touches.ts';
import { renderDashboard } from '../web/dashboard.ts';
import { renderSignupForm } from '../web/form.ts';
import { renderLeadPage } from '../web/lead.ts';
import type { DashboardModel, LeadRow, TaskRow, UnconfirmedRow, UnstartedRow } from '../web/model.ts';
import { renderThanks } from '../web/thanks.ts';
import { BodyTooLarge, closeAfterAnswer, formatBytes, readBody as readLimitedBody } from './http-body.ts';
import { type Item, itemsOfLead, type LeadView, leadView, scanAll } from './queries.ts';
import type { Runtime } from './runtime.ts';
import {
  deliverSignal,
  type LocalHandler,
  type LocalSignalRequest,
  SIGNAL_TYPES,
  SignalRequestError,
} from './signal-events.ts';

/** Above every handler's own limit (the intake's 10 KB, the webhook's 64 KB), so each still answers in its words. */
const MAX_BODY = 256 * 1024;

const readBody = (req: IncomingMessage) => readLimitedBody(req, MAX_BODY);

/** A link whose token is not valid %-encoding (`/u/%zz`): the link is damaged, not the server. */
function decodedToken(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new BadRequest('this link is damaged (a bad %-escape); open the link from the email again');
  }
}

class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}
const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, `${JSON.stringify(value, null, 2)}\n`, { 'content-type': 'application/json' });

/** The API Gateway HTTP API (payload 2.0) event Lambda would receive for this request. */
function apiEvent(req: IncomingMessage, path: string, body: string, pathParameters?: Record<string, string>) {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(',') : (v ?? ''),
    ]),
  );
  return {
    version: '2.0',
    routeKey: `${req.method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      http: {
        method: req.method ?? 'GET',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${Date.now()}`,
      routeKey: `${req.method} ${path}`,
      stage: '$default',
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function leadRow(lead: Item, cadence?: string): LeadRow {
  const consent = lead.smsConsent as { at?: string } | undefined;
  return {
    id: String(lead.leadId),
    email: String(lead.email),
    status: (lead.status ?? 'active') as LeadRow['status'],
    touchCount: Number(lead.touchCount ?? 0),
    createdAt: String(lead.createdAt),
    ...(str(lead.name) ? { name: str(lead.name) } : {}),
    ...(str(lead.company) ? { company: str(lead.company) } : {}),
    ...(str(lead.phone) ? { phone: str(lead.phone) } : {}),
    ...(str(lead.owner) ? { owner: str(lead.owner) } : {}),
    ...(str(lead.zone) ? { zone: str(lead.zone) } : {}),
    ...(cadence ? { cadence } : {}),
    ...(str(lead.lastContactAt) ? { lastContactAt: str(lead.lastContactAt) } : {}),
    ...(str(lead.lastChannel) ? { lastChannel: str(lead.lastChannel) as LeadRow['lastChannel'] } : {}),
    ...(str(lead.nextTouchAt) ? { nextTouchAt: str(lead.nextTouchAt) } : {}),
    ...(consent?.at ? { smsConsentAt: consent.at } : {}),
    ...(typeof lead.dealValue === 'number' ? { dealValue: lead.dealValue } : {}),
  } as LeadRow;
}

interface MailboxEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

async function mailbox(runtime: Runtime): Promise<MailboxEmail[]> {
  const response = await fetch(`${runtime.mailboxUrl}/store`);
  return ((await response.json()) as { emails: MailboxEmail[] }).emails;
}

/** The report from the aggregates (issue #6), as `followup report` reads them: by key, never a scan. */
async function report(runtime: Runtime, options: { cadence?: string; since?: string; until?: string } = {}) {
  const { cadence, since, until } = options;
  const query = {
    ...(cadence ? { cadenceIds: [cadence] } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  const rows = await new DynamoAggregates({ client: runtime.ddb, tableName: runtime.tableName }).read(query);
  return buildReport(rows, {
    ...(cadence ? { cadences: [cadence] } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  });
}

async function dashboardModel(runtime: Runtime): Promise<DashboardModel> {
  // Leads' items only: the report's aggregate items live in partitions of their own.
  const items = (await scanAll(runtime.ddb, runtime.tableName)).filter((i) =>
    String(i.pk).startsWith('LEAD#'),
  );
  const bySk = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
  const latestCadence = new Map<string, string>();
  for (const e of bySk('ENR#').sort((a, b) => String(a.enrolledAt).localeCompare(String(b.enrolledAt)))) {
    latestCadence.set(String(e.leadId), String(e.cadenceId));
  }
  const leads = items
    .filter((i) => i.sk === 'LEAD')
    .map((l) => leadRow(l, latestCadence.get(String(l.leadId))));
  const names = new Map(leads.map((l) => [l.id, l.name ?? l.email]));
  const tasks: TaskRow[] = bySk('TASK#')
    .filter((t) => t.status === 'open')
    .map((t) => ({
      leadId: String(t.leadId),
      leadName: names.get(String(t.leadId)) ?? String(t.leadId),
      title: String(t.title),
      script: String(t.script),
      channel: t.channel === 'task' ? 'task' : 'call',
      dueAt: String(t.dueAt),
      createdAt: String(t.createdAt),
    }));
  // Pending with a failure recorded, or given up: a pending one without a failure is starting right now.
  const unstarted: UnstartedRow[] = bySk('ENR#')
    .filter((e) => e.status === 'stuck' || (e.status === 'pending' && Number(e.startAttempts ?? 0) > 0))
    .map((e) => ({
      leadId: String(e.leadId),
      leadName: names.get(String(e.leadId)) ?? String(e.leadId),
      cadenceId: String(e.cadenceId),
      status: e.status === 'stuck' ? 'stuck' : 'retrying',
      attempts: Number(e.startAttempts ?? 0),
      createdAt: String(e.createdAt),
      ...(str(e.reason) ? { reason: str(e.reason) } : {}),
      ...(e.status === 'pending' && str(e.retryAt) ? { retryAt: str(e.retryAt) } : {}),
    }));
  // What `followup touches unconfirmed` lists, read the same way (by key).
  const unconfirmed: UnconfirmedRow[] = (await unconfirmedTouches(runtime)).map((t) => ({
    ...t,
    leadName: names.get(t.leadId) ?? t.leadId,
  }));
  const touches = bySk('TOUCH#');
  const statuses = new Map(leads.map((l) => [l.id, l.status]));
  const cadences = runtime.cadences.map((c) => {
    const enrolled = new Set(
      bySk('ENR#')
        .filter((e) => e.cadenceId === c.id)
        .map((e) => String(e.leadId)),
    );
    const count = (pred: (s: string | undefined) => boolean) =>
      [...enrolled].filter((id) => pred(statuses.get(id))).length;
    return {
      cadence: c.id,
      enrolled: enrolled.size,
      active: count((s) => s === 'active' || s === 'nurture'),
      touchesSent: touches.filter((t) => t.cadenceId === c.id && t.status === 'sent').length,
      replies: count((s) => s === 'replied' || s === 'meeting' || s === 'won'),
      won: count((s) => s === 'won'),
    };
  });
  const emails = (await mailbox(runtime)).map((e) => ({
    to: e.destination.to.join(', '),
    subject: e.subject,
    at: new Date(e.at * 1000).toISOString(),
  }));
  const followUp: Report = await report(runtime);
  return {
    now: runtime.clock.now().toISOString(),
    followUp,
    leads,
    unstarted,
    unconfirmed,
    tasks,
    sms: runtime.outbox.map((s) => ({ to: s.to, body: s.body, at: s.at })),
    emails,
    cadences,
    mailboxUrl: runtime.mailboxUrl,
    ...('speed' in runtime.clock ? { speed: Number((runtime.clock as { speed: number }).speed) } : {}),
  };
}

const unconfirmedTouches = (runtime: Runtime) =>
  listUnconfirmed(new DynamoLeadStore({ client: runtime.ddb, tableName: runtime.tableName }));

/** POST /api/touches/redrive `{"id", "by"}`: what `followup touches redrive` asks of a running runtime. */
async function postRedrive(runtime: Runtime, req: IncomingMessage, res: ServerResponse) {
  // JSON only: a page on another site cannot send this without a preflight this server never answers.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { message: 'Send the body as JSON (content-type: application/json).' });
  }
  let body: { id?: unknown; by?: unknown };
  try {
    body = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, { message: 'The body is not valid JSON.' });
  }
  const key = typeof body.id === 'string' ? parseTouchId(body.id) : undefined;
  if (!key) {
    return sendJson(res, 400, {
      message: 'id must be a touch id as `followup touches unconfirmed` prints it: LEAD/ENROLLMENT/STEP',
    });
  }
  const by = typeof body.by === 'string' ? body.by.trim() : '';
  if (by === '' || by.length > 100 || /[\p{Cc}]/u.test(by)) {
    return sendJson(res, 400, { message: 'by must name who checked the touch, in at most 100 characters' });
  }
  try {
    return sendJson(res, 200, await runtime.redrive(key, by));
  } catch (error) {
    if (error instanceof RedriveRefused) return sendJson(res, 409, { message: error.message });
    throw error;
  }
}

async function findLead(runtime: Runtime, id: string): Promise<LeadView | undefined> {
  return leadView(await itemsOfLead(runtime.ddb, runtime.tableName, id));
}

/** The local runtime's HTTP surface (docs/architecture.md §7): dashboard, form, POST /leads and the JSON API. */
export function createAppServer() {
  let runtime: Runtime | undefined;
  const server = createServer(async (req, res) => {
    try {
      if (!runtime) return send(res, 503, 'starting');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const leadMatch = /^\/(api\/)?leads\/([A-Za-z0-9_-]+)$/.exec(path);
      if (req.method === 'GET' && path === '/')
        return send(res, 200, renderDashboard(await dashboardModel(runtime)));
      if (req.method === 'GET' && path === '/form') {
        return send(
          res,
          200,
          renderSignupForm({ cadence: url.searchParams.get('cadence') ?? runtime.config.defaultCadence }),
        );
      }
      if (req.method === 'GET' && path === '/thanks') return send(res, 200, renderThanks());
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
      if (req.method === 'POST' && path === '/leads') return await postLead(runtime, req, res);
      if (req.method === 'GET' && path === '/api/leads') {
        const items = await scanAll(runtime.ddb, runtime.tableName);
        return sendJson(res, 200, { leads: items.filter((i) => i.sk === 'LEAD').map((l) => leadRow(l)) });
      }
      if (req.method === 'GET' && leadMatch) {
        const view = await findLead(runtime, leadMatch[2] as string);
        if (!view) {
          return leadMatch[1]
            ? sendJson(res, 404, { message: `no lead ${leadMatch[2]}` })
            : send(res, 404, 'No such lead. <a href="/">Back to the dashboard</a>');
        }
        if (leadMatch[1]) return sendJson(res, 200, view);
        return send(
          res,
          200,
          renderLeadPage({
            now: runtime.clock.now().toISOString(),
            lead: leadRow(view.lead, view.schedule[0]?.cadenceId),
            enrollments: view.enrollments.map((e) => ({
              enrollmentId: String(e.enrollmentId),
              cadenceId: String(e.cadenceId),
              enrolledAt: String(e.enrolledAt),
              status: String(e.status),
            })),
            schedule: view.schedule as never,
            touches: view.touches as never,
            mailboxUrl: runtime.mailboxUrl,
          }),
        );
      }
      if (req.method === 'GET' && path === '/api/mailbox') {
        const emails = await mailbox(runtime);
        return sendJson(
          res,
          200,
          emails.map((e) => ({
            messageId: e.messageId,
            from: e.from,
            destination: e.destination,
            replyTo: e.replyTo,
            subject: e.subject,
            headers: e.headers ?? [],
            text: e.body.text,
            html: e.body.html,
            at: new Date(e.at * 1000).toISOString(),
          })),
        );
      }
      if (req.method === 'GET' && path === '/api/sms') return sendJson(res, 200, runtime.outbox);
      if (req.method === 'GET' && path === '/api/report') {
        const [since, until, cadence] = ['since', 'until', 'cadence'].map(
          (k) => url.searchParams.get(k) ?? undefined,
        );
        const bad = [since, until].find((m) => m !== undefined && !isMonth(m));
        if (bad !== undefined) return sendJson(res, 400, { message: `"${bad}" is not a month; use YYYY-MM` });
        return sendJson(res, 200, await report(runtime, { cadence, since, until }));
      }
      const leadAction = /^\/api\/leads\/([A-Za-z0-9_-]+)\/(signals|outcome)$/.exec(path);
      if (req.method === 'POST' && leadAction?.[2] === 'signals') {
        return await postSignal(runtime, leadAction[1] as string, req, res);
      }
      if (req.method === 'POST' && leadAction?.[2] === 'outcome') {
        const id = leadAction[1] as string;
        const event = apiEvent(req, `/leads/${id}/outcome`, await readBody(req), { id });
        return relay(res, runtime.signals.outcome, event);
      }
      const link = /^\/(u|o)\/([^/]+)$/.exec(path);
      if ((req.method === 'GET' || req.method === 'POST') && link) {
        const event = apiEvent(req, path, await readBody(req), {
          token: decodedToken(link[2] as string),
        });
        return relay(res, link[1] === 'u' ? runtime.signals.unsubscribe : runtime.signals.outcome, event);
      }
      if (req.method === 'POST' && path === '/shop/events') {
        return relay(res, runtime.signals.shopWebhook, apiEvent(req, path, await readBody(req)));
      }
      if (req.method === 'GET' && path === '/api/executions') return sendJson(res, 200, runtime.sfn.list());
      if (req.method === 'GET' && path === '/api/touches/unconfirmed') {
        return sendJson(res, 200, await unconfirmedTouches(runtime));
      }
      if (req.method === 'POST' && path === '/api/touches/redrive')
        return await postRedrive(runtime, req, res);
      sendJson(res, 404, { message: `no route ${req.method} ${path}` });
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        closeAfterAnswer(res);
        return sendJson(res, 413, {
          message: `The body is too large: keep it under ${formatBytes(error.limit)}.`,
        });
      }
      if (error instanceof BadRequest) return sendJson(res, 400, { message: error.message });
      console.error(`followup: ${req.method} ${req.url} failed:`, (error as Error).message);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error; see the runtime log' });
    }
  });
  return {
    server,
    attach(value: Runtime) {
      runtime = value;
    },
  };
}

/** Runs an HTTP handler as API Gateway would and writes its answer. */
async function relay(res: ServerResponse, handler: LocalHandler, event: unknown) {
  const result = (await handler(event)) as {
    statusCode?: number;
    headers?: Record<string, unknown>;
    body?: string;
  };
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ?? '');
}

/** POST /api/leads/:id/signals `{"type", "text"?}`: the event AWS would send, through the same handler. */
async function postSignal(runtime: Runtime, leadId: string, req: IncomingMessage, res: ServerResponse) {
  let body: { type?: unknown; text?: unknown; value?: unknown };
  try {
    body = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, { message: 'The body is not valid JSON.' });
  }
  if (!SIGNAL_TYPES.includes(body.type as never)) {
    return sendJson(res, 400, { message: `type must be one of ${SIGNAL_TYPES.join(', ')}` });
  }
  if (body.text !== undefined && typeof body.text !== 'string') {
    return sendJson(res, 400, { message: 'text must be a string' });
  }
  if (body.value !== undefined && typeof body.value !== 'number') {
    return sendJson(res, 400, { message: 'value must be a number' });
  }
  try {
    return sendJson(res, 200, await deliverSignal(runtime, leadId, body as LocalSignalRequest));
  } catch (error) {
    if (error instanceof SignalRequestError)
      return sendJson(res, error.statusCode, { message: error.message });
    throw error;
  }
}

const isFormPost = (req: IncomingMessage) =>
  /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') &&
  !/application\/json/i.test(req.headers.accept ?? '');

async function postLead(runtime: Runtime, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (isFormPost(req)) {
    // The example form is served here, so a browser's bad post gets that form back with the errors beside their
    // fields and what it typed kept: ask the intake for JSON and answer the browser from it.
    const event = apiEvent(req, '/leads', body);
    const result = await runtime.intake({
      ...event,
      headers: { ...event.headers, accept: 'application/json' },
    });
    const values = Object.fromEntries(new URLSearchParams(body));
    if (result.statusCode === 202) return send(res, 303, '', { location: '/thanks' });
    if (result.statusCode !== 400) return send(res, result.statusCode ?? 500, result.body ?? '');
    const { errors, message } = JSON.parse(result.body ?? '{}') as {
      errors?: Record<string, string>;
      message?: string;
    };
    return send(
      res,
      400,
      renderSignupForm({
        cadence: values.cadence,
        values,
        ...(errors ? { errors } : {}),
        ...(message ? { message } : {}),
      }),
    );
  }
  const result = await runtime.intake(apiEvent(req, '/leads', body));
  const status = result.statusCode ?? 200;
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  res.writeHead(status, headers);
  res.end(result.body ?? '');
}
