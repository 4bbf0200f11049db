import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeadStore } from '../../functions/adapters/dynamo/lead-store.ts';
import { SesMailer } from '../../functions/adapters/ses-mailer.ts';
import type { TouchOutcome } from '../../functions/domain/ports.ts';
import {
  enroll,
  leadOf,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
} from '../integ/harness.ts';
import {
  faulty,
  faultyStore,
  firstEmailAnswerLost,
  installTouch,
  runtimeClients,
  runtimeSettings,
} from './faults.ts';

/*
 * At most one send per touch (docs/architecture.md §8.3) when AWS throttles and when the function dies halfway, on
 * the local runtime: the compiled definition's Retry (TransientError, Lambda.Unknown) runs the real touch function
 * again.
 */

const JORDAN = {
  email: 'jordan.alvarez@example.com',
  name: 'Jordan Alvarez',
  company: 'Alvarez Landscaping',
};

let engine: TestRuntime;
beforeEach(async ({ onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  engine = await startTestRuntime();
});
afterEach(async () => {
  await engine.stop();
});

/** The web-inquiry's instant reply to the lead: the emails to them, and what the lead page says of the touch. */
async function instantReply(leadId: string) {
  const emails = (await mailboxOf(engine.url)).filter((e) => e.destination.to.includes(JORDAN.email));
  const view = await leadOf(engine.url, leadId);
  const { Item: lead } = await engine.runtime.ddb.send(
    new GetCommand({ TableName: engine.runtime.tableName, Key: { pk: `LEAD#${leadId}`, sk: 'LEAD' } }),
  );
  return {
    emails,
    touch: view.touches.find((t) => t.step === 'instant-reply'),
    lead: lead as { recentSends?: string[]; touchCount?: number },
  };
}

const executionOf = (leadId: string) => engine.runtime.sfn.list().find((e) => e.name.includes(leadId));

describe('SES throttles the send', () => {
  it('on the first 3 tries: each fails with TransientError, the state machine retries, exactly one email goes out', async () => {
    // Prepare: SES answers TooManyRequests to the first three SendEmail calls
    const { ses } = await runtimeClients(engine);
    let calls = 0;
    const throttled = faulty(ses, (command) => {
      if (!(command instanceof SendEmailCommand)) return;
      calls++;
      if (calls <= 3) {
        throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} });
      }
    });
    const outcomes = await installTouch(engine, (deps) => ({
      ...deps,
      mailer: new SesMailer({ client: throttled, from: runtimeSettings(engine).senderEmail }),
    }));

    // Act
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();

    // Assess
    expect(outcomes).toEqual(['TransientError', 'TransientError', 'TransientError', 'sent']);
    expect(calls).toBe(4);
    const { emails, touch, lead } = await instantReply(leadId);
    expect(emails).toHaveLength(1);
    expect(touch?.status).toBe('sent');
    // The instant reply is transactional: no try took a frequency-cap slot (docs/architecture.md §2.3 rule 0; a
    // marketing touch's throttled try giving its slot back is tested in test/unit/functions/handlers/touch.test.ts).
    expect(lead.recentSends).toHaveLength(0);
    expect(lead.touchCount).toBe(1);
    expect(executionOf(leadId)?.status).toBe('RUNNING');
  });

  it('on every try: the execution fails loudly after its retries, nothing is sent, and the touch is left unclaimed for a redrive', async () => {
    // Prepare
    const { ses } = await runtimeClients(engine);
    const throttled = faulty(ses, (command) => {
      if (command instanceof SendEmailCommand) {
        throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} });
      }
    });
    const outcomes = await installTouch(engine, (deps) => ({
      ...deps,
      mailer: new SesMailer({ client: throttled, from: runtimeSettings(engine).senderEmail }),
    }));

    // Act
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();

    // Assess: 1 try and 6 retries (RETRY_TRANSIENT.MaxAttempts), then FAILED for the alarm
    expect(outcomes).toEqual(Array(7).fill('TransientError'));
    expect(executionOf(leadId)).toMatchObject({ status: 'FAILED', error: 'TransientError' });
    const { emails, touch, lead } = await instantReply(leadId);
    expect(emails).toHaveLength(0);
    expect(touch).toBeUndefined();
    expect(lead.recentSends ?? []).toHaveLength(0);
  });
});

