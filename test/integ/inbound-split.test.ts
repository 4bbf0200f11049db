import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../functions/domain/tokens.ts';
import { mimeMessage, sesReceiptEvent } from '../../local/signal-events.ts';
import { runtimeSettings } from '../fault/faults.ts';
import {
  enroll,
  leadOf,
  mailboxOf,
  showLogsOnFailure,
  startTestRuntime,
  type TestRuntime,
} from './harness.ts';

/*
 * The reply path as two functions on the local runtime, the deployed IAM enforced (docs/architecture.md §4.1): the
 * mail parser (InboundEmail) opens the stored MIME and invokes the reply reader (ReadReply), which applies it. The
 * parser's role reaches the bucket and the reader, nothing else.
 */

let rt: TestRuntime | undefined;
beforeEach(async ({ task, onTestFailed }) => {
  showLogsOnFailure(onTestFailed);
  // Started in the hook, whose time limit covers synthesizing the stack for its IAM on a busy machine.
  rt = await startTestRuntime({ expectDenials: task.name.includes('cannot touch the table') });
});
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function started() {
  if (!rt) throw new Error('no runtime: started in beforeEach');
  const { leadId } = await enroll(rt.url, { email: 'dana.cho@example.com', name: 'Dana Cho' });
  await rt.settle();
  const { runtime } = rt;
  const to = `reply+${signToken(leadId, runtime.signingKey)}@${runtime.config.replyDomain}`;
  return { rt, runtime, leadId, to };
}

describe('a reply by email: parsed by one function, read by another', () => {
  it('the parser hands the reply to the reader, which applies it and forwards it to the rep', async () => {
    // Prepare: Dana's answer, stored as the receipt rule's S3 action stores it
    const { rt, runtime, leadId, to } = await started();
    const at = runtime.clock.now();
    runtime.rawMail.put(
      'split-1',
      mimeMessage({
        from: 'dana.cho@example.com',
        to,
        subject: 'Re: your note',
        text: 'Yes, please call me on Thursday.',
        date: at,
        messageId: 'split-1',
      }),
    );

    // Act
    const results = await runtime.signals.inboundEmail(sesReceiptEvent('split-1', [to], at));
    await rt.settle();

    // Assess: matched by its token and applied, the rep told; IAM found nothing either role could not do
    expect(results).toMatchObject([{ kind: 'reply', leadId, matchedBy: 'token', outcome: 'applied' }]);
    expect((await leadOf(rt.url, leadId)).lead.status).not.toBe('active');
    const forwards = (await mailboxOf(rt.url)).filter((m) => m.subject.startsWith('Reply from Dana Cho'));
    expect(forwards).toHaveLength(1);
    expect(runtime.iam?.denials).toEqual([]);
  });

  it('a mail the parser cannot open never reaches the reader: the event fails, nothing is recorded', async () => {
    // Prepare: SES's event for a message its S3 action did not store
    const { rt, runtime, leadId, to } = await started();
    const before = (await leadOf(rt.url, leadId)).events.length;

    // Act
    const failure = await runtime.signals
      .inboundEmail(sesReceiptEvent('never-stored', [to], runtime.clock.now()))
      .then(
        () => undefined,
        (error: Error) => error,
      );

    // Assess: the parser's error, for Lambda's retry and failure queue; the lead untouched, no forward
    expect(failure?.name).toBe('MailNotFound');
    const after = await leadOf(rt.url, leadId);
    expect(after.lead.status).toBe('active');
    expect(after.events).toHaveLength(before);
    expect((await mailboxOf(rt.url)).filter((m) => m.subject.startsWith('Reply from'))).toEqual([]);
  });

  it("the parser's role cannot touch the table; the reader's can", async () => {
    // Prepare
    const { rt, runtime, leadId } = await started();
    const iam = runtime.iam;
    if (!iam) throw new Error('the test runtime enforces IAM');
    const read = () =>
      runtime.clients.documents.send(
        new GetCommand({ TableName: runtimeSettings(rt).tableName, Key: { pk: leadId, sk: leadId } }),
      );

    // Act
    const asParser = await iam
      .as('InboundEmail', read)()
      .then(
        () => undefined,
        (error: Error) => error,
      );
    const asReader = await iam.as('ReadReply', read)();

    // Assess: denied as AWS denies it, naming the parser's role and the action
    expect(asParser?.name).toBe('AccessDeniedException');
    expect(iam.denials).toEqual([
      expect.objectContaining({ function: 'InboundEmail', action: 'dynamodb:GetItem' }),
    ]);
    expect(asReader.$metadata.httpStatusCode).toBe(200);
  });
});
