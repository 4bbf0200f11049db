import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

/* The stack synthesized from the shipped cadences and a config, unbundled, and one function's IAM statements. */

const ROOT = new URL('../..', import.meta.url).pathname;
export const shippedCadences = loadCadencesSync(`${ROOT}cadences`);
export const shippedConfig = loadConfig(
  `${ROOT}followup.config.json`,
  new Set(shippedCadences.map((c) => c.id)),
);

export function synthWith(config: FollowupConfig): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config,
    cadences: shippedCadences,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return Template.fromStack(stack);
}

export type Json = Record<string, unknown>;

/** The statements of the role of the function whose description starts as `description` says. */
export function roleStatements(template: Template, description: string): Json[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(description) },
  });
  const fn = Object.values(functions)[0] as { Properties: { Role: Json } };
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      ((p.Properties as Json).Roles as Json[]).some((r) => (r as { Ref?: string }).Ref === roleId),
    )
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
}