describe('the touch function dies after sending, before recording', () => {
  it.each([
    ['finishTouch', 'the touch is never marked sent'],
    ['recordContact', 'the touch is marked sent, the lead not updated'],
  ] as const)('in %s (%s): the retry finds the claim and sends nothing', async (method, _what) => {
    // Prepare: the write after the send fails once, and the invocation then dies (Lambda.Unknown, retried)
    let died = false;
    const outcomes = await installTouch(
      engine,
      (deps) => ({
        ...deps,
        store: faultyStore(deps.store, {
          [method]: (...args: unknown[]) => {
            const sentTouch = method === 'recordContact' || (args[1] as TouchOutcome).status === 'sent';
            if (sentTouch && !died) {
              died = true;
              throw new Error('Runtime exited with error: signal: killed');
            }
          },
        }),
      }),
      () => {
        if (died && outcomes.length === 0) {
          throw Object.assign(new Error('Process exited before completing request'), {
            name: 'Lambda.Unknown',
          });
        }
      },
    );

    // Act
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();

    // Assess
    expect(outcomes).toEqual(['Lambda.Unknown', 'duplicate']);
    const { emails, touch } = await instantReply(leadId);
    expect(emails).toHaveLength(1);
    expect(touch?.status).toBe(method === 'finishTouch' ? 'claimed' : 'sent');
    expect(executionOf(leadId)?.status).toBe('RUNNING');
  });
});

describe('SES takes the email but its answer is lost (a timeout after the request went out)', () => {
  it('the send is unconfirmed: recorded so, nothing is sent again, and the cadence goes on', async () => {
    // Prepare: the first SendEmail reaches SES (the email is in the mailbox), then the client times out
    const { ses } = await runtimeClients(engine);
    const answerLost = firstEmailAnswerLost(ses);
    const outcomes = await installTouch(engine, (deps) => ({
      ...deps,
      mailer: new SesMailer({ client: answerLost, from: runtimeSettings(engine).senderEmail }),
    }));

    // Act
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();

    // Assess: no retry, one email, the touch recorded unconfirmed for a person to check
    expect(outcomes[0]).toBe('unconfirmed');
    const { emails, touch } = await instantReply(leadId);
    expect(emails).toHaveLength(1);
    expect(touch?.status).toBe('unconfirmed');
    expect(executionOf(leadId)?.status).toBe('RUNNING');
  });
});

describe('DynamoDB throttles the claim', () => {
  it('the touch fails with TransientError before anything is sent; the retry claims and sends once', async () => {
    // Prepare: the first conditional put of a touch record is refused for throughput
    const { documents, ses } = await runtimeClients(engine);
    let refused = 0;
    const table = faulty(documents, (command) => {
      const sk = command instanceof PutCommand ? String(command.input.Item?.sk ?? '') : '';
      if (sk.startsWith('TOUCH#') && refused === 0) {
        refused++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded.',
          $metadata: {},
        });
      }
    });
    let sends = 0;
    const countingSes = faulty(ses, (command) => {
      if (command instanceof SendEmailCommand) sends++;
    });
    const outcomes = await installTouch(engine, (deps) => ({
      ...deps,
      store: new DynamoLeadStore({ client: table, tableName: engine.runtime.tableName }),
      mailer: new SesMailer({ client: countingSes, from: runtimeSettings(engine).senderEmail }),
    }));

    // Act
    const { leadId } = await enroll(engine.url, JORDAN);
    await engine.settle();

    // Assess
    expect(refused).toBe(1);
    expect(outcomes).toEqual(['TransientError', 'sent']);
    expect(sends).toBe(1);
    const { emails, touch } = await instantReply(leadId);
    expect(emails).toHaveLength(1);
    expect(touch?.status).toBe('sent');
  });
});
