import {
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { errorName } from '../../functions/adapters/aws-errors.ts';
import { type StepFields, stepsOfDefinition } from '../../functions/core/cadence-diff.ts';
import { UsageError } from '../../functions/core/errors.ts';
import { credentialProblem } from '../targets/aws-access.ts';

/*
 * The version of a cadence the deployed stack starts new leads on: its state machine's alias "live" points at one
 * published version (lib/cadence-state-machine.ts), whose definition names every touch's step, channel and template
 * (docs/architecture.md §3.2). Read-only: DescribeStateMachineAlias, then DescribeStateMachine on that version.
 */

export interface DeployedVersion {
  readonly versionArn: string;
  readonly steps: StepFields[];
}

export async function deployedVersion(
  aliasArn: string,
  region: string,
): Promise<DeployedVersion | undefined> {
  const sfn = new SFNClient({ region });
  try {
    const alias = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    // The stack routes 100% to one version; with two, the heavier one is what most new leads get.
    const route = [...(alias.routingConfiguration ?? [])].sort(
      (a, b) => (b.weight ?? 0) - (a.weight ?? 0),
    )[0];
    if (!route?.stateMachineVersionArn) return undefined;
    const version = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: route.stateMachineVersionArn }),
    );
    return {
      versionArn: route.stateMachineVersionArn,
      steps: stepsOfDefinition(JSON.parse(version.definition ?? '{}')),
    };
  } catch (error) {
    const name = errorName(error);
    if (name === 'ResourceNotFound' || name === 'StateMachineDoesNotExist') return undefined;
    // Step Functions authorizes a call on an alias or a version against the state machine's own ARN.
    const machineArn = aliasArn.slice(0, aliasArn.lastIndexOf(':'));
    throw (
      credentialProblem(error) ??
      new UsageError(
        name === 'AccessDeniedException'
          ? `you may not read the deployed cadence ${aliasArn}: your IAM needs states:DescribeStateMachineAlias and states:DescribeStateMachine on ${machineArn}`
          : `cannot read the deployed cadence ${aliasArn} (${name}: ${(error as Error).message})`,
      )
    );
  } finally {
    sfn.destroy();
  }
}
