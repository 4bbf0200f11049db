import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FollowupConfigSchema, parseConfig } from '../../../../functions/core/config.ts';
import * as z from '../../../../functions/core/zod.ts';

/* The `sending` block of followup.config.json: optional, defaulted below SES's review thresholds, explained in the schema. */

const BASE = {
  business: {
    name: 'Acme',
    postalAddress: '100 Main Street, Springfield, IL 62701',
    website: 'https://acme.com',
  },
  sender: { email: 'sales@acme.com', name: 'Acme Sales', identity: 'acme.com' },
  replyDomain: 'reply.acme.com',
  owner: { name: 'Alex Rivera', email: 'alex@acme.com' },
  allowedOrigins: ['https://acme.com'],
  defaultTimeZone: 'America/Chicago',
  defaultCadence: 'web-inquiry',
  formCadences: ['web-inquiry'],
  frequencyCap: '3 per 7 days',
};
const CADENCES = new Set(['web-inquiry']);
const parse = (sending?: unknown) =>
  parseConfig(sending === undefined ? BASE : { ...BASE, sending }, 'followup.config.json', CADENCES);

describe('the sending block', () => {
  it('is absent unless written, so sending works as before', () => {
    expect(parse().sending).toBeUndefined();
  });

  it('fills in the rate and the pause', () => {
    expect(parse({ dailyCap: 2000, ramp: [50, 100], rampStart: '2026-12-01' }).sending).toEqual({
      dailyCap: 2000,
      ramp: [50, 100],
      rampStart: '2026-12-01',
      // Safe on a fresh account: the account's own rate, the sandbox's limits when it cannot be asked (§8.12).
      ratePerSecond: 'account',
      fallback: { ratePerSecond: 1, dailyCap: 200 },
      local: { ratePerSecond: 14 },
      sms: { ratePerSecond: 1 },
      pause: { bounceRate: 0.04, complaintRate: 0.0008, overLast: 1000 },
    });
  });

  it('takes false as the governor turned off, and a number or "account" as the rate, nothing else', () => {
    expect(parse(false).sending).toBe(false);
    expect(parse({ ratePerSecond: 14 }).sending).toMatchObject({ ratePerSecond: 14 });
    expect(() => parse({ ratePerSecond: 'max' })).toThrow(
      /sending\.ratePerSecond: "max" is not a rate; use "account" or a number of emails a second/,
    );
    expect(() => parse(true)).toThrow(/sending/);
    expect(() => parse({ sms: { ratePerSecond: 0 } })).toThrow(/sending\.sms\.ratePerSecond/);
  });

  it('ships governed: followup.config.json asks the account for its rate and texts at 1 a second', () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../../../../followup.config.json', import.meta.url), 'utf8'),
    );
    expect(parse(shipped.sending).sending).toMatchObject({
      ratePerSecond: 'account',
      fallback: { ratePerSecond: 1, dailyCap: 200 },
      sms: { ratePerSecond: 1 },
    });
  });

  it('names each bad field and how to fix it', () => {
    expect(() =>
      parse({ ramp: [50, 0], rampStart: '1 Dec', timeZone: 'Mars/Base', pause: { bounceRate: 4 } }),
    ).toThrow(
      /sending\.ramp\[1\][\s\S]*sending\.rampStart: "1 Dec" is not a date; use e\.g\. "2026-12-01"[\s\S]*sending\.timeZone: "Mars\/Base" is not an IANA time zone[\s\S]*sending\.pause\.bounceRate: must be a bounce rate between 0 and 1/,
    );
    expect(() => parse({ dailyCap: 10, typo: 1 })).toThrow(/sending/);
  });

  it('is described in the JSON Schema editors show', () => {
    type Described = { description?: string; properties?: Record<string, Described>; anyOf?: Described[] };
    const schema = z.toJSONSchema(FollowupConfigSchema, { io: 'input' }) as unknown as {
      properties: { sending: Described };
    };
    // `false` or the block: the block is the branch with properties.
    const block = schema.properties.sending.anyOf?.find((branch) => branch.properties);
    expect(schema.properties.sending.description).toMatch(/false: ungoverned/);
    expect(block?.description).toMatch(/sending governor/);
    for (const field of [
      'dailyCap',
      'ramp',
      'rampStart',
      'timeZone',
      'ratePerSecond',
      'fallback',
      'local',
      'sms',
      'pause',
    ]) {
      expect(block?.properties?.[field]?.description, field).toBeTruthy();
    }
    expect(block?.properties?.sms?.properties?.ratePerSecond?.description).toMatch(/MPS/);
  });
});
