import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { StaticCadenceCatalog } from '../../functions/adapters/cadence-catalog.ts';
import { SfnExecutions } from '../../functions/adapters/sfn-executions.ts';
import { leadIdFor, normalizeEmail } from '../../functions/domain/lead.ts';
import { MAX_BODY_BYTES, makeIntakeHandler } from '../../functions/handlers/intake.ts';
import { MemoryLeadStore } from '../../local/memory/lead-store.ts';
import {
  ALL_CADENCES,
  ARN_TEMPLATE,
  CREDENTIALS,
  REGION,
  recordingLogger,
} from '../support/handler-fixtures.ts';

/*
 * Whatever is posted to POST /leads — huge strings, any unicode, markup, bad emails and phones, wrong types, nested
 * junk, as JSON, as a form or as garbage — the intake answers with a success or a field error, never a 500, and what
 * it stores is always a valid lead.
 */

const sfn = mockClient(SFNClient);
sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:${input.name}`,
  startDate: new Date(),
}));
const NOW = new Date('2026-03-04T15:30:00Z');

function intake(store: MemoryLeadStore, logger = recordingLogger()) {
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
    allowedOrigins: ['https://www.northwind.example'],
    logger,
    clock: () => NOW,
  });
}

const MARKUP = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE leads; --",
  '{{ owner.email }}{% raw %}',
  '\u0000\u202e\uFEFF',
  '../../etc/passwd',
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...MARKUP),
  fc.string({ minLength: 180, maxLength: 260 }),
);
const huge = fc.string({ minLength: 2_000, maxLength: 12_000 });
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.object({ maxDepth: 3 }),
);
const plainEmail = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._+-]{0,20}$/), fc.constantFrom('example.com', 'mail.example.org'))
  .map(([local, domain]) => `${local}@${domain}`);
const email = fc.oneof(
  { weight: 6, arbitrary: plainEmail },
  { weight: 2, arbitrary: plainEmail.map((e) => `  ${e.toUpperCase()} `) },
  fc.emailAddress(),
  fc.constantFrom('jordan@', '@example.com', 'a@b', 'jordan@example', 'jo rdan@example.com', '<a@b.co>'),
  fc.constantFrom(...MARKUP).map((m) => `${m}@example.com`),
  text,
);
const phone = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 201, max: 989 }),
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 0, max: 9999 }),
    )
    .map(([a, b, c]) => `(${a}) ${b}-${String(c).padStart(4, '0')}`),
  fc.constantFrom('+44 20 7946 0958', '+1 312 555 0142', '555', '+0000000', 'call me', '1'.repeat(41)),
  text,
);
/** Mostly a plausible value, so many posts are real leads; otherwise junk of every kind. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 40, arbitrary: valid }, text, huge, wrongType);
/** Mostly the first value. */
const mostly = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, fc.constantFrom(...others));

const submission = fc
  .tuple(
    fc.record(
      {
        email: field(email),
        name: field(fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...MARKUP))),
        company: field(fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...MARKUP))),
        phone: field(phone),
        note: field(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(...MARKUP))),
        interest: field(fc.string({ maxLength: 60 })),
        timezone: field(mostly('America/Chicago', 'Europe/Berlin', 'Mars/Olympus', 'UTC', '')),
        smsConsent: field(mostly<string | boolean>('off', 'on', 'true', 'yes', 'maybe', true, false)),
        consentText: field(mostly('Texts OK. Reply STOP to opt out.', '', MARKUP[0] as string)),
        cadence: field(mostly('web-inquiry', 'proposal', 'quarterly-nurture', 'nope')),
        redirect: field(
          fc.constantFrom('/thanks', 'https://evil.example/', 'javascript:alert(1)', '//evil.example'),
        ),
        website: mostly('', 'http://spam.example'),
        utm_source: field(fc.string({ maxLength: 30 })),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
  )
  .map(([known, junk]) => ({ ...junk, ...known }));

/** Now and then a post over the size limit. */
const posts = fc.oneof(
  { weight: 9, arbitrary: submission },
  fc
    .tuple(submission, fc.string({ minLength: 10_500, maxLength: 20_000 }))
    .map(([body, note]) => ({ ...body, note })),
);

type Encoding = 'json' | 'form' | 'form-html' | 'garbage-json' | 'base64-json' | 'text';

function event(body: unknown, encoding: Encoding): APIGatewayProxyEventV2 {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const asForm = (value: unknown) => {
    const params = new URLSearchParams();
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        params.append(key, typeof item === 'string' ? item : (JSON.stringify(item) ?? ''));
      }
    }
    return params.toString();
  };
  const [raw, headers, isBase64Encoded] = ((): [string, Record<string, string>, boolean] => {
    switch (encoding) {
      case 'json':
        return [JSON.stringify(body), json, false];
      case 'base64-json':
        return [Buffer.from(JSON.stringify(body)).toString('base64'), json, true];
      case 'form':
        return [asForm(body), form, false];
      case 'form-html':
        return [asForm(body), { ...form, accept: 'text/html' }, false];
      case 'garbage-json':
        return [String(body), json, false];
      case 'text':
        return [JSON.stringify(body), { 'content-type': 'text/plain' }, false];
    }
  })();
  return {
    version: '2.0',
    routeKey: 'POST /leads',
    rawPath: '/leads',
    rawQueryString: '',
    headers,
    body: raw,
    isBase64Encoded,
    requestContext: { http: { method: 'POST', path: '/leads' } },
  } as unknown as APIGatewayProxyEventV2;
}

/** Every lead in the store is one the form would accept, whatever was posted. */
function expectOnlyValidLeads(store: MemoryLeadStore) {
  for (const lead of store.leads.values()) {
    expect(lead.email).toBe(normalizeEmail(lead.email));
    expect(lead.email.length).toBeLessThanOrEqual(254);
    expect(lead.email).toMatch(/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/);
    expect(lead.leadId).toBe(leadIdFor(lead.email));
    if (lead.phone !== undefined) {
      expect(lead.phone).toMatch(/^\+[1-9][0-9]{6,14}$/);
      expect(parsePhoneNumberFromString(lead.phone)?.isValid()).toBe(true);
    }
    if (lead.zone !== undefined) expect(IANAZone.isValidZone(lead.zone)).toBe(true);
    for (const [key, max] of [
      ['name', 200],
      ['company', 200],
      ['interest', 200],
      ['note', 2_000],
    ] as const) {
      const value = lead[key];
      if (value !== undefined) {
        expect(typeof value).toBe('string');
        expect(value.length).toBeLessThanOrEqual(max);
        expect(value.trim()).toBe(value);
        expect(value).not.toBe('');
      }
    }
    if (lead.smsConsent) {
      expect(lead.phone).toBeDefined();
      expect(lead.smsConsent.wording.trim()).not.toBe('');
    }
    expect(lead.status).toBe('active');
  }
}

async function post(store: MemoryLeadStore, body: unknown, encoding: Encoding, logger = recordingLogger()) {
  const response = (await intake(store, logger)(
    event(body, encoding),
    {} as Context,
  )) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode ?? 0, response, logger };
}

const ANSWERS = new Set([202, 303, 400, 413, 415]);

describe('POST /leads under arbitrary input', () => {
  it('JSON, form and base64 bodies: a success or a 400 naming each bad field, never a 500, only valid leads stored', async () => {
    const store = new MemoryLeadStore();
    await fc.assert(
      fc.asyncProperty(
        posts,
        fc.constantFrom<Encoding>('json', 'form', 'base64-json'),
        async (body, encoding) => {
          // Act
          const { status, response, logger } = await post(store, body, encoding);
          const size = Buffer.byteLength(
            event(body, encoding).body ?? '',
            encoding === 'base64-json' ? 'base64' : 'utf8',
          );

          // Assess
          expect(ANSWERS).toContain(status);
          if (size > MAX_BODY_BYTES) expect(status).toBe(413);
          const answer = JSON.parse(String(response.body)) as {
            errors?: Record<string, string>;
            leadId?: string;
            message?: string;
          };
          // JSON naming __proto__ is refused whole (prototype pollution), with a message rather than a field.
          const forbidden = encoding !== 'form' && /"(__proto__|constructor)":/.test(JSON.stringify(body));
          if (status === 400 && forbidden) expect(answer.message).toBeTruthy();
          else if (status === 400) {
            expect(Object.keys(answer.errors ?? {}).length).toBeGreaterThan(0);
            for (const message of Object.values(answer.errors ?? {})) expect(typeof message).toBe('string');
          }
          if (status === 202 && !body.website) {
            expect(store.leads.has(String(answer.leadId))).toBe(true);
          }
          // The address it was given never reaches the logs.
          if (typeof body.email === 'string' && body.email.includes('@') && body.email.trim().length > 3) {
            expect(logger.lines.join('\n')).not.toContain(body.email.trim());
          }
          expectOnlyValidLeads(store);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a browser form post gets a page, and the page never carries the markup it was sent', async () => {
    const store = new MemoryLeadStore();
    await fc.assert(
      fc.asyncProperty(submission, async (body) => {
        const { status, response } = await post(store, body, 'form-html');
        expect(ANSWERS).toContain(status);
        if (status === 400) expect(String(response.body)).not.toMatch(/<script|<img|onerror=/i);
        expectOnlyValidLeads(store);
      }),
      { numRuns: 150 },
    );
  });

  it('garbage that is not JSON, JSON that is not an object, and other media types: 400 or 415 with a message', async () => {
    const store = new MemoryLeadStore();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          fc.constantFrom('{', '{"__proto__":{"a":1}}', '[1,2]'),
        ),
        fc.constantFrom<Encoding>('garbage-json', 'text'),
        async (raw, encoding) => {
          const { status, response } = await post(store, raw, encoding);
          expect(ANSWERS).toContain(status);
          expect(status).not.toBe(202);
          expect(JSON.parse(String(response.body))).toHaveProperty('message');
          expect(store.leads.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
