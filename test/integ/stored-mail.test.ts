import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { makeInboundEmailHandler } from '../../functions/handlers/inbound-email.ts';
import { makeReadReplyHandler } from '../../functions/handlers/read-reply.ts';
import { inboundEmailDependencies } from '../../functions/runtime/inbound-dependencies.ts';
import { readReplyDependencies } from '../../functions/runtime/signal-dependencies.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';
import { runtimeSettings } from '../fault/faults.ts';
import { enroll, leadOf, mailboxOf, useEngine } from './harness.ts';
import { type S3ActionModel, type StoredObject, storedBySes } from './ses-s3-action.ts';

/*
 * A reply as it arrives on AWS: SES stores it the way the synthesized receipt rule's S3 action says (encrypted
 * client-side when the action names a KMS key), then invokes the inbound-email function, which reads it from S3.
 * The bucket is an aws-sdk-client-mock S3; everything after it is the local engine.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const ACCOUNT = '123456789012';
const SAM = { email: 'sam.lee@example.com', name: 'Sam Lee', company: 'Northwind Traders' };

type Json = Record<string, unknown>;

interface ReceiptRuleFacts {
  readonly ruleName: string;
  readonly s3: { BucketName: unknown; ObjectKeyPrefix?: string; KmsKeyArn?: unknown };
  /** The environment of the function the rule's Lambda action invokes. */
  readonly functionEnvironment: Record<string, unknown>;
}

