import { App, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { type FollowupConfig, replySettings } from '../../functions/core/config.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

/*
 * What AWS itself evaluates when the deployed stack runs, checked on the synthesized template: the ARN and condition
 * keys each grant is authorized against, who may write the reply bucket, where a failed async event goes, which SES
 * events reach the stack, and the receipt rule set's activation.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const config = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

type Json = Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Json };

function synth(overrides: Partial<FollowupConfig> = {}, options: { nag?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config: { ...config, ...overrides },
    cadences,
    env: { account: ACCOUNT, region: REGION },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, template: Template.fromStack(stack) };
}

let synthesized: Template | undefined;
/** The stack with the committed configuration, synthesized once for every test that only reads it. */
const committed = () => {
  synthesized ??= synth().template;
  return synthesized;
};

/** A token-free rendering of an ARN: `Fn::Join` flattened, `Ref`/`GetAtt` shown as <id>. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Json;
  if (v['Fn::Join']) return (v['Fn::Join'] as [string, unknown[]])[1].map(render).join('');
  if (v.Ref === 'AWS::Partition') return 'aws';
  if (v.Ref) return `<${v.Ref as string}>`;
  if (v['Fn::GetAtt']) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  return JSON.stringify(value);
}

const logicalId = (template: Template, type: string, prefix: string) => {
  const ids = Object.keys(template.findResources(type)).filter((id) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  expect(ids, `${type} ${prefix}`).toHaveLength(1);
  return ids[0] as string;
};

/** Every statement of the identity policies on a function's role (the function's construct id, e.g. "Intake"). */
function grantsOf(template: Template, fn: string): Statement[] {
  const role = logicalId(template, 'AWS::IAM::Role', `${fn}Role`);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify((p.Properties as Json).Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The statements of a policy resource (AWS::IAM::Policy, AWS::S3::BucketPolicy, …). */
function statementsOf(resource: { Properties?: unknown } | undefined): (Statement & Json)[] {
  if (!resource) throw new Error('no such policy in the template');
  return ((resource.Properties as Json).PolicyDocument as { Statement: (Statement & Json)[] }).Statement;
}

const withAction = (statements: Statement[], action: string) =>
  statements.filter((s) => [s.Action].flat().includes(action));
const resourcesOf = (s: Statement) => [s.Resource].flat().map(render);
const machine = (id: string) => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:Followup-${id}`;

describe('StartExecution as Step Functions authorizes it', () => {
  let template: Template;
  beforeAll(() => {
    template = committed();
  });

  // Each function may start the cadences it enrolls in, and nothing else. A referral enrolls only in a cadence the
  // config names (none in the shipped one).
  const { referralCadence } = replySettings(config);
  const replyStarts = [...new Set(['re-engage', ...(referralCadence ? [referralCadence] : [])])];
  const enrolls: Record<string, string[]> = {
    Intake: config.formCadences,
    Complete: cadences.map((c) => c.id),
    // A reply read as not-now snoozes into re-engage; one read as a referral enrolls the person it names (#14).
    // SmsInbound hands people's texts to ReadReply, so it starts nothing (docs/architecture.md §4.1).
    ReadReply: replyStarts,
    Outcome: ['re-engage'],
    ShopEvents: ['abandoned-cart'],
    ShopWebhook: ['abandoned-cart'],
  };

  it.each(Object.entries(enrolls))(
    '%s: on the unqualified state machine ARNs, only through the alias "live"',
    (fn, ids) => {
      const starts = withAction(grantsOf(template, fn), 'states:StartExecution');
      expect(starts).toHaveLength(1);
      const [start] = starts as [Statement];
      // An alias ARN (…:stateMachine:NAME:live) as the resource is never matched: AWS checks the unqualified one.
      expect(resourcesOf(start).sort()).toEqual(ids.map(machine).sort());
      expect(start.Condition).toEqual({ StringEquals: { 'states:StateMachineQualifier': 'live' } });
    },
  );

  it('a configured referral cadence is one more that the reply reader may start, and only it', () => {
    // Prepare: a config that enrolls referred people in proposal
    const { template: referring } = synth({ replies: { ...config.replies, referralCadence: 'proposal' } });

    // Act
    const startable = (fn: string) =>
      withAction(grantsOf(referring, fn), 'states:StartExecution').flatMap(resourcesOf).sort();

    // Assess
    expect(startable('ReadReply')).toEqual(['re-engage', 'proposal'].map(machine).sort());
    expect(startable('SmsInbound')).toEqual([]);
    expect(startable('Outcome')).toEqual([machine('re-engage')]);
  });

  it('the functions still start on the alias, and stop executions by execution:NAME:ID', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const templates = functions
      .map(
        (f) =>
          ((f.Properties as Json).Environment as { Variables: Json }).Variables.STATE_MACHINE_ARN_TEMPLATE,
      )
      .filter((t) => t !== undefined)
      .map(render);
    expect(templates.length).toBeGreaterThan(0);
    for (const t of new Set(templates)) expect(t).toBe(`${machine('{cadence}')}:live`);
    // An execution started through an alias belongs to the state machine: execution:<machine>:<name>.
    const stops = withAction(grantsOf(template, 'SesEvents'), 'states:StopExecution');
    expect(stops.flatMap(resourcesOf).sort()).toEqual(
      cadences.map((c) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:Followup-${c.id}:*`).sort(),
    );
  });

  it('no function may start an execution any other way', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const starts = policies
      .flatMap(statementsOf)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('states:Start')));
    expect(starts.length).toBeGreaterThanOrEqual(Object.keys(enrolls).length);
    for (const s of starts) {
      expect([s.Action].flat()).toEqual(['states:StartExecution']);
      for (const arn of resourcesOf(s)) expect(arn).toMatch(/:stateMachine:Followup-[a-z0-9-]+$/);
      expect(s.Condition).toEqual({ StringEquals: { 'states:StateMachineQualifier': 'live' } });
    }
  });
});

