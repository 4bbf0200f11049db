import { describe, expect, it } from 'vitest';
import { inboundEmailEnv, shopWebhookEnv, touchEnv } from '../../../../functions/runtime/env.ts';

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
  it('inbound email needs the bucket of received mail and takes a fallback address', () => {
    // Act
    const missing = failure(() => inboundEmailEnv({ ...BASE, FALLBACK_EMAIL: 'not-an-address' }));
    const env = inboundEmailEnv({ ...BASE, INBOUND_BUCKET: 'mail', INBOUND_PREFIX: 'in/' });

    // Assess
    expect(missing?.message).toContain('INBOUND_BUCKET is not set');
    expect(missing?.message).toContain('FALLBACK_EMAIL is not an email address');
    expect(env).toMatchObject({ inboundBucket: 'mail', inboundPrefix: 'in/' });
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
