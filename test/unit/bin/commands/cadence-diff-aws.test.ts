import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cadenceDiff, formatDiff } from '../../../../bin/commands/cadence-diff.ts';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import { compileCadence } from '../../../../functions/core/compile.ts';
import { UsageError } from '../../../../functions/core/errors.ts';

/*
 * `followup cadence diff FILE --aws`: the edited file's steps against the definition the stack deployed behind its
 * alias "live" (the stack's ARN gives the region and account), besides the comparison with the file in force.
 */

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Followup-demo';
const ALIAS = `${MACHINE}:live`;
const VERSION = `${MACHINE}:4`;

const IN_FORCE = {
  id: 'demo',
  name: 'Demo',
  timezone: 'America/Chicago',
  steps: [
    { id: 'hello', day: 1, channel: 'email', template: 'hello' },
    { id: 'call', wait: '2 days', channel: 'call', template: 'call' },
    { id: 'case-study', day: 10, channel: 'email', template: 'case-study' },
  ],
};
/** The edit: the call removed, the case study's template swapped, a text added. */
const EDITED = {
  ...IN_FORCE,
  steps: [
    { id: 'hello', day: 1, channel: 'email', template: 'hello' },
    { id: 'case-study', day: 10, channel: 'email', template: 'case-study-short' },
    { id: 'nudge', day: 14, channel: 'sms', template: 'nudge' },
  ],
};

const deployedDefinition = () => {
  const parsed = parseCadence(IN_FORCE);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return JSON.stringify(
    compileCadence(parsed.cadence, {
      touchFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:Followup-Touch',
      completeFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:Followup-Complete',
    }),
  );
};

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

const cloudformation = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const dynamodb = mockClient(DynamoDBDocumentClient);

let root: string;
let options: Parameters<typeof cadenceDiff>[1];
let file: string;

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  vi.stubEnv('AWS_PROFILE', '');
  root = mkdtempSync(join(tmpdir(), 'cadence-diff-aws-'));
  for (const dir of ['cadences', 'drafts', 'templates']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'cadences', 'demo.json'), JSON.stringify(IN_FORCE));
  file = join(root, 'drafts', 'demo.json');
  writeFileSync(file, JSON.stringify(EDITED));
  options = {
    aws: true,
    region: 'eu-west-1',
    cadences: join(root, 'cadences'),
    templates: join(root, 'drafts'),
    now: '2026-04-07T15:00:00Z',
  };

  cloudformation.reset();
  sfn.reset();
  dynamodb.reset();
  cloudformation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'Followup',
        StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Followup/0a1b2c3d',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: [{ OutputKey: 'TableName', OutputValue: 'Followup-Table-1ABC' }],
      },
    ],
  });
  sfn.on(DescribeStateMachineAliasCommand, { stateMachineAliasArn: ALIAS }).resolves({
    routingConfiguration: [{ stateMachineVersionArn: VERSION, weight: 100 }],
  });
  sfn
    .on(DescribeStateMachineCommand, { stateMachineArn: VERSION })
    .resolves({ definition: deployedDefinition() });
  // An empty table: no lead in flight.
  dynamodb.onAnyCommand().resolves({ Items: [] });
});

afterEach(() => {
  cloudformation.reset();
  sfn.reset();
  dynamodb.reset();
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

describe('followup cadence diff --aws', () => {
  it('reports the step removed, the step added and the template changed against the deployed version', async () => {
    // Act
    const diff = await cadenceDiff(file, options);

    // Assess
    expect(diff.deployed?.versionArn).toBe(VERSION);
    expect(diff.deployed?.changes.map((c) => c.text)).toEqual([
      'step "call" (touch 2) removed',
      'step "case-study": template "case-study" → "case-study-short"',
      'step "nudge" added as touch 3',
    ]);
    // The alias of this cadence in the stack's region and account, as lib/followup-stack.ts names it.
    expect(sfn.commandCalls(DescribeStateMachineAliasCommand)[0]?.args[0].input).toEqual({
      stateMachineAliasArn: ALIAS,
    });
    const text = formatDiff(diff);
    expect(text).toContain(`Against the deployed version ${VERSION}:\n`);
    expect(text).toContain('  step "call" (touch 2) removed\n');
    expect(text).toContain('  step "nudge" added as touch 3\n');
  });

  it('finds nothing to report when the edited file is what was deployed', async () => {
    writeFileSync(file, JSON.stringify({ ...IN_FORCE, name: 'Demo, renamed' }));

    const diff = await cadenceDiff(file, options);

    expect(diff.deployed?.changes).toEqual([]);
    expect(formatDiff(diff)).toContain(
      `Against the deployed version ${VERSION}:\n  same steps, channels and templates\n`,
    );
  });

  it('says none is deployed yet, and what publishes it, when the stack has no alias for the cadence', async () => {
    // Prepare
    sfn
      .on(DescribeStateMachineAliasCommand, { stateMachineAliasArn: ALIAS })
      .rejects(awsError('ResourceNotFound', `Resource not found: '${ALIAS}'`));

    // Act
    const diff = await cadenceDiff(file, options);

    // Assess: every edited step is new to the deployment, and the heading says how to deploy it.
    expect(diff.deployed).toMatchObject({ aliasArn: ALIAS });
    expect(diff.deployed?.versionArn).toBeUndefined();
    expect(diff.deployed?.changes.map((c) => c.kind)).toEqual(['step-added', 'step-added', 'step-added']);
    expect(formatDiff(diff)).toContain(
      `Against the deployed version: none yet (no ${ALIAS}); \`npx cdk deploy\` publishes it:\n`,
    );
  });

  it('stops with one line naming the Step Functions actions when the caller may not read them', async () => {
    // Prepare
    sfn
      .on(DescribeStateMachineAliasCommand, { stateMachineAliasArn: ALIAS })
      .rejects(
        awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/dana is not authorized'),
      );

    // Act
    const error = await cadenceDiff(file, options).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `you may not read the deployed cadence ${ALIAS}: your IAM needs states:DescribeStateMachineAlias and states:DescribeStateMachine on ${MACHINE}`,
    );
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it('says the stack cannot be read, and asks Step Functions nothing, when DescribeStacks fails', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(awsError('ValidationError', 'Stack with id Followup does not exist'));

    await expect(cadenceDiff(file, options)).rejects.toThrow(
      new UsageError(
        'cannot read the stack "Followup" (Stack with id Followup does not exist); check your AWS credentials and region, or name the stack with --stack',
      ),
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});