describe('SES sending identities', () => {
  const identity = (name: string) => `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${name}`;

  it('every sender may send as the domain and as the From address (verified on its own, SES checks it instead)', () => {
    const template = committed();
    for (const fn of ['Touch', 'ReadReply', 'SmsInbound']) {
      const sends = withAction(grantsOf(template, fn), 'ses:SendEmail');
      expect(sends, fn).toHaveLength(1);
      expect(resourcesOf(sends[0] as Statement), fn).toEqual(
        expect.arrayContaining([identity('example.com'), identity('sales@example.com')]),
      );
    }
    // Only the touch sends through the configuration set.
    const touch = resourcesOf(withAction(grantsOf(template, 'Touch'), 'ses:SendEmail')[0] as Statement);
    expect(touch.filter((r) => r.includes(':configuration-set/'))).toHaveLength(1);
    const forward = resourcesOf(withAction(grantsOf(template, 'ReadReply'), 'ses:SendEmail')[0] as Statement);
    expect(forward).toHaveLength(2);
  });

  it('an email identity that is the From address is granted once', () => {
    const { template } = synth({ sender: { ...config.sender, identity: config.sender.email } });
    const sends = withAction(grantsOf(template, 'ReadReply'), 'ses:SendEmail');
    expect(resourcesOf(sends[0] as Statement)).toEqual([identity('sales@example.com')]);
  });
});

