import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smsInboundEnv } from '../../../functions/runtime/env.ts';
import { businessEnvironment, ConfigInvalid, parseConfig } from '../../../lib/config.ts';

/* `sms.optOuts` from followup.config.json to the sms-inbound function's setting. */

const shipped = JSON.parse(readFileSync(new URL('../../../followup.config.json', import.meta.url), 'utf8'));
const CADENCES = new Set(['web-inquiry', 'proposal', 'abandoned-cart']);
const withSms = (sms: unknown) => ({ ...shipped, sms });

const ENV = {
  TABLE_NAME: 'followup',
  STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  SENDER_EMAIL: 'Sam <sam@northwind.example>',
  BUSINESS_NAME: 'Northwind Supply',
  OWNER_EMAIL: 'sam@northwind.example',
};

describe('sms.optOuts', () => {
  it('defaults to "aws", what a number does until SelfManagedOptOutsEnabled is set, and reaches the function', () => {
    // Act
    const config = parseConfig(
      withSms({ originationNumber: '+12175550100' }),
      'followup.config.json',
      CADENCES,
    );
    const env = smsInboundEnv({ ...ENV, ...businessEnvironment(config) });

    // Assess
    expect(config.sms.optOuts).toBe('aws');
    expect(env.SMS_OPT_OUTS).toBe('aws');
  });

  it('"self" reaches the function as "self"', () => {
    // Act
    const config = parseConfig(withSms({ optOuts: 'self' }), 'followup.config.json', CADENCES);

    // Assess
    expect(smsInboundEnv({ ...ENV, ...businessEnvironment(config) }).SMS_OPT_OUTS).toBe('self');
  });

  it('anything else stops synth, naming the field, both choices and the number setting each needs', () => {
    // Act
    const parse = () => parseConfig(withSms({ optOuts: 'carrier' }), 'followup.config.json', CADENCES);

    // Assess
    expect(parse).toThrow(ConfigInvalid);
    expect(parse).toThrow(
      /sms\.optOuts.*"carrier" is not an opt-out mode; use "aws" \(the number's SelfManagedOptOutsEnabled is false/,
    );
    expect(parse).toThrow(/"self" \(SelfManagedOptOutsEnabled is true: Followup answers them\)/);
  });

  it('a bad SMS_OPT_OUTS stops the function at cold start with what the variable holds', () => {
    // Act
    const read = () => smsInboundEnv({ ...ENV, SMS_OPT_OUTS: 'yes' });

    // Assess
    expect(read).toThrow(/SMS_OPT_OUTS must be "aws" \(AWS End User Messaging answers STOP and HELP/);
  });
});
