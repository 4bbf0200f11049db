import {
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deployedVersion } from '../../../../bin/cadence-diff/deployed.ts';
import { parseCadence } from '../../../../functions/core/cadence.ts';
import type { Cadence } from '../../../../functions/core/cadence-schema.ts';
import { compileCadence } from '../../../../functions/core/compile.ts';
import { UsageError } from '../../../../functions/core/errors.ts';

/*
 * The deployed version of a cadence: the alias "live" names the version new leads start on, and that version's
 * definition (what compile.ts wrote at deploy) names each touch's step, channel and template.
 */

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Followup-demo';
const ALIAS = `${MACHINE}:live`;
const VERSION = `${MACHINE}:3`;

function cadence(steps: object[]): Cadence {
  const result = parseCadence({ id: 'demo', name: 'Demo', timezone: 'America/Chicago', steps });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.cadence;
}

const DEPLOYED = cadence([
  { id: 'hello', day: 1, channel: 'email', template: 'hello' },
  { id: 'call', wait: '2 days', channel: 'call', template: 'call' },
  { id: 'case-study', day: 10, channel: 'email', template: 'case-study' },
]);

/** The ASL the stack deployed, as Step Functions hands it back: a JSON string. */
const definitionOf = (c: Cadence) =>
  JSON.stringify(
    compileCadence(c, {
      touchFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:Followup-Touch',
      completeFunction: 'arn:aws:lambda:eu-west-1:123456789012:function:Followup-Complete',
    }),
  );

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

const sfn = mockClient(SFNClient);

beforeEach(() => {
  sfn.reset();
  // No real credentials can be reached, whatever a mock misses.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
  vi.stubEnv('AWS_PROFILE', '');
  sfn.on(DescribeStateMachineAliasCommand).resolves({
    stateMachineAliasArn: ALIAS,
    name: 'live',
    routingConfiguration: [{ stateMachineVersionArn: VERSION, weight: 100 }],
  });
  sfn
    .on(DescribeStateMachineCommand, { stateMachineArn: VERSION })
    .resolves({ stateMachineArn: VERSION, definition: definitionOf(DEPLOYED) });
});

afterEach(() => {
  sfn.reset();
  vi.unstubAllEnvs();
});

describe('deployedVersion', () => {
  it('reads the steps of the version the alias routes to, from its compiled definition', async () => {
    // Act
    const version = await deployedVersion(ALIAS, 'eu-west-1');

    // Assess
    expect(version).toEqual({
      versionArn: VERSION,
      steps: [
        { id: 'hello', channel: 'email', template: 'hello' },
        { id: 'call', channel: 'call', template: 'call' },
        { id: 'case-study', channel: 'email', template: 'case-study' },
      ],
    });
    expect(sfn.commandCalls(DescribeStateMachineAliasCommand)[0]?.args[0].input).toEqual({
      stateMachineAliasArn: ALIAS,
    });
    // The version, not the state machine's unpublished latest revision.
    expect(sfn.commandCalls(DescribeStateMachineCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: VERSION },
    ]);
    expect(await sfn.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  it('reads the heavier version when the alias splits new leads between two', async () => {
    // Prepare: 10% still on version 2, 90% on version 3
    const older = `${MACHINE}:2`;
    sfn.on(DescribeStateMachineAliasCommand).resolves({
      routingConfiguration: [
        { stateMachineVersionArn: older, weight: 10 },
        { stateMachineVersionArn: VERSION, weight: 90 },
      ],
    });
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: older }).resolves({
      definition: definitionOf(cadence([{ id: 'old', day: 1, channel: 'email', template: 'old' }])),
    });

    // Act
    const version = await deployedVersion(ALIAS, 'eu-west-1');

    // Assess
    expect(version?.versionArn).toBe(VERSION);
    expect(version?.steps.map((s) => s.id)).toEqual(['hello', 'call', 'case-study']);
  });

  it('says none is deployed when the alias does not exist (a cadence not deployed yet)', async () => {
    sfn
      .on(DescribeStateMachineAliasCommand)
      .rejects(awsError('ResourceNotFound', `Resource not found: '${ALIAS}'`));

    await expect(deployedVersion(ALIAS, 'eu-west-1')).resolves.toBeUndefined();
    expect(sfn.commandCalls(DescribeStateMachineCommand)).toHaveLength(0);
  });

  it('says none is deployed when the version the alias names is gone', async () => {
    sfn
      .on(DescribeStateMachineCommand, { stateMachineArn: VERSION })
      .rejects(awsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${VERSION}'`));

    await expect(deployedVersion(ALIAS, 'eu-west-1')).resolves.toBeUndefined();
  });

  it('names both actions, on the state machine ARN IAM checks, when the caller may not read the alias', async () => {
    // Prepare
    sfn
      .on(DescribeStateMachineAliasCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:user/dana is not authorized to perform: states:DescribeStateMachineAlias',
        ),
      );

    // Act
    const error = await deployedVersion(ALIAS, 'eu-west-1').catch((e: unknown) => e);

    // Assess: one line, the two actions, and the unqualified ARN a policy's Resource names.
    expect(error).toEqual(
      new UsageError(
        `you may not read the deployed cadence ${ALIAS}: your IAM needs states:DescribeStateMachineAlias and states:DescribeStateMachine on ${MACHINE}`,
      ),
    );
  });

  it('names the same two actions when only the version may not be read', async () => {
    sfn
      .on(DescribeStateMachineCommand, { stateMachineArn: VERSION })
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: states:DescribeStateMachine'));

    await expect(deployedVersion(ALIAS, 'eu-west-1')).rejects.toThrow(
      /needs states:DescribeStateMachineAlias and states:DescribeStateMachine on arn:aws:states:eu-west-1:123456789012:stateMachine:Followup-demo$/,
    );
  });

  it('says how to set credentials when AWS rejects them', async () => {
    sfn
      .on(DescribeStateMachineAliasCommand)
      .rejects(
        awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );

    await expect(deployedVersion(ALIAS, 'eu-west-1')).rejects.toThrow(
      /^AWS rejected your credentials \(UnrecognizedClientException\): refresh them/,
    );
  });

  it('passes any other error on as one line naming the alias and what AWS said', async () => {
    sfn.on(DescribeStateMachineAliasCommand).rejects(awsError('InvalidArn', 'Invalid Arn: bad'));

    await expect(deployedVersion(ALIAS, 'eu-west-1')).rejects.toThrow(
      new UsageError(`cannot read the deployed cadence ${ALIAS} (InvalidArn: Invalid Arn: bad)`),
    );
  });
});
