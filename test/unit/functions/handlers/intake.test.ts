import {
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../../../functions/adapters/sfn-executions.ts';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { computeSchedule, toUtc } from '../../../../functions/core/schedule.ts';
import { leadIdFor } from '../../../../functions/domain/lead.ts';
import { makeIntakeHandler } from '../../../../functions/handlers/intake.ts';
import { MemoryLeadStore } from '../../../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  recordingLogger,
  WEB_INQUIRY,
} from '../../../support/handler-fixtures.ts';

const sfn = mockClient(SFNClient);
const NOW = new Date('2026-03-04T15:30:00Z'); // Wednesday 09:30 in Chicago
const SITE = 'https://www.northwind.example';

let store: MemoryLeadStore;
let logger: ReturnType<typeof recordingLogger>;
let clock: Date;

function intake() {
  return makeIntakeHandler({
    store,
    executions: new SfnExecutions({
      client: new SFNClient({ region: REGION, credentials: CREDENTIALS }),
      stateMachineArnTemplate: ARN_TEMPLATE,
    }),
    cadences: new StaticCadenceCatalog(ALL_CADENCES),
    defaultTimeZone: 'America/Chicago',
    allowedCadences: async () => ['web-inquiry', 'proposal'],
    defaultCadence: 'web-inquiry',
    allowedOrigins: [SITE],
    logger,
    clock: () => clock,
  });
}

function post(
  body: string,
  headers: Record<string, string>,
  isBase64Encoded = false,
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /leads',
    rawPath: '/leads',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded,
    requestContext: { http: { method: 'POST', path: '/leads' } },
  } as unknown as APIGatewayProxyEventV2;
}

const postJson = (fields: Record<string, unknown>) =>
  post(JSON.stringify(fields), { 'Content-Type': 'application/json', Accept: 'application/json' });

const postForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  post(new URLSearchParams(fields).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'text/html,application/xhtml+xml',
    referer: `${SITE}/contact`,
    ...headers,
  });

