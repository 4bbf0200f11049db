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
      ratePerSecond: 14,
      pause: { bounceRate: 0.04, complaintRate: 0.0008, overLast: 1000 },
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
    const schema = z.toJSONSchema(FollowupConfigSchema, { io: 'input' }) as unknown as {
      properties: { sending: { description: string; properties: Record<string, { description?: string }> } };
    };
    expect(schema.properties.sending.description).toMatch(/sending governor/);
    for (const field of ['dailyCap', 'ramp', 'rampStart', 'timeZone', 'ratePerSecond', 'pause']) {
      expect(schema.properties.sending.properties[field]?.description, field).toBeTruthy();
    }
  });
});
