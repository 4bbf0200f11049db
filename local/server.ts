import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { UserError } from '../functions/core/errors.ts';
import { isMonth } from '../functions/core/report.ts';
import { RedriveRefused } from '../functions/domain/redrive.ts';
import { listUnconfirmed, parseTouchId } from '../functions/domain/unconfirmed-touches.ts';
import { renderDashboard } from '../web/dashboard.ts';
import { renderSignupForm } from '../web/form.ts';
import { renderLeadPage } from '../web/lead.ts';
import { renderThanks } from '../web/thanks.ts';
import { httpEvent } from './api-event.ts';
import { BodyTooLarge, closeAfterAnswer, formatBytes } from './http-body.ts';
import type { AppRuntime } from './server/app-runtime.ts';
import {
  dashboardModel,
  LEADS_PER_PAGE,
  leadApiView,
  leadPageModel,
  leadRow,
  mailbox,
  pageRequest,
  type Readers,
  readersOf,
  report,
} from './server/pages.ts';
import {
  BadRequest,
  decodedToken,
  headersOf,
  readBody,
  relayAnswer,
  send,
  sendJson,
} from './server/respond.ts';
import {
  deliverSignal,
  type LocalHandler,
  type LocalSignalRequest,
  SIGNAL_TYPES,
  SignalRequestError,
} from './signal-events.ts';

export type { AppRuntime } from './server/app-runtime.ts';

/** The API Gateway HTTP API (payload 2.0) event Lambda would receive for this request. */
const apiEvent = (
  req: IncomingMessage,
  path: string,
  body: string,
  pathParameters?: Record<string, string>,
) =>
  httpEvent(req.method ?? 'GET', path, {
    body,
    headers: headersOf(req),
    ...(pathParameters ? { pathParameters } : {}),
  });

/** Runs an HTTP handler as API Gateway would and writes its answer. */
async function relay(res: ServerResponse, handler: LocalHandler, event: unknown) {
  relayAnswer(res, (await handler(event)) as Parameters<typeof relayAnswer>[1]);
}

/** GET /: the dashboard; a page link that no longer reads shows the first page and says so. */
async function getDashboard(runtime: AppRuntime, readers: Readers, url: URL, res: ServerResponse) {
  const request = pageRequest(url.searchParams);
  try {
    return send(res, 200, renderDashboard(await dashboardModel(runtime, readers, request)));
  } catch (error) {
    if (!(error instanceof UserError) || !request.cursor) throw error;
    const first = { ...(request.search ? { search: request.search } : {}), trail: [] };
    const notice = `That page link is out of date or damaged, so this is the first page of leads.`;
    return send(res, 200, renderDashboard(await dashboardModel(runtime, readers, first, notice)));
  }
}

