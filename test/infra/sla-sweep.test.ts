import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

/* The SLA sweep on AWS (#15): an every-minute rule and a send grant, only for a deployment with `owners`. */

const ROOT = new URL('../..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const shipped = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));
const REPS = [{ name: 'Ana', email: 'ana@example.com', weight: 1 }];

function synth(config: FollowupConfig): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config,
    cadences,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return Template.fromStack(stack);
}

type Json = Record<string, unknown>;

/** The actions the sweeper's role may take, logs and X-Ray aside. */
function sweeperActions(template: Template): string[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('^Every 5 minutes: starts the enrollments') },
  });
  const fn = Object.values(functions)[0] as { Properties: { Role: Json } };
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      ((p.Properties as Json).Roles as Json[]).some((r) => (r as { Ref?: string }).Ref === roleId),
    )
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement)
    .flatMap((s) => [s.Action].flat().map(String))
    .filter((a) => !/^(logs|xray):/.test(a));
}

const slaRules = (template: Template) =>
  Object.values(
    template.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: 'rate(1 minute)' } }),
  );

describe('the SLA sweep', () => {
  it('runs every minute with its own input when the config names owners', () => {
    const template = synth({ ...shipped, owners: REPS });
    const rules = slaRules(template);
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0])).toContain('{\\"sweep\\":\\"sla\\"}');
    expect(sweeperActions(template)).toContain('ses:SendEmail');
    // No SMS number in the shipped config: no text to send, so no Publish.
    expect(sweeperActions(template)).not.toContain('sns:Publish');
  }, 60_000);

  it('does not exist without owners', () => {
    const template = synth(shipped);
    expect(slaRules(template)).toEqual([]);
    expect(sweeperActions(template)).not.toContain('ses:SendEmail');
  }, 60_000);
});
