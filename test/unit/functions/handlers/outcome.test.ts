import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { outcomeLinks, signOutcomeToken } from '../../../../functions/domain/outcome-links.ts';
import { makeOutcomeHandler } from '../../../../functions/handlers/outcome.ts';
import { enrolled, KEY, starts, stops, type World, world } from '../../../support/signal-fixtures.ts';

const NOW = new Date('2026-03-05T18:00:00Z');
const EMAIL = 'jordan.alvarez@example.com';

let w: World;
let leadId: string;
let clock: Date;

function request(
  method: 'GET' | 'POST',
  path: string,
  body: string,
  pathParameters: Record<string, string>,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: `req-${Math.random()}` },
  } as unknown as APIGatewayProxyEventV2;
}

async function call(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = makeOutcomeHandler({
    ...w.deps,
    signingKey: async () => KEY,
    businessName: 'Northwind Supply',
    clock: () => clock,
  });
  return handler(event, {} as Context);
}

const postOutcome = (body: unknown, headers: Record<string, string> = {}) =>
  call(request('POST', `/leads/${leadId}/outcome`, JSON.stringify(body), { id: leadId }, headers));
const link = (method: 'GET' | 'POST', token: string, form = '') =>
  call(request(method, `/o/${token}`, form, { token }));
const lead = () => w.store.leads.get(leadId);

beforeEach(async () => {
  w = world();
  clock = NOW;
  ({ leadId } = await enrolled(
    w,
    { email: EMAIL, name: 'Jordan Alvarez', zone: 'America/Chicago' },
    'web-inquiry',
    new Date('2026-03-04T15:30:00Z'),
  ));
});