/** The receipt rule that stores replies, as `cdk synth` writes it (bundling skipped). */
function receiptRule(): ReceiptRuleFacts {
  const cadences = loadCadencesSync(`${ROOT}cadences`);
  const config = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config,
    cadences,
    env: { account: ACCOUNT, region: 'us-east-1' },
  });
  const template = Template.fromStack(stack);
  const rules = Object.values(template.findResources('AWS::SES::ReceiptRule')).map(
    (r) => (r.Properties as Json).Rule as Json & { Actions: Json[] },
  );
  const rule = rules.find((r) => r.Actions.some((a) => a.S3Action));
  if (!rule) throw new Error('the stack has no receipt rule with an S3 action');
  const s3 = rule.Actions.find((a) => a.S3Action)?.S3Action as ReceiptRuleFacts['s3'];
  const lambda = rule.Actions.find((a) => a.LambdaAction)?.LambdaAction as Json | undefined;
  const [functionId] =
    (lambda?.FunctionArn as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'] ?? [];
  const fn = functionId ? template.toJSON().Resources[functionId] : undefined;
  if (!fn) throw new Error('the receipt rule with the S3 action invokes no function of the stack');
  return {
    ruleName: typeof rule.Name === 'string' ? rule.Name : 'replies',
    s3,
    functionEnvironment: (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>,
  };
}

/** A reply as a mail client writes it: multipart text and HTML, quoted-printable UTF-8, the thread's headers. */
function replyMime(to: string, subject: string, messageId: string): string {
  return [
    'MIME-Version: 1.0',
    'Date: Tue, 7 Apr 2026 10:42:17 -0500',
    `Message-ID: <${messageId}@mail.gmail.example>`,
    'In-Reply-To: <0100018e-touch-1@email.amazonses.com>',
    'References: <0100018e-touch-1@email.amazonses.com>',
    `Subject: Re: ${subject}`,
    `From: ${SAM.name} <${SAM.email}>`,
    `To: ${to}`,
    'Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"',
    '',
    '--000000000000a1b2c3d4e5f6',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Thanks =E2=80=94 Tuesday at 10 works. Could you send the price list before t=',
    'hen?',
    '',
    'Sam',
    '',
    'On Tue, Apr 7, 2026 at 10:00 AM Example Co Sales <sales@example.com> wrote:',
    '> Hi Sam, thanks for your inquiry.',
    '',
    '--000000000000a1b2c3d4e5f6',
    'Content-Type: text/html; charset="UTF-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<div dir=3D"ltr">Thanks =E2=80=94 Tuesday at 10 works. Could you send the price=',
    ' list before then?<br><br>Sam</div>',
    '',
    '--000000000000a1b2c3d4e5f6--',
    '',
  ].join('\r\n');
}

/** The event SES's Lambda action sends once the S3 action has stored the message. */
function sesLambdaEvent(messageId: string, to: string, at: Date) {
  const timestamp = at.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: SAM.email,
            messageId,
            destination: [to],
            headersTruncated: false,
            commonHeaders: { from: [`${SAM.name} <${SAM.email}>`], to: [to], subject: 'Re: …' },
          },
          receipt: {
            timestamp,
            processingTimeMillis: 512,
            recipients: [to],
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'PASS' },
            dmarcVerdict: { status: 'PASS' },
            dmarcPolicy: 'none',
            action: {
              type: 'Lambda',
              functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:Followup-InboundEmail`,
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const engine = useEngine();
let rule: ReceiptRuleFacts;

// Synthesizing the whole stack takes seconds, more on a busy machine.
const SYNTH_TIMEOUT_MS = 60_000;

beforeAll(() => {
  rule = receiptRule();
}, SYNTH_TIMEOUT_MS);

describe('a reply stored the way the receipt rule stores it', () => {
  it('reads where the S3 action writes: the same bucket and prefix', () => {
    expect(rule.functionEnvironment.INBOUND_BUCKET).toEqual(rule.s3.BucketName);
    expect(rule.functionEnvironment.INBOUND_PREFIX).toBe(rule.s3.ObjectKeyPrefix ?? '');
  });

  it('matches its lead by the reply token, stops the cadence and reaches the rep', async () => {
    // Prepare: a lead whose first email went out, and its answer stored by SES as the deployed rule would
    const rt = engine();
    const { leadId, enrollment } = await enroll(rt.url, SAM);
    await rt.settle();
    const [first, ...others] = (await mailboxOf(rt.url)).filter((m) => m.destination.to.includes(SAM.email));
    expect(others).toEqual([]);
    const replyTo = first?.replyTo.find((a) => a.startsWith('reply+')) ?? '';
    expect(replyTo).toMatch(/^reply\+[^@]+@/);

    const messageId = 'o3vd2hb6kq0g4nq3iu7l1ekm3hbq9p8f0dql9e81';
    const action: S3ActionModel = {
      ...(rule.s3.KmsKeyArn ? { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/replies` } : {}),
      ruleName: rule.ruleName,
      account: ACCOUNT,
    };
    const bucket = new Map<string, StoredObject>([
      [
        `${rule.s3.ObjectKeyPrefix ?? ''}${messageId}`,
        storedBySes(action, messageId, replyMime(replyTo, first?.subject ?? '', messageId)),
      ],
    ]);
    const iam = rt.runtime.iam;
    const settings = runtimeSettings(rt);
    s3.reset();
    s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      // The mock replaces the client's send, so the role's s3:GetObject is checked here instead.
      await iam?.authorize({ client: 'S3Client', command: 'GetObjectCommand', input });
      const stored = input.Bucket === settings.inboundBucket ? bucket.get(input.Key) : undefined;
      if (stored) return stored;
      throw new S3ServiceException({
        name: 'NoSuchKey',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      });
    });
    // The reader as Lambda runs it: the parser's lambda:InvokeFunction checked, then ReadReply on the JSON payload.
    const readerName = iam?.stack.functionArns.get('ReadReply') ?? 'Followup-ReadReply';
    const read = makeReadReplyHandler({
      ...readReplyDependencies(settings, rt.runtime.clients),
      clock: () => rt.clock.now(),
    });
    const reader = iam ? iam.as('ReadReply', read) : read;
    lambda.reset();
    lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
      await iam?.authorize({ client: 'LambdaClient', command: 'InvokeCommand', input: { ...input } });
      const result = await reader(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)));
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(result)) };
    });
    // The parser as Lambda builds it, from the runtime's settings and clients (S3 and Lambda mocked above).
    const handler = makeInboundEmailHandler({
      ...inboundEmailDependencies({ ...settings, readReplyFunction: readerName }, rt.runtime.clients),
      clock: () => rt.clock.now(),
    });
    const asDeployed = iam ? iam.as('InboundEmail', handler) : handler;

    // Act
    const [result] = await asDeployed(sesLambdaEvent(messageId, replyTo, rt.clock.now()));
    await rt.settle();

    // Assess: matched by its token, the lead replied accepting a time (a meeting, #14), its execution stopped
    expect(result).toMatchObject({ kind: 'reply', leadId, matchedBy: 'token', outcome: 'applied' });
    const view = await leadOf(rt.url, leadId);
    expect(view.lead.status).toBe('meeting');
    const execution = rt.runtime.sfn.list().find((r) => r.name === enrollment.id);
    expect(execution?.status).toBe('ABORTED');

    // Assess: the rep got the reply, readable, with a Reply-To that reaches the lead
    const owner = rt.runtime.config.owner.email;
    const forward = (await mailboxOf(rt.url)).find(
      (m) => m.destination.to.includes(owner) && m.subject.startsWith(`Reply from ${SAM.name}`),
    );
    expect(forward?.subject).toBe(`Reply from ${SAM.name}: Re: ${first?.subject}`);
    expect(forward?.replyTo).toEqual([SAM.email]);
    expect(forward?.text).toContain('Tuesday at 10 works. Could you send the price list before then?');

    // Assess: nothing more reaches the lead when the next touch falls due
    const next = enrollment.schedule.find(
      (s) => s.channel === 'email' && Date.parse(s.at) > Date.parse(first?.at ?? ''),
    );
    if (next) await rt.advanceTo(next.at);
    expect((await mailboxOf(rt.url)).filter((m) => m.destination.to.includes(SAM.email))).toHaveLength(1);
  });
});
