import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import { STALE_CLAIM_MS } from '../../functions/domain/unconfirmed-touches.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

/* The sweeper on AWS: a 5-minute schedule, exactly the grants a sweep uses, and an alarm when an enrollment is stuck. */

const ROOT = new URL('../..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const config = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));

type Json = Record<string, unknown>;

let template: Template;
let sweeperId: string;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config,
    cadences,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  template = Template.fromStack(stack);
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('^Every 5 minutes: starts the enrollments') },
  });
  expect(Object.keys(functions)).toHaveLength(1);
  sweeperId = Object.keys(functions)[0] as string;
  // Synthesizing the whole stack takes seconds on a busy machine.
}, 60_000);

/** The statements of the sweeper's role policies, logs and X-Ray aside. */
function sweeperStatements(): Json[] {
  const fn = template.findResources('AWS::Lambda::Function')[sweeperId] as { Properties: { Role: Json } };
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    ((p.Properties as Json).Roles as Json[]).some((r) => (r as { Ref?: string }).Ref === roleId),
  );
  return policies
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement)
    .filter((s) => ![s.Action].flat().some((a) => /^(logs|xray):/.test(String(a))));
}

describe('the enrollment sweeper', () => {
  it('runs every 5 minutes on an EventBridge schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
  });

  it('may use the table items and start the live alias of every cadence, nothing more', () => {
    const statements = sweeperStatements();
    const table = statements.find((s) => [s.Action].flat().some((a) => String(a).startsWith('dynamodb:')));
    expect(table?.Action).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]);
    expect(JSON.stringify(table?.Resource)).toContain('TableCD117FA1');
    expect(JSON.stringify(table?.Resource)).not.toContain('index');
    const start = statements.find((s) => s.Action === 'states:StartExecution') as Json;
    // Step Functions authorizes a start through an alias on the unqualified ARN, naming the alias as a condition.
    expect(start.Condition).toEqual({ StringEquals: { 'states:StateMachineQualifier': 'live' } });
    const arns = [start.Resource].flat().map((r) => JSON.stringify(r));
    expect(arns).toHaveLength(cadences.length);
    for (const cadence of cadences) {
      expect(arns.some((a) => a.endsWith(`:stateMachine:Followup-${cadence.id}"]]}`))).toBe(true);
    }
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'states:StartExecution',
      ].sort(),
    );
  });

  it('reads what it needs from its environment', () => {
    const fn = template.findResources('AWS::Lambda::Function')[sweeperId] as { Properties: Json };
    const variables = (fn.Properties.Environment as { Variables: Json }).Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        'TABLE_NAME',
        'STATE_MACHINE_ARN_TEMPLATE',
        'DEFAULT_TIME_ZONE',
        'CADENCES_DIR',
      ]),
    );
    expect(JSON.stringify(variables.STATE_MACHINE_ARN_TEMPLATE)).toContain('{cadence}:live');
  });

  it('alarms to the owner as soon as one enrollment is stuck', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Followup',
      MetricName: 'EnrollmentsStuck',
      Dimensions: [{ Name: 'service', Value: 'followup' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('^AlarmTopic') })],
    });
    // Its failures alarm like every function's.
    const errors = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) =>
        (a.Properties as Json).MetricName === 'Errors' &&
        JSON.stringify((a.Properties as Json).Dimensions).includes(sweeperId),
    );
    expect(errors).toHaveLength(1);
  });

  it('alarms to the owner as soon as one touch is unconfirmed, counted by the touch function and the sweep', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Followup',
      MetricName: 'TouchesUnconfirmed',
      Dimensions: [{ Name: 'service', Value: 'followup' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [Match.objectLike({ Ref: Match.stringLikeRegexp('^AlarmTopic') })],
      AlarmDescription: Match.stringLikeRegexp('followup touches redrive'),
    });
  });

  it('judges a claim stale only after the touch function has certainly stopped: its timeout, with margin', () => {
    const touch = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String((f.Properties as Json).Description ?? '').startsWith('One touch of a cadence'),
    ) as { Properties: Json } | undefined;
    const timeoutMs = Number(touch?.Properties.Timeout) * 1000;
    expect(timeoutMs).toBeGreaterThan(0);
    expect(STALE_CLAIM_MS).toBeGreaterThanOrEqual(2 * timeoutMs);
  });
});
