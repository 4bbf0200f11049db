import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { FollowupConfig } from '../../lib/config.ts';
import { FollowupFunction } from '../../lib/followup-function.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';
import { type LocalNames, STACK_NAME } from './deployed.ts';
import type { CfnTemplate } from './template.ts';

export interface Synthesized {
  readonly template: CfnTemplate;
  /** Logical id → construct id of each Followup function. */
  readonly functionIds: Readonly<Record<string, string>>;
  readonly physicalIds: Readonly<Record<string, string>>;
}

/** `cdk synth` of the stack in-process, bundling skipped, with the local runtime's names for its resources. */
export function synthesize(
  config: FollowupConfig,
  cadences: readonly Cadence[],
  names: LocalNames,
): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, STACK_NAME, { config, cadences });
  const logicalId = (element: { node: { defaultChild?: unknown } }) =>
    stack.resolve(Stack.of(stack).getLogicalId(element.node.defaultChild as never)) as string;
  const physicalIds: Record<string, string> = { [logicalId(stack.table)]: names.tableName };
  const functionIds: Record<string, string> = {};
  for (const construct of stack.node.findAll()) {
    if (construct instanceof FollowupFunction) functionIds[logicalId(construct)] = construct.node.id;
    if (construct instanceof secrets.Secret) {
      const arn = names.secretArns[construct.node.id];
      if (arn) physicalIds[logicalId(construct)] = arn;
    }
    if (construct instanceof s3.Bucket && construct.node.id === 'InboundMail') {
      physicalIds[logicalId(construct)] = names.inboundBucket;
    }
  }
  const template = app.synth().getStackByName(STACK_NAME).template as CfnTemplate;
  return { template, functionIds, physicalIds };
}
