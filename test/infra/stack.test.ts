import { createRequire } from 'node:module';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { ConfigInvalid, parseConfig } from '../../functions/core/config.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: () => string;
};

const cadences = loadCadencesSync(`${ROOT}cadences`);
const cadenceIds = new Set(cadences.map((c) => c.id));
const config = loadConfig(`${ROOT}followup.config.json`, cadenceIds);

/** The stack as `cdk synth` builds it, with bundling skipped (infra tests check resources, not bundles). */
function synth(options: { nag?: boolean } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config,
    cadences,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

type Json = Record<string, unknown>;
/** A DefinitionString is a Fn::Join of text and function ARNs; put stand-in ARNs where the tokens are. */
function definitionOf(definitionString: unknown): Json {
  if (typeof definitionString === 'string') return JSON.parse(definitionString);
  const [separator, parts] = (definitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const text = parts
    .map((p) => (typeof p === 'string' ? p : 'arn:aws:lambda:us-east-1:123456789012:function:stand-in'))
    .join(separator);
  return JSON.parse(text);
}

describe('FollowupStack', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(synth().stack);
  });

  it('has one Standard state machine per cadence file, each published as a version behind the alias "live"', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', cadences.length);
    template.resourceCountIs('AWS::StepFunctions::StateMachineVersion', cadences.length);
    template.resourceCountIs('AWS::StepFunctions::StateMachineAlias', cadences.length);
    for (const cadence of cadences) {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `Followup-${cadence.id}`,
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      });
    }
    template.allResourcesProperties('AWS::StepFunctions::StateMachineAlias', { Name: 'live' });
    // Old versions are kept: executions started on them run on.
    template.allResources('AWS::StepFunctions::StateMachineVersion', { DeletionPolicy: 'Retain' });
  });

  it('deploys definitions that are valid ASL with 2 states per touch and 3 per enrollment', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const byName = new Map(
      Object.values(machines).map((m) => [
        (m.Properties as Json).StateMachineName as string,
        definitionOf((m.Properties as Json).DefinitionString),
      ]),
    );
    for (const cadence of cadences) {
      const definition = byName.get(`Followup-${cadence.id}`) as Json;
      const validation = aslValidator(structuredClone(definition));
      expect(validation.isValid, validation.errorsText()).toBe(true);
      expect(Object.keys(definition.States as Json)).toHaveLength(2 * cadence.steps.length + 3);
    }
  });

  it('protects the table: on-demand, point-in-time recovery, deletion protection, encryption, retained', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: Match.objectLike({ SSEEnabled: true }),
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('gives every function the team defaults: nodejs22.x, arm64, X-Ray, source maps, its own log group', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    // intake, touch, complete, the eight signal functions (the mail parser and its reader two) and the sweeper.
    expect(Object.keys(functions)).toHaveLength(12);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
      expect((fn.Properties as Json).Environment).toMatchObject({
        Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }),
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('scopes IAM to what each function touches: named table actions, no scans, no wildcards on data', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement,
    );
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.endsWith(':*'))).toEqual([]);
    const starts = statements.filter((s) => [s.Action].flat().includes('states:StartExecution'));
    expect(starts.length).toBeGreaterThan(0);
    // On the unqualified state machine ARN, the alias in the condition (see aws-behaviour.test.ts).
    for (const s of starts) {
      expect(JSON.stringify(s.Resource)).not.toContain(':live');
      expect(JSON.stringify(s.Resource)).not.toContain('*');
      expect(s.Condition).toEqual({ StringEquals: { 'states:StateMachineQualifier': 'live' } });
    }
    const sends = statements.filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    expect(sends.length).toBeGreaterThan(0);
    for (const send of sends) expect(JSON.stringify(send.Resource)).toContain('identity/example.com');
    // Stopping reaches only this stack's cadence executions.
    const stops = statements.filter((s) => [s.Action].flat().includes('states:StopExecution'));
    expect(stops.length).toBeGreaterThan(0);
    for (const stop of stops) {
      for (const arn of [stop.Resource].flat())
        expect(JSON.stringify(arn)).toMatch(/execution:Followup-[a-z-]+:\*/);
    }
  });

  it('throttles the public API and restricts CORS to the configured origins', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: config.api.rateLimit,
        ThrottlingBurstLimit: config.api.burstLimit,
      }),
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: config.allowedOrigins, AllowMethods: ['POST'] }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /leads' });
  });

  it('sends SES events to EventBridge and alarms on failed executions and function errors', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        EventBridgeDestination: Match.anyValue(),
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
      }),
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // An alarm on one metric names it; one on a sum of metrics lists them.
    const metrics = alarms.map((a) => {
      const p = a.Properties as Json & { Metrics?: { MetricStat?: { Metric: { MetricName: string } } }[] };
      return p.MetricName ?? p.Metrics?.find((m) => m.MetricStat)?.MetricStat?.Metric.MetricName;
    });
    expect(metrics.filter((m) => m === 'ExecutionsFailed')).toHaveLength(cadences.length);
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(12);
  });

  it('emails the owner when the governor pauses marketing sends, saying how to resume', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SendingPaused',
      Threshold: 1,
      AlarmDescription: Match.stringLikeRegexp('followup sending resume'),
      AlarmActions: Match.anyValue(),
    });
  });

  it("does not alarm on the Touch's waits for sending capacity: its alarm counts errors less the waits", () => {
    // A governed wave throws SendingCapacity by the thousand, each a Lambda error and the governor working (§8.12).
    const touch = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) =>
      String((a.Properties as Json).AlarmDescription ?? '').startsWith('The Touch function failed'),
    );
    const p = touch?.Properties as {
      Metrics?: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
    };
    const named = Object.fromEntries(
      (p?.Metrics ?? []).filter((m) => m.MetricStat).map((m) => [m.MetricStat?.Metric.MetricName, m.Id]),
    );
    expect(Object.keys(named).sort()).toEqual(['Errors', 'SendingWaits']);
    expect(p?.Metrics?.find((m) => m.Expression)?.Expression).toBe(
      `${named.Errors} - FILL(${named.SendingWaits}, 0)`,
    );
  });

  it('alarms on the SES reputation before SES reviews the account: bounces over 4%, complaints over 0.08%', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Statistic: 'Maximum',
      Threshold: 0.04,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0008,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on an unusual spike in unsubscribes: above the anomaly band and at least a handful in an hour', () => {
    // The anomaly detector watches the Unsubscribes metric the functions emit.
    const unsubscribes = Match.objectLike({
      MetricStat: Match.objectLike({
        Metric: Match.objectLike({
          Namespace: 'Followup',
          MetricName: 'Unsubscribes',
          Dimensions: [{ Name: 'service', Value: 'followup' }],
        }),
        Stat: 'Sum',
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanUpperThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('ANOMALY_DETECTION_BAND') }),
        unsubscribes,
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Followup',
      MetricName: 'Unsubscribes',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // Both must hold; only the composite tells the owner.
    const [spike, ...more] = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(more).toEqual([]);
    expect(JSON.stringify((spike?.Properties as Json | undefined)?.AlarmRule)).toMatch(
      /ALARM\(.*UnsubscribesUnusual.*\) AND ALARM\(.*UnsubscribesMany.*\)/,
    );
  });

  it('sends every alarm to the owner’s topic, directly or through the composite it feeds', () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic')).find((id) =>
      id.startsWith('AlarmTopic'),
    );
    const subscriptions = template.findResources('AWS::SNS::Subscription');
    expect(Object.values(subscriptions)).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({
          Protocol: 'email',
          Endpoint: config.owner.email,
          TopicArn: { Ref: topic },
        }),
      }),
    );
    const composite = JSON.stringify(
      Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map(
        (a) => (a.Properties as Json).AlarmRule,
      ),
    );
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    for (const [id, alarm] of Object.entries(alarms)) {
      const actions = (alarm.Properties as Json).AlarmActions;
      if (actions) expect(actions).toEqual([{ Ref: topic }]);
      else expect(composite, `${id} notifies nobody`).toContain(id);
    }
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))) {
      expect((alarm.Properties as Json).AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it('has a CloudWatch dashboard of the business metrics beside the engine’s health, and its URL as an output', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    // The body is a Fn::Join of JSON text and tokens: the widgets' text is enough to check.
    const body = JSON.stringify((dashboard?.Properties as Json | undefined)?.DashboardBody);
    for (const metric of [
      'TouchesSent',
      'Replies',
      'Conversions',
      'RevenueRecovered',
      'Skipped',
      'TouchFailures',
      'Unsubscribes',
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'ExecutionsFailed',
    ]) {
      expect(body, metric).toContain(metric);
    }
    for (const channel of ['email', 'sms', 'call', 'task'])
      expect(body).toContain(`\\"channel\\",\\"${channel}\\"`);
    expect(body).toContain('alarm');
    template.hasOutput('DashboardUrl', { Value: Match.anyValue() });
  });

  it('names the Touch function in an output, which `followup touches redrive --aws` invokes', () => {
    const [touchId] = Object.keys(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('^One touch of a cadence') },
      }),
    );
    expect(touchId).toBeDefined();
    template.hasOutput('TouchFunctionName', { Value: { Ref: touchId } });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding, and every acknowledgement says why', () => {
    const { app } = synth({ nag: true });
    // Synth throws "Validation failed" with the report when a finding is not acknowledged.
    expect(() => app.synth()).not.toThrow();
    const reasons: string[] = [];
    for (const node of app.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          // { "Annotation::AwsSolutions-L1": "the reason" }
          reasons.push(...Object.values(entry.data as Record<string, string>));
        }
      }
    }
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(20);
  });

  it('is really checking: an unacknowledged finding fails synth', () => {
    const { app, stack } = synth({ nag: true });
    new sns.Topic(stack, 'Unencrypted');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});

describe('the deployment configuration', () => {
  const good = JSON.parse(JSON.stringify(config));

  it('fails synth naming each bad field and how to fix it', () => {
    const bad = {
      ...good,
      replyDomain: 'not a domain',
      owner: { ...good.owner, email: 'alex' },
      defaultTimeZone: 'Chicago',
    };
    expect(() => parseConfig(bad, 'followup.config.json', cadenceIds)).toThrow(ConfigInvalid);
    try {
      parseConfig(bad, 'followup.config.json', cadenceIds);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('replyDomain: "not a domain" is not a domain');
      expect(message).toContain('owner.email: "alex" is not an email address');
      expect(message).toContain('defaultTimeZone: "Chicago" is not an IANA time zone');
    }
  });

  it('rejects a form cadence that does not exist', () => {
    expect(() =>
      parseConfig({ ...good, formCadences: ['web-inquiry', 'webinar'] }, 'cfg', cadenceIds),
    ).toThrow(/cadence "webinar" is not in cadences\//);
  });
});
