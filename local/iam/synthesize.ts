import { App, Stack } from 'aws-cdk-lib';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { FollowupFunction } from '../../lib/followup-function.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';
import { type LocalNames, STACK_NAME } from './deployed.ts';
import type { Json } from './evaluate.ts';
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
  const functionIds: Record<string, string> = {};
  for (const construct of stack.node.findAll()) {
    if (construct instanceof FollowupFunction) functionIds[logicalId(construct)] = construct.node.id;
  }
  const template = app.synth().getStackByName(STACK_NAME).template as CfnTemplate;
  // A resource a function reads by name (`TABLE_NAME: {Ref: Table…}`) gets the name the local runtime gives it.
  const physicalIds: Record<string, string> = {};
  for (const logical of Object.keys(functionIds)) {
    const variables = (
      template.Resources[logical]?.Properties?.Environment as { Variables?: Record<string, Json> } | undefined
    )?.Variables;
    for (const [variable, value] of Object.entries(variables ?? {})) {
      const ref = (value as { Ref?: string } | null)?.Ref;
      const local = names.resources[variable];
      if (ref && local) physicalIds[ref] = local;
    }
  }
  return { template, functionIds, physicalIds };
}
