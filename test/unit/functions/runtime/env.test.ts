import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../../functions/runtime/clients.ts';
import { intakeEnv, touchEnv } from '../../../../functions/runtime/env.ts';
import { touchDependencies } from '../../../../functions/runtime/touch-dependencies.ts';

const TOUCH_ENV = {
  TABLE_NAME: 'followup',
  DEFAULT_TIME_ZONE: 'America/Chicago',
  SENDER_EMAIL: 'Sam <sam@northwind.example>',
  REPLY_DOMAIN: 'reply.northwind.example',
  UNSUBSCRIBE_BASE_URL: 'https://api.northwind.example/u/',
  UNSUBSCRIBE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:key',
  BUSINESS_NAME: 'Northwind Supply',
  POSTAL_ADDRESS: '400 N Wells St, Chicago, IL 60654',
  OWNER_NAME: 'Sam Rivera',
  OWNER_EMAIL: 'sam@northwind.example',
};

describe('function environment', () => {
  it('names every missing or malformed variable and says what it holds', () => {
    // Prepare
    const env = {
      ...TOUCH_ENV,
      TABLE_NAME: '',
      UNSUBSCRIBE_BASE_URL: 'http://x/unsubscribe',
      FREQUENCY_CAP: 'lots',
    };

    // Act
    const error = (() => {
      try {
        touchEnv(env);
      } catch (e) {
        return e as Error;
      }
    })();

    // Assess
    expect(error?.name).toBe('EnvInvalid');
    expect(error?.message).toContain('TABLE_NAME is not set; it holds the DynamoDB table name');
    expect(error?.message).toContain('UNSUBSCRIBE_BASE_URL must be an https URL ending in "/u/"');
    expect(error?.message).toContain('FREQUENCY_CAP "lots" is not a cap');
  });

  it('applies the defaults: the repo folders, the web-inquiry cadence, 3 per 7 days', () => {
    // Act
    const touch = touchEnv(TOUCH_ENV);
    const intake = intakeEnv({
      TABLE_NAME: 'followup',
      DEFAULT_TIME_ZONE: 'America/Chicago',
      STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:1:stateMachine:Followup-{cadence}:live',
      ALLOWED_CADENCES: 'web-inquiry, proposal',
    });

    // Assess
    expect(touch.frequencyCap).toEqual({ count: 3, days: 7 });
    expect(touch.templatesDir).toMatch(/templates$/);
    expect(intake.cadencesDir).toMatch(/cadences$/);
    expect(intake.defaultCadence).toBe('web-inquiry');
    expect(intake.allowedCadences).toEqual(['web-inquiry', 'proposal']);
    expect(intake.allowedOrigins).toEqual([]);
    expect(touch).toMatchObject({ serviceName: 'followup', metrics: true });
  });

  it('refuses a state machine ARN template without the {cadence} placeholder', () => {
    expect(() =>
      intakeEnv({
        TABLE_NAME: 't',
        DEFAULT_TIME_ZONE: 'UTC',
        STATE_MACHINE_ARN_TEMPLATE: 'arn:aws:states:us-east-1:1:stateMachine:Followup-web-inquiry',
      }),
    ).toThrow(/STATE_MACHINE_ARN_TEMPLATE must contain "\{cadence\}"/);
  });

  it("gives the Touch the `sending` block's governor from SENDING_POLICY, and none without it", () => {
    // Prepare: the block as the stack writes it (#15)
    const policy = { dailyCap: 2, ramp: [50, 100], rampStart: '2026-12-01', ratePerSecond: 14 };
    const clients = createAwsClients({ region: 'us-east-1' });

    // Act
    const governed = touchEnv({ ...TOUCH_ENV, SENDING_POLICY: JSON.stringify(policy) });
    const plain = touchEnv(TOUCH_ENV);
    const refused = (() => {
      try {
        touchEnv({ ...TOUCH_ENV, SENDING_POLICY: '{"dailyCap": -1}' });
      } catch (e) {
        return e as Error;
      }
    })();

    // Assess
    expect(governed.sending).toMatchObject(policy);
    expect(touchDependencies(governed, clients).governor).toBeDefined();
    expect(touchDependencies(plain, clients).governor).toBeUndefined();
    expect(refused?.message).toContain('SENDING_POLICY');
  });
});