describe('replies stored by SES', () => {
  let template: Template;
  beforeAll(() => {
    template = committed();
  });

  it('are stored in the clear for GetObject: no KMS key on the S3 action, the bucket encrypted by S3', () => {
    const actions = new Capture();
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({ Recipients: [config.replyDomain], ScanEnabled: true, Actions: actions }),
    });
    const [store, invoke] = actions.asArray() as Json[];
    // With a KMS key SES encrypts client-side: only the S3 encryption client could read the message.
    expect(store).toEqual({ S3Action: { BucketName: expect.anything(), ObjectKeyPrefix: 'inbound/' } });
    expect(invoke).toMatchObject({ LambdaAction: { InvocationType: 'Event' } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    // Nothing left to decrypt with, and one fewer KMS key a month: the alarm topic's and the SMS topic's remain.
    template.resourceCountIs('AWS::KMS::Key', 2);
    const inbound = grantsOf(template, 'InboundEmail');
    expect(inbound.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('are opened by a parser that may only read them and invoke the reader: no table, executions, secret or SES', () => {
    // Act: every action the parser's role allows, beside the logs and traces every function writes
    const parser = grantsOf(template, 'InboundEmail').filter(
      (s) => ![s.Action].flat().every((a) => a.startsWith('logs:') || a.startsWith('xray:')),
    );
    const reader = logicalId(template, 'AWS::Lambda::Function', 'ReadReply');

    // Assess: the stored mail under inbound/, the reader's own ARN (no version or alias wildcard), and the failure
    // queue Lambda sends a failed event to with the function's role
    expect(parser.map((s) => ({ action: s.Action, resource: resourcesOf(s) }))).toEqual([
      { action: 's3:GetObject', resource: [expect.stringMatching(/\.Arn>\/inbound\/\*$/)] },
      { action: 'lambda:InvokeFunction', resource: [`<${reader}.Arn>`] },
      {
        action: 'sqs:SendMessage',
        resource: [expect.stringMatching(/^<SignalsInboundEmailFailedQueue[0-9A-F]{8}\.Arn>$/)],
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('parses the stored MIME'),
      Timeout: 90,
      Environment: { Variables: Match.objectLike({ READ_REPLY_FUNCTION: { Ref: reader } }) },
    });
  });

  it('only SES of this account, for this one receipt rule, may put objects, and only under inbound/', () => {
    const statements = statementsOf(Object.values(template.findResources('AWS::S3::BucketPolicy'))[0]);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [put] = allows as [Statement & Json];
    expect(put.Principal).toEqual({ Service: 'ses.amazonaws.com' });
    expect(put.Action).toBe('s3:PutObject');
    expect(render(put.Resource)).toMatch(/\.Arn>\/inbound\/\*$/);
    const equals = (put.Condition as { StringEquals: Json }).StringEquals;
    expect(equals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(render(equals['aws:SourceArn'])).toBe(
      `arn:aws:ses:${REGION}:${ACCOUNT}:receipt-rule-set/Followup-replies:receipt-rule/store-then-signal`,
    );
    template.hasResourceProperties('AWS::SES::ReceiptRuleSet', { RuleSetName: 'Followup-replies' });
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: Match.anyValue(),
      Rule: Match.objectLike({ Name: 'store-then-signal' }),
    });
  });
});

describe('async signals that fail are kept, not dropped', () => {
  let template: Template;
  beforeAll(() => {
    template = committed();
  });

  const queueArnOf = (fn: string, kind: 'Failed' | 'Undelivered') => ({
    'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', `Signals${fn}${kind}Queue`), 'Arn'],
  });

  it.each(['InboundEmail', 'SesEvents', 'ShopEvents', 'SmsInbound'])(
    '%s: after Lambda’s two retries the event goes to its own encrypted queue, and the function may send there',
    (fn) => {
      const fnId = logicalId(template, 'AWS::Lambda::Function', fn);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: queueArnOf(fn, 'Failed') } },
      });
      const sends = withAction(grantsOf(template, fn), 'sqs:SendMessage');
      expect(sends.map((s) => [s.Action].flat())).toEqual([['sqs:SendMessage']]);
      expect(sends[0]?.Resource).toEqual(queueArnOf(fn, 'Failed'));
    },
  );

  it('EventBridge targets and the SNS subscription have their own dead-letter queues, writable only by that rule or topic', () => {
    for (const fn of ['SesEvents', 'ShopEvents']) {
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [Match.objectLike({ DeadLetterConfig: { Arn: queueArnOf(fn, 'Undelivered') } })],
      });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: { deadLetterTargetArn: queueArnOf('SmsInbound', 'Undelivered') },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(template, 'AWS::SQS::Queue', 'SignalsSmsInboundUndeliveredQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('every failure queue is SSE-SQS encrypted (no key policy for EventBridge or SNS to need) and TLS-only', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(7);
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties, id).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('an event waiting in any of them alarms the owner, naming the function and how to redrive it', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => (a.Properties as Json).MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(alarms).toHaveLength(7);
    const descriptions = alarms.map((a) => render((a.Properties as Json).AlarmDescription));
    for (const fn of ['InboundEmail', 'SesEvents', 'ShopEvents', 'SmsInbound']) {
      const about = descriptions.filter((d) =>
        d.includes(`<${logicalId(template, 'AWS::Lambda::Function', fn)}>`),
      );
      expect(about.length, fn).toBeGreaterThanOrEqual(1);
    }
    expect(descriptions.filter((d) => d.includes('aws lambda invoke'))).toHaveLength(6);
    expect(descriptions.filter((d) => d.includes('aws sns publish'))).toHaveLength(1);
    for (const a of alarms) {
      expect(a.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });
});

describe('the SES events rule', () => {
  it('takes only the events of this stack’s configuration set from the default bus', () => {
    const template = committed();
    const configurationSet = logicalId(template, 'AWS::SES::ConfigurationSet', 'ConfigurationSet');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSet }] } } },
      }),
    });
  });
});