/** GET /api/leads: one page of leads (`?search=`, `?cursor=`, `?limit=` up to 200), newest first. */
async function getLeads(readers: Readers, url: URL, res: ServerResponse) {
  const limit = Number(url.searchParams.get('limit') ?? LEADS_PER_PAGE);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    return sendJson(res, 400, { message: 'limit must be a whole number from 1 to 200' });
  }
  const { search, cursor } = pageRequest(url.searchParams);
  try {
    const page = await readers.reads.listLeads({
      limit,
      ...(search ? { search } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return sendJson(res, 200, {
      leads: page.leads.map(leadRow),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
  } catch (error) {
    if (error instanceof UserError) return sendJson(res, 400, { message: error.message });
    throw error;
  }
}

/** POST /api/touches/redrive `{"id", "by"}`: what `followup touches redrive` asks of a running runtime. */
async function postRedrive(runtime: AppRuntime, req: IncomingMessage, res: ServerResponse) {
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

/** POST /api/leads/:id/signals `{"type", "text"?}`: the event AWS would send, through the same handler. */
async function postSignal(runtime: AppRuntime, leadId: string, req: IncomingMessage, res: ServerResponse) {
  let body: { type?: unknown; text?: unknown; value?: unknown };
  try {
    body = JSON.parse((await readBody(req)) || '{}');
  } catch {
    return sendJson(res, 400, { message: 'The body is not valid JSON.' });
  }
  const type = SIGNAL_TYPES.find((t) => t === body.type);
  if (!type) return sendJson(res, 400, { message: `type must be one of ${SIGNAL_TYPES.join(', ')}` });
  if (body.text !== undefined && typeof body.text !== 'string') {
    return sendJson(res, 400, { message: 'text must be a string' });
  }
  if (body.value !== undefined && typeof body.value !== 'number') {
    return sendJson(res, 400, { message: 'value must be a number' });
  }
  const request: LocalSignalRequest = {
    type,
    ...(typeof body.text === 'string' ? { text: body.text } : {}),
    ...(typeof body.value === 'number' ? { value: body.value } : {}),
  };
  try {
    return sendJson(res, 200, await deliverSignal(runtime, leadId, request));
  } catch (error) {
    if (error instanceof SignalRequestError)
      return sendJson(res, error.statusCode, { message: error.message });
    throw error;
  }
}

const isFormPost = (req: IncomingMessage) =>
  /application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '') &&
  !/application\/json/i.test(req.headers.accept ?? '');

async function postLead(runtime: AppRuntime, req: IncomingMessage, res: ServerResponse) {
  const body = await readBody(req);
  if (!isFormPost(req)) return relayAnswer(res, await runtime.intake(apiEvent(req, '/leads', body)));
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

/** GET /leads/:id and GET /api/leads/:id. */
async function getLead(
  runtime: AppRuntime,
  readers: Readers,
  id: string,
  json: boolean,
  res: ServerResponse,
) {
  const timeline = await readers.reads.leadTimeline(id);
  if (!timeline) {
    return json
      ? sendJson(res, 404, { message: `no lead ${id}` })
      : send(res, 404, 'No such lead. <a href="/">Back to the dashboard</a>');
  }
  if (json) return sendJson(res, 200, leadApiView(timeline));
  return send(res, 200, renderLeadPage(leadPageModel(runtime, timeline)));
}

async function route(runtime: AppRuntime, readers: Readers, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const leadMatch = /^\/(api\/)?leads\/([A-Za-z0-9_-]+)$/.exec(path);
  if (method === 'GET' && path === '/') return getDashboard(runtime, readers, url, res);
  if (method === 'GET' && path === '/form') {
    return send(
      res,
      200,
      renderSignupForm({ cadence: url.searchParams.get('cadence') ?? runtime.config.defaultCadence }),
    );
  }
  if (method === 'GET' && path === '/thanks') return send(res, 200, renderThanks());
  if (method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
  if (method === 'POST' && path === '/leads') return postLead(runtime, req, res);
  if (method === 'GET' && path === '/api/leads') return getLeads(readers, url, res);
  if (method === 'GET' && leadMatch)
    return getLead(runtime, readers, leadMatch[2] as string, !!leadMatch[1], res);
  if (method === 'GET' && path === '/api/mailbox') {
    return sendJson(
      res,
      200,
      (await mailbox(runtime)).map((e) => ({
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
  if (method === 'GET' && path === '/api/sms') return sendJson(res, 200, runtime.outbox);
  if (method === 'GET' && path === '/api/report') {
    const [since, until, cadence] = ['since', 'until', 'cadence'].map(
      (k) => url.searchParams.get(k) ?? undefined,
    );
    const bad = [since, until].find((m) => m !== undefined && !isMonth(m));
    if (bad !== undefined) return sendJson(res, 400, { message: `"${bad}" is not a month; use YYYY-MM` });
    return sendJson(res, 200, await report(readers, { cadence, since, until, cadences: runtime.cadences }));
  }
  const leadAction = /^\/api\/leads\/([A-Za-z0-9_-]+)\/(signals|outcome)$/.exec(path);
  if (method === 'POST' && leadAction?.[2] === 'signals')
    return postSignal(runtime, leadAction[1] as string, req, res);
  if (method === 'POST' && leadAction?.[2] === 'outcome') {
    const id = leadAction[1] as string;
    return relay(
      res,
      runtime.signals.outcome,
      apiEvent(req, `/leads/${id}/outcome`, await readBody(req), { id }),
    );
  }
  const link = /^\/(u|o)\/([^/]+)$/.exec(path);
  if ((method === 'GET' || method === 'POST') && link) {
    const event = apiEvent(req, path, await readBody(req), { token: decodedToken(link[2] as string) });
    return relay(res, link[1] === 'u' ? runtime.signals.unsubscribe : runtime.signals.outcome, event);
  }
  if (method === 'POST' && path === '/shop/events') {
    return relay(res, runtime.signals.shopWebhook, apiEvent(req, path, await readBody(req)));
  }
  if (method === 'GET' && path === '/api/executions') return sendJson(res, 200, runtime.sfn.list());
  if (method === 'GET' && path === '/api/touches/unconfirmed') {
    return sendJson(res, 200, await listUnconfirmed(readers.store));
  }
  if (method === 'POST' && path === '/api/touches/redrive') return postRedrive(runtime, req, res);
  return sendJson(res, 404, { message: `no route ${method} ${path}` });
}

/** The local runtime's HTTP surface (docs/architecture.md §7): dashboard, form, POST /leads and the JSON API. */
export function createAppServer() {
  let attached: { runtime: AppRuntime; readers: Readers } | undefined;
  const server = createServer(async (req, res) => {
    try {
      if (!attached) return send(res, 503, 'starting');
      await route(attached.runtime, attached.readers, req, res);
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
    attach(runtime: AppRuntime) {
      attached = { runtime, readers: readersOf(runtime) };
    },
  };
}