async function call(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return (await intake()(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(String(response.body));
const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

const started = (input: { name: string }) => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:${input.name}`,
  startDate: NOW,
});

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake(started);
  store = new MemoryLeadStore();
  logger = recordingLogger();
  clock = NOW;
});

describe('intake: accepted signups', () => {
  it('answers a JSON post with 202 and starts one execution whose schedule is the preview', async () => {
    // Prepare
    const event = postJson({
      email: ' Jordan.Alvarez@Example.com ',
      name: 'Jordan Alvarez',
      timezone: 'America/Denver',
    });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(202);
    const body = bodyOf(response);
    const [start, ...more] = starts();
    expect(more).toEqual([]);
    expect(start?.stateMachineArn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-web-inquiry:live',
    );
    expect(start?.name).toBe(body.enrollment.id);
    expect(start?.name?.length).toBeLessThanOrEqual(80);
    expect(start?.name).toMatch(/^[A-Za-z0-9_-]+$/);
    const input = ExecutionInputSchema.parse(JSON.parse(start?.input ?? ''));
    const preview = computeSchedule(WEB_INQUIRY, NOW, 'America/Denver').map((t) => ({
      ...t,
      at: toUtc(t.at),
    }));
    expect(input.schedule).toEqual(preview);
    expect(input.leadId).toBe(leadIdFor('jordan.alvarez@example.com'));
    expect(body).toEqual({
      leadId: input.leadId,
      enrollment: { status: 'started', id: start?.name, cadence: 'web-inquiry', schedule: preview },
    });
    expect(store.leads.get(input.leadId)).toMatchObject({
      email: 'jordan.alvarez@example.com',
      name: 'Jordan Alvarez',
      status: 'active',
      zone: 'America/Denver',
      nextTouchAt: new Date(preview[0]?.at ?? '').toISOString(),
    });
  });

  it('answers a browser form post with 303 to the thank-you page and starts one execution', async () => {
    // Prepare
    const event = postForm({
      email: 'pat@example.com',
      phone: '(312) 555-0142',
      smsConsent: 'on',
      consentText: 'I agree to receive texts from Northwind. Msg & data rates may apply.',
      cadence: 'proposal',
      utm_source: 'newsletter',
    });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(response.headers?.Location).toBe('/thanks');
    const [start, ...more] = starts();
    expect(more).toEqual([]);
    expect(start?.stateMachineArn).toContain('Followup-proposal:live');
    const lead = store.leads.get(leadIdFor('pat@example.com'));
    expect(lead).toMatchObject({
      phone: '+13125550142',
      utm: { source: 'newsletter' },
      smsConsent: {
        at: NOW.toISOString(),
        source: `${SITE}/contact`,
        wording: 'I agree to receive texts from Northwind. Msg & data rates may apply.',
      },
    });
  });

  it('reads a base64-encoded form body, as API Gateway delivers it', async () => {
    // Prepare
    const raw = new URLSearchParams({ email: 'b64@example.com' }).toString();
    const event = post(
      Buffer.from(raw).toString('base64'),
      { 'content-type': 'application/x-www-form-urlencoded' },
      true,
    );

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(store.leads.has(leadIdFor('b64@example.com'))).toBe(true);
  });

  it('redirects to a thank-you page on an allowed origin, and never to another site', async () => {
    // Prepare
    const allowed = postForm({ email: 'a@example.com', redirect: `${SITE}/thank-you?from=form` });
    const foreign = postForm({ email: 'b@example.com', redirect: 'https://evil.example/phish' });
    const protocolRelative = postForm({ email: 'c@example.com', redirect: '//evil.example/phish' });

    // Act
    const responses = [await call(allowed), await call(foreign), await call(protocolRelative)];

    // Assess
    expect(responses.map((r) => r.headers?.Location)).toEqual([
      `${SITE}/thank-you?from=form`,
      '/thanks',
      '/thanks',
    ]);
  });

  it('allows cross-origin posts from the allowed site only', async () => {
    // Prepare
    const fromSite = post(JSON.stringify({ email: 'cors@example.com' }), {
      'content-type': 'application/json',
      origin: SITE,
    });
    const fromElsewhere = post(JSON.stringify({ email: 'cors@example.com' }), {
      'content-type': 'application/json',
      origin: 'https://evil.example',
    });

    // Act
    const responses = [await call(fromSite), await call(fromElsewhere)];

    // Assess
    expect(responses.map((r) => r.headers?.['Access-Control-Allow-Origin'])).toEqual([SITE, undefined]);
  });

  it('logs the lead id and never the address', async () => {
    // Prepare
    const event = postJson({ email: 'private.person@example.com', phone: '+1 217 555 0100' });

    // Act
    await call(event);

    // Assess
    const log = logger.lines.join('\n');
    expect(log).toContain(leadIdFor('private.person@example.com'));
    expect(log).not.toContain('private.person');
    expect(log).not.toContain('555');
  });
});

describe('intake: duplicates and retries', () => {
  it('gives a duplicate post the same enrollment and starts no second execution', async () => {
    // Prepare
    const first = bodyOf(await call(postJson({ email: 'dup@example.com' })));
    clock = new Date(NOW.getTime() + 60_000);

    // Act
    const second = bodyOf(await call(postJson({ email: 'DUP@example.com', name: 'Dee Dupont' })));

    // Assess
    expect(second.leadId).toBe(first.leadId);
    expect(second.enrollment.id).toBe(first.enrollment.id);
    expect(second.enrollment.status).toBe('existing');
    expect(second.enrollment.schedule).toEqual(first.enrollment.schedule);
    expect(starts()).toHaveLength(1);
    expect(store.leads.size).toBe(1);
    expect(store.leads.get(first.leadId)?.name).toBe('Dee Dupont');
  });

  it('after a failed start, the retry re-issues StartExecution with the identical name and input', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(
        new SFNServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .callsFake(started);
    const failed = await call(postJson({ email: 'retry@example.com' }));
    clock = new Date(NOW.getTime() + 120_000);

    // Act
    const retried = await call(postJson({ email: 'retry@example.com' }));

    // Assess: the lead and its retry marker were stored before the start failed, so the signup is accepted
    expect(failed.statusCode).toBe(202);
    expect(bodyOf(failed).enrollment).toEqual(
      expect.objectContaining({ status: 'pending', cadence: 'web-inquiry' }),
    );
    expect([...store.retries.values()].map((r) => r.enrollmentId)).toEqual([bodyOf(failed).enrollment.id]);
    expect(retried.statusCode).toBe(202);
    const [firstTry, secondTry] = starts();
    expect(secondTry?.name).toBe(firstTry?.name);
    expect(secondTry?.input).toBe(firstTry?.input);
    expect(bodyOf(retried).enrollment.id).toBe(firstTry?.name);
  });

  it('treats ExecutionAlreadyExists for the enrollment as success', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const response = await call(postJson({ email: 'exists@example.com' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response).enrollment.status).toBe('started');
    expect([...store.enrollments.values()].map((e) => e.status)).toEqual(['started']);
  });

  it('enrolls no suppressed address, and says so', async () => {
    // Prepare
    await call(postJson({ email: 'gone@example.com' }));
    const leadId = leadIdFor('gone@example.com');
    const lead = store.leads.get(leadId);
    if (lead) store.leads.set(leadId, { ...lead, status: 'unsubscribed' });
    sfn.resetHistory();

    // Act
    const response = await call(postJson({ email: 'gone@example.com', cadence: 'proposal' }));

    // Assess
    expect(bodyOf(response).enrollment).toEqual({
      status: 'not-enrolled',
      cadence: 'proposal',
      reason: 'suppressed',
    });
    expect(starts()).toEqual([]);
  });
});

describe('intake: bad input', () => {
  it('answers 400 naming each bad field: email, phone, zone and cadence', async () => {
    // Prepare
    const event = postJson({
      email: 'not-an-email',
      phone: '555-01',
      timezone: 'Mars/Olympus',
      cadence: 'secret',
    });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(400);
    const body = bodyOf(response);
    expect(body.message).toEqual(expect.any(String));
    expect(body.errors).toEqual({
      email: expect.stringContaining('not an email address'),
      phone: expect.stringContaining('not a phone number'),
      timezone: expect.stringContaining('not a time zone'),
      cadence: expect.stringContaining('not a follow-up'),
    });
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
    expect(starts()).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('asks for the email when it is missing, and for the number and wording with SMS consent', async () => {
    // Prepare
    const event = postJson({ smsConsent: true });

    // Act
    const body = bodyOf(await call(event));

    // Assess
    expect(Object.keys(body.errors).sort()).toEqual(['consentText', 'email', 'phone']);
    expect(body.errors.email).toContain('required');
  });

  it('shows a browser the errors as a page, with the fields escaped', async () => {
    // Prepare
    const event = postForm({ email: '<script>x</script>' });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toContain('text/html');
    expect(response.body).toContain('<strong>email</strong>');
    expect(response.body).not.toContain('<script>');
  });

  it('answers malformed JSON with a 400 message, not a stack trace', async () => {
    // Prepare
    const event = post('{"email": ', { 'content-type': 'application/json' });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ message: 'The body is not valid JSON.' });
  });

  it('refuses a body over 10 KB with 413 before parsing it', async () => {
    // Prepare
    const event = postJson({ email: 'big@example.com', note: 'x'.repeat(11 * 1024) });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response).message).toContain('10 KB');
    expect(store.size).toBe(0);
  });

  it('refuses a body that is neither JSON nor a form with 415', async () => {
    // Prepare
    const event = post('email=a@example.com', { 'content-type': 'text/plain' });

    // Act
    const response = await call(event);

    // Assess
    expect(response.statusCode).toBe(415);
  });
});

describe('intake: honeypot', () => {
  it('answers a filled honeypot as a success and stores and starts nothing', async () => {
    // Prepare
    const json = postJson({ email: 'bot@example.com', website: 'http://spam.example' });
    const form = postForm({ email: 'bot@example.com', website: 'http://spam.example' });

    // Act
    const jsonResponse = await call(json);
    const formResponse = await call(form);

    // Assess
    expect(jsonResponse.statusCode).toBe(202);
    expect(bodyOf(jsonResponse).enrollment.status).toBe('started');
    expect(formResponse.statusCode).toBe(303);
    expect(starts()).toEqual([]);
    expect(store.size).toBe(0);
  });
});