describe('executions that reach the one-year limit', () => {
  it('alarm, one alarm per cadence state machine, counting executions started on the machine or its alias', () => {
    const template = committed();
    type Stat = {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } };
    };
    const timedOut = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Json & { Metrics?: Stat[] })
      .filter((p) => p.Metrics?.some((m) => m.MetricStat?.Metric.MetricName === 'ExecutionsTimedOut'));
    const machines = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const aliases = Object.keys(template.findResources('AWS::StepFunctions::StateMachineAlias'));
    expect(timedOut).toHaveLength(cadences.length);
    const counted = timedOut.flatMap((p) =>
      (p.Metrics ?? []).flatMap((m) =>
        m.MetricStat ? [JSON.stringify(m.MetricStat.Metric.Dimensions[0]?.Value)] : [],
      ),
    );
    expect(counted.sort()).toEqual([...machines, ...aliases].map((id) => JSON.stringify({ Ref: id })).sort());
    for (const p of timedOut) {
      expect(p.Metrics?.find((m) => m.Expression)?.Expression).toBe('FILL(machine, 0) + FILL(alias, 0)');
      expect(p).toMatchObject({ Threshold: 1 });
      expect(p.AlarmDescription).toMatch(/one-year limit/);
    }
  });
});

describe('the receipt rule set lifecycle', () => {
  it('by default is left inactive, and the output gives the one command that activates it', () => {
    const template = committed();
    template.resourceCountIs('Custom::AWS', 0);
    template.hasOutput('ReceiptRuleSetName', {
      Value: 'Followup-replies',
      Description: Match.stringLikeRegexp('aws ses set-active-receipt-rule-set --rule-set-name'),
    });
  });

  describe('with replies.activateRuleSet', () => {
    let template: Template;
    beforeAll(() => {
      template = synth({ replies: { activateRuleSet: true } }).template;
    });

    it('activates the set on create and deactivates it on delete, after the rule exists', () => {
      const [[id, resource]] = Object.entries(template.findResources('Custom::AWS')) as [[string, Json]];
      const properties = resource.Properties as { Create: string; Update: string; Delete: string };
      expect(JSON.parse(properties.Create)).toMatchObject({
        service: 'SES',
        action: 'SetActiveReceiptRuleSet',
        parameters: { RuleSetName: 'Followup-replies' },
      });
      expect(JSON.parse(properties.Update)).toMatchObject({
        parameters: { RuleSetName: 'Followup-replies' },
      });
      // No name deactivates: an active set cannot be deleted, so destroy would fail.
      expect(JSON.parse(properties.Delete)).toMatchObject({
        action: 'SetActiveReceiptRuleSet',
        parameters: {},
      });
      const dependsOn = resource.DependsOn as string[];
      expect(dependsOn).toContain(logicalId(template, 'AWS::SES::ReceiptRule', 'SignalsRepliesRuleSetRule0'));
      expect(id).toMatch(/^SignalsRepliesActivation/);
    });

    it('may do only that: ses:SetActiveReceiptRuleSet, which has no resource type to name', () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p).includes('ses:SetActiveReceiptRuleSet'),
      );
      expect(policies).toHaveLength(1);
      expect(statementsOf(policies[0])).toEqual([
        { Effect: 'Allow', Action: 'ses:SetActiveReceiptRuleSet', Resource: '*' },
      ]);
    });

    it('says in the output that any other active rule set in the region is now off', () => {
      template.hasOutput('ReceiptRuleSetName', {
        Description: Match.stringLikeRegexp('any other is now off'),
      });
    });

    it('has no unacknowledged cdk-nag finding', () => {
      const { app } = synth({ replies: { activateRuleSet: true } }, { nag: true });
      expect(() => app.synth()).not.toThrow();
    });
  });
});

describe('SMS opt-outs managed by AWS', () => {
  const checks = (template: Template) =>
    Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties).includes('sns:CheckIfPhoneNumberIsOptedOut'),
    );

  it('let the inbound SMS function ask the opt-out list, which it does for a START in "aws" mode only', () => {
    const aws = synth({ sms: { ...config.sms, optOuts: 'aws' } }).template;
    const self = synth({ sms: { ...config.sms, optOuts: 'self' } }).template;
    expect(checks(aws)).toHaveLength(1);
    expect(JSON.stringify(checks(aws)[0]?.Properties.Roles)).toContain('SmsInboundRole');
    expect(checks(self)).toHaveLength(0);
  });
});