describe('POST /leads/{id}/outcome', () => {
  it('won with a value records the deal and stops the cadence', async () => {
    // Act
    const response = await postOutcome({ result: 'won', value: 1200 });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ ok: true, outcome: 'applied', status: 'won' });
    expect(lead()).toMatchObject({ status: 'won', dealValue: 1200, dealCurrency: 'USD' });
    expect(stops()).toHaveLength(1);
  });

  it('not-now until a date: snoozed, and a re-engage execution whose first touch is on or after that day', async () => {
    // Act
    const response = await postOutcome({ result: 'not-now', until: '2026-06-01', note: 'Budget in June' });

    // Assess
    expect(response.statusCode).toBe(200);
    const until = '2026-06-01T14:00:00Z'; // 09:00 in Chicago
    expect(lead()).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    const reengage = starts().find((s) => s.stateMachineArn?.includes('Followup-re-engage'));
    const input = ExecutionInputSchema.parse(JSON.parse(reengage?.input ?? ''));
    expect(Date.parse(input.schedule[0]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(until));
    expect(w.store.events).toContainEqual(
      expect.objectContaining({
        kind: 'outcome',
        detail: expect.objectContaining({ note: 'Budget in June' }),
      }),
    );
  });

  it('answers 400 naming each bad field, and changes nothing', async () => {
    // Act
    const response = await postOutcome({ result: 'maybe', value: -5 });

    // Assess
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body ?? '');
    expect(Object.keys(body.errors).sort()).toEqual(['result', 'value']);
    expect(lead()?.status).toBe('active');
  });

  it('refuses a not-now date in the past', async () => {
    // Act
    const response = await postOutcome({ result: 'not-now', until: '2026-01-01' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(lead()?.status).toBe('active');
  });

  it('refuses "done" without a task, naming the result field (not the date), and changes nothing', async () => {
    // Act
    const response = await postOutcome({ result: 'done' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').errors).toEqual({
      result: 'done marks a task done: use the link in the task email',
    });
    expect(lead()?.status).toBe('active');
  });

  it('refuses a not-now date 400 days out, naming the limit and the last date it allows', async () => {
    // Prepare
    const started = starts().length;

    // Act
    const response = await postOutcome({ result: 'not-now', until: '2027-04-09' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').errors.until).toBe(
      "until must be at most 330 days ahead (2027-01-29 or earlier): the follow-up after a snooze has to finish within Step Functions' one-year limit",
    );
    expect(lead()?.status).toBe('active');
    expect(starts()).toHaveLength(started);
  });

  it('takes the last date it allows, and the re-engage execution then ends well inside a year', async () => {
    // Act
    const response = await postOutcome({ result: 'not-now', until: '2027-01-29' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(lead()).toMatchObject({ status: 'snoozed', snoozedUntil: '2027-01-29T15:00:00Z' });
    const input = ExecutionInputSchema.parse(JSON.parse(starts().at(-1)?.input ?? '{}'));
    expect(input.cadenceId).toBe('re-engage');
    const lastTouch = Date.parse(input.schedule.at(-1)?.at ?? '');
    expect(lastTouch - NOW.getTime()).toBeLessThan(364 * 86_400_000);
  });

  it('the same Idempotency-Key twice is one outcome', async () => {
    // Prepare
    await postOutcome({ result: 'meeting' }, { 'idempotency-key': 'k-1' });
    const events = w.store.events.length;

    // Act
    const again = await postOutcome({ result: 'meeting' }, { 'idempotency-key': 'k-1' });

    // Assess
    expect(JSON.parse(again.body ?? '').outcome).toBe('duplicate');
    expect(w.store.events).toHaveLength(events);
  });
});

describe('GET|POST /o/{token}: outcome links in task emails', () => {
  const token = (result: 'won' | 'lost' | 'not-now', expiresAt = new Date(NOW.getTime() + 86_400_000)) =>
    signOutcomeToken({ leadId, result, expiresAt }, KEY);

  it('GET shows what the link records and asks to confirm; nothing changes yet', async () => {
    // Act
    const response = await link('GET', token('won'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Record <strong>Won</strong> for <strong>Jordan Alvarez</strong>?');
    expect(response.body).toContain('name="value"');
    expect(lead()?.status).toBe('active');
  });

  it('GET escapes a hostile lead name: it shows as text, never as markup', async () => {
    // Prepare
    const hostile = '<img src=x onerror="alert(1)">Jo & "Al"';
    w.store.leads.set(leadId, { ...(lead() as NonNullable<ReturnType<typeof lead>>), name: hostile });

    // Act
    const response = await link('GET', token('won'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<img');
    expect(response.body).toContain(
      'for <strong>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Jo &amp; &quot;Al&quot;</strong>?',
    );
  });

  it('POST records it, once: a second submit of the same link is "already recorded"', async () => {
    // Prepare
    const t = token('won');
    const first = await link('POST', t, 'value=950&currency=eur');

    // Act
    const second = await link('POST', t, 'value=5000&currency=USD');

    // Assess
    expect(first.statusCode).toBe(200);
    expect(lead()).toMatchObject({ status: 'won', dealValue: 950, dealCurrency: 'EUR' });
    expect(second.body).toContain('Already recorded');
  });

  it('an expired link is rejected with 410 and changes nothing', async () => {
    // Prepare
    const expired = token('lost', new Date(NOW.getTime() - 1000));

    // Act
    const response = await link('POST', expired);

    // Assess
    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This link has expired');
    expect(lead()?.status).toBe('active');
  });

  it('a link whose result was changed is rejected with 400', async () => {
    // Prepare
    const tampered = token('lost').replace('.lost.', '.won.');

    // Act
    const response = await link('POST', tampered, 'value=1');

    // Assess
    expect(response.statusCode).toBe(400);
    expect(lead()?.status).toBe('active');
  });

  it('the links a task email carries each record their outcome', async () => {
    // Prepare
    const links = outcomeLinks('https://api.northwind.example/', leadId, KEY, NOW);
    const notNow = links.find((l) => l.result === 'not-now');
    const t = notNow?.url.split('/o/')[1] ?? '';

    // Act
    const response = await link('POST', t, 'until=2026-04-01');

    // Assess
    expect(links.map((l) => l.result)).toEqual(['replied', 'meeting', 'won', 'lost', 'not-now']);
    expect(notNow?.url.startsWith('https://api.northwind.example/o/')).toBe(true);
    expect(response.statusCode).toBe(200);
    expect(lead()?.status).toBe('snoozed');
  });
});
