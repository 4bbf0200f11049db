import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigInvalid, type FollowupConfig, parseConfig } from '../../../../functions/core/config.ts';
import { environmentFor, smsInboundEnv } from '../../../../functions/runtime/env.ts';
import { settingsFromConfig } from '../../../../functions/runtime/settings.ts';
import { TEST_OUTPUTS } from '../../../support/handler-fixtures.ts';

/* `sms.optOuts` from followup.config.json to the sms-inbound function's setting, through its environment. */

const shipped = JSON.parse(
  readFileSync(new URL('../../../../followup.config.json', import.meta.url), 'utf8'),
);
const CADENCES = new Set(['web-inquiry', 'proposal', 'abandoned-cart']);
const withSms = (sms: unknown) => ({ ...shipped, sms });
/** What the deployed function reads: the stack's writer (which names the reader it invokes), then the function's reader. */
const deployed = (config: FollowupConfig) =>
  smsInboundEnv(
    environmentFor('SmsInbound', {
      ...settingsFromConfig(config, TEST_OUTPUTS),
      readReplyFunction: 'Followup-ReadReply',
    }),
  );

const ENV = {
  TABLE_NAME: 'followup',
  STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  SENDER_EMAIL: 'Sam <sam@northwind.example>',
  BUSINESS_NAME: 'Northwind Supply',
  OWNER_EMAIL: 'sam@northwind.example',
  READ_REPLY_FUNCTION: 'Followup-ReadReply',
};

describe('sms.optOuts', () => {
  it('defaults to "aws", what a number does until SelfManagedOptOutsEnabled is set, and reaches the function', () => {
    // Act
    const config = parseConfig(
      withSms({ originationNumber: '+12175550100' }),
      'followup.config.json',
      CADENCES,
    );
    const settings = deployed(config);

    // Assess
    expect(config.sms.optOuts).toBe('aws');
    expect(settings.smsOptOuts).toBe('aws');
  });

  it('"self" reaches the function as "self"', () => {
    // Act
    const config = parseConfig(withSms({ optOuts: 'self' }), 'followup.config.json', CADENCES);

    // Assess
    expect(deployed(config).smsOptOuts).toBe('self');
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

  it("without READ_REPLY_FUNCTION the function stops at cold start: a person's text would have no reader", () => {
    // Act
    const { READ_REPLY_FUNCTION: _, ...env } = ENV;

    // Assess
    expect(smsInboundEnv(ENV).readReplyFunction).toBe('Followup-ReadReply');
    expect(() => smsInboundEnv(env)).toThrow(/READ_REPLY_FUNCTION is not set: .*\(ReadReply\)/);
  });
});
