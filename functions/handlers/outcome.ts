import { createHash } from 'node:crypto';
import { DEFAULT_REPLY_SNOOZE_DAYS } from '../core/config.ts';
import { fieldErrors } from '../core/field-errors.ts';
import { html } from '../core/html.ts';
import { SYSTEM_ZONE, Zoned } from '../core/zoned.ts';
import { OutcomeFieldsSchema, type RecordedOutcome, recordOutcome } from '../domain/outcome.ts';
import {
  OUTCOME_LABELS,
  OUTCOME_LINK_DAYS,
  type OutcomeClaim,
  verifyOutcomeToken,
} from '../domain/outcome-links.ts';
import { DEFAULT_CURRENCY, DEFAULT_SNOOZE_DAYS } from '../domain/signal-rules.ts';
import type { SignalDeps } from '../domain/signals.ts';
import type { SigningKey } from '../domain/tokens.ts';
import {
  type HttpEvent,
  type HttpHandler,
  type HttpResult,
  htmlResponse,
  httpHandler,
  jsonResponse,
  messagePage,
  methodOf,
  page,
  pathParameter,
  rawBody,
} from '../runtime/http.ts';

/*
 * A rep's outcome for a lead. POST /leads/{id}/outcome takes JSON `{result, value?, currency?, until?, note?}` (an
 * IAM-authorised route on AWS; the local dashboard's buttons). GET /o/{token} is a signed single-purpose link from a
 * task email: it shows what it will record and asks to confirm; POST /o/{token} records it.
 */

export interface OutcomeDeps extends SignalDeps {
  /** The key that signs outcome links (the touch's). */
  readonly signingKey: () => Promise<SigningKey>;
  readonly businessName: string;
  readonly clock?: () => Date;
}

const LINK_PATH = /^\/o\/([^/]+)\/?$/;
const API_PATH = /^\/(?:api\/)?leads\/([A-Za-z0-9_-]+)\/outcome\/?$/;
const MAX_BODY = 10 * 1024;

