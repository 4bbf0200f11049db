import { describe, expect, it } from 'vitest';
import {
  inboundEmailEnv,
  readReplyEnv,
  shopWebhookEnv,
  touchEnv,
} from '../../../../functions/runtime/env.ts';

const BASE = {
  TABLE_NAME: 'followup',
  STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:123456789012:stateMachine:Followup-{cadence}:live',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  SENDER_EMAIL: 'Sam <sam@northwind.example>',
  UNSUBSCRIBE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:key',
  OWNER_EMAIL: 'sam@northwind.example',
};

const failure = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error as Error;
  }
  return undefined;
};

describe('signal function environments', () => {
  it('the mail parser needs the bucket of received mail and the reader it hands replies to', () => {
    // Act
    const noBucket = failure(() => inboundEmailEnv({ READ_REPLY_FUNCTION: 'Followup-ReadReply' }));
    const noReader = failure(() => inboundEmailEnv({ INBOUND_BUCKET: 'mail' }));
    const env = inboundEmailEnv({
      INBOUND_BUCKET: 'mail',
      INBOUND_PREFIX: 'in/',
      READ_REPLY_FUNCTION: 'Followup-ReadReply',
    });

    // Assess
    expect(noBucket?.message).toContain('INBOUND_BUCKET is not set');
    expect(noReader?.message).toContain('READ_REPLY_FUNCTION is not set');
    expect(env).toMatchObject({
      inboundBucket: 'mail',
      inboundPrefix: 'in/',
      readReplyFunction: 'Followup-ReadReply',
    });
  });

  it('the reply reader takes a fallback address', () => {
    // Act
    const bad = failure(() => readReplyEnv({ ...BASE, FALLBACK_EMAIL: 'not-an-address' }));
    const env = readReplyEnv(BASE);

    // Assess
    expect(bad?.message).toContain('FALLBACK_EMAIL is not an email address');
    expect(env.fallbackEmail).toBeUndefined();
  });

  it('the shop webhook needs its secret', () => {
    // Act
    const error = failure(() => shopWebhookEnv(BASE));

    // Assess
    expect(error?.message).toContain('SHOP_WEBHOOK_SECRET_ARN is not set');
  });

  it('the touch takes an optional https API base URL for outcome links', () => {
    // Prepare
    const touch = {
      ...BASE,
      REPLY_DOMAIN: 'reply.northwind.example',
      UNSUBSCRIBE_BASE_URL: 'https://api.northwind.example/u/',
      BUSINESS_NAME: 'Northwind Supply',
      POSTAL_ADDRESS: '400 N Wells St, Chicago, IL 60654',
      OWNER_NAME: 'Sam Rivera',
    };

    // Act
    const plain = failure(() => touchEnv({ ...touch, API_BASE_URL: 'http://api.northwind.example' }));
    const env = touchEnv({ ...touch, API_BASE_URL: 'https://api.northwind.example' });

    // Assess
    expect(plain?.message).toContain('API_BASE_URL must be an https URL');
    expect(env.apiBaseUrl).toBe('https://api.northwind.example');
  });
});
