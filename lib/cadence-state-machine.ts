import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Cadence } from '../functions/core/cadence-schema.ts';
import { compileCadence } from '../functions/core/compile.ts';

export const LIVE_ALIAS = 'live';

export interface CadenceStateMachineProps {
  readonly cadence: Cadence;
  readonly stateMachineName: string;
  readonly touchFunction: lambda.IFunction;
  readonly completeFunction: lambda.IFunction;
}

/**
 * One cadence compiled to one Standard state machine, published as a version behind the alias "live".
 * Intake starts executions on the alias; an edit publishes a new version, and running executions keep theirs.
 */
export class CadenceStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly alias: sfn.CfnStateMachineAlias;

  constructor(scope: Construct, id: string, props: CadenceStateMachineProps) {
    super(scope, id);
    const { cadence, touchFunction, completeFunction } = props;
    const definition = compileCadence(cadence, {
      touchFunction: touchFunction.functionArn,
      completeFunction: completeFunction.functionArn,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: definition.Comment,
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(definition)),
      // Execution data holds lead ids only, but the inputs carry the schedule: keep it out of logs anyway.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // Invoke exactly these two functions (no ":*" qualifier wildcard as grantInvoke would add).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [touchFunction.functionArn, completeFunction.functionArn],
      }),
    );
    const version = new sfn.CfnStateMachineVersion(this, 'Version', {
      stateMachineArn: this.stateMachine.stateMachineArn,
      stateMachineRevisionId: this.stateMachine.stateMachineRevisionId,
      description: `${cadence.id}: ${cadence.steps.length} steps`,
    });
    // Old versions stay: executions that started on them keep running to the end of their own schedule.
    version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.alias = new sfn.CfnStateMachineAlias(this, 'Live', {
      name: LIVE_ALIAS,
      description: `New enrollments in ${cadence.id} start here`,
      routingConfiguration: [{ stateMachineVersionArn: version.attrArn, weight: 100 }],
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray and CloudWatch Logs delivery (logs:CreateLogDelivery etc.) support no resource-level permissions.',
    });
  }
}