export function makeOutcomeHandler(deps: OutcomeDeps): HttpHandler {
  const clock = deps.clock ?? (() => new Date());

  async function viaApi(event: HttpEvent, leadId: string): Promise<HttpResult> {
    const text = rawBody(event);
    if (text.length > MAX_BODY) return jsonResponse(413, { message: 'The body is too large.' });
    let body: unknown;
    try {
      body = JSON.parse(text || '{}');
    } catch {
      return jsonResponse(400, { message: 'The body is not valid JSON.' });
    }
    const parsed = OutcomeFieldsSchema.safeParse(body);
    if (!parsed.success) {
      return jsonResponse(400, { message: 'Some fields need a fix.', errors: fieldErrors(parsed.error) });
    }
    const key = event.headers?.['idempotency-key'];
    const id = key ? `outcome:${leadId}:${key}` : `outcome:${event.requestContext.requestId}`;
    const result = await recordOutcome(deps, { ...parsed.data, leadId, id, source: 'rep' }, clock());
    deps.logger.info('outcome', { leadId, result: parsed.data.result, outcome: result.outcome });
    switch (result.outcome) {
      case 'no-lead':
        return jsonResponse(404, { message: `no lead ${leadId}` });
      case 'invalid':
        return jsonResponse(400, { message: result.message, errors: { [result.field]: result.message } });
      case 'duplicate':
        return jsonResponse(200, { ok: true, outcome: 'duplicate' });
      case 'applied':
        return jsonResponse(200, { ok: true, outcome: 'applied', status: result.lead.status });
      default:
        throw new Error(`unknown outcome ${JSON.stringify(result satisfies never)}`);
    }
  }

  function confirmPage(claim: OutcomeClaim, who: string, now: Date): string {
    const label = OUTCOME_LABELS[claim.result];
    const days = claim.corrects
      ? (deps.replies?.snoozeDays ?? DEFAULT_REPLY_SNOOZE_DAYS)
      : DEFAULT_SNOOZE_DAYS;
    // The process's zone, as before: UTC where a Lambda runs.
    const defaultUntil = Zoned.at(now.getTime(), SYSTEM_ZONE)?.plus({ days }).toISODate() ?? '';
    const what = claim.corrects
      ? html`Correct the reading of their reply: record <strong>${label}</strong> for <strong>${who}</strong>?`
      : html`Record <strong>${label}</strong> for <strong>${who}</strong>?`;
    const fields =
      claim.result === 'won'
        ? html`<label for="value">Deal value</label><input id="value" name="value" inputmode="decimal">
<label for="currency">Currency</label><input id="currency" name="currency" value="${DEFAULT_CURRENCY}" size="3" maxlength="3">`
        : claim.result === 'not-now' &&
          html`<label for="until">Try again on</label><input type="date" id="until" name="until" required value="${defaultUntil}">`;
    return page(
      `${label}?`,
      html`<p>${what}</p>
<form method="post">${fields}
<label for="note">Note (optional)</label><textarea id="note" name="note" rows="3" cols="40"></textarea>
<p><button type="submit">Record: ${label}</button></p></form>`,
    );
  }

  function recordedPage(result: RecordedOutcome, claim: OutcomeClaim): HttpResult {
    const label = OUTCOME_LABELS[claim.result];
    switch (result.outcome) {
      case 'no-lead':
        return htmlResponse(404, messagePage('No such lead', 'This lead no longer exists.'));
      case 'invalid':
        return htmlResponse(400, messagePage('Please check the date', result.message));
      case 'duplicate':
        return htmlResponse(200, messagePage('Already recorded', `This link already recorded "${label}".`));
      case 'applied':
        return htmlResponse(
          200,
          messagePage('Recorded', `"${label}" is recorded; the lead is now ${result.lead.status}.`),
        );
      default:
        throw new Error(`unknown outcome ${JSON.stringify(result satisfies never)}`);
    }
  }

  async function viaLink(event: HttpEvent, token: string): Promise<HttpResult> {
    const now = clock();
    const check = verifyOutcomeToken(token, await deps.signingKey(), now);
    if (!check.ok) {
      deps.logger.info('outcome-link-rejected', { reason: check.reason });
      return check.reason === 'expired'
        ? htmlResponse(
            410,
            messagePage(
              'This link has expired',
              `Outcome links work for ${OUTCOME_LINK_DAYS} days. Record the outcome from the dashboard instead.`,
            ),
          )
        : htmlResponse(400, messagePage('This link does not work', 'The link is incomplete or was changed.'));
    }
    const { claim } = check;
    const method = methodOf(event);
    if (method === 'GET' || method === 'HEAD') {
      const lead = await deps.store.getLead(claim.leadId);
      if (!lead) return htmlResponse(404, messagePage('No such lead', 'This lead no longer exists.'));
      return htmlResponse(200, confirmPage(claim, lead.name ?? lead.email, now));
    }
    if (method !== 'POST') return { statusCode: 405, headers: { Allow: 'GET, POST' }, body: '' };
    const text = rawBody(event);
    if (text.length > MAX_BODY) return htmlResponse(413, messagePage('Too large', 'The form is too large.'));
    const form = new URLSearchParams(text);
    const given = (name: string) => form.get(name)?.trim() || undefined;
    const parsed = OutcomeFieldsSchema.safeParse({
      result: claim.result,
      value: given('value'),
      currency: given('currency'),
      until: given('until'),
      note: given('note'),
    });
    if (!parsed.success) {
      const problems = Object.entries(fieldErrors(parsed.error)).map(
        ([field, message]) => html`<li><strong>${field}</strong> ${message}</li>`,
      );
      return htmlResponse(
        400,
        page('Please check the form', html`<ul>${problems}</ul><p><a href="">Back to the form</a></p>`),
      );
    }
    // One link, one outcome: a second submit of the same link is a duplicate.
    const id = `outcome-link:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    const result = await recordOutcome(
      deps,
      {
        ...parsed.data,
        leadId: claim.leadId,
        id,
        source: claim.corrects ? 'reading-correction' : 'outcome-link',
        ...(claim.corrects ? { corrects: claim.corrects } : {}),
        ...(claim.task ? { task: claim.task } : {}),
      },
      now,
    );
    deps.logger.info('outcome', { leadId: claim.leadId, result: claim.result, outcome: result.outcome });
    return recordedPage(result, claim);
  }

  async function outcome(event: HttpEvent): Promise<HttpResult> {
    const token = pathParameter(event, 'token', LINK_PATH);
    if (token !== undefined) return viaLink(event, token);
    const leadId = pathParameter(event, 'id', API_PATH);
    if (leadId && methodOf(event) === 'POST') return viaApi(event, leadId);
    return jsonResponse(404, { message: 'no such route' });
  }

  return httpHandler(deps.logger, 'outcome', false, outcome);
}
