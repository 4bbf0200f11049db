import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadCadencesSync } from '../../functions/adapters/cadence-files.ts';
import { loadConfig } from '../../functions/adapters/config-file.ts';
import type { FollowupConfig } from '../../functions/core/config.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';

/*
 * `"ratePerSecond": "account"` on AWS (#15): the Touch may read the account's SendQuota (ses:GetAccount, which has no
 * resource type, so "*"), only when the config asks for it; a numeric rate or no governor grants nothing new.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const cadences = loadCadencesSync(`${ROOT}cadences`);
const shipped = loadConfig(`${ROOT}followup.config.json`, new Set(cadences.map((c) => c.id)));

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

/** The Touch role's statements. */
function touchStatements(template: Template): Json[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('^One touch of a cadence') },
  });
  const fn = Object.values(functions)[0] as { Properties: { Role: Json } };
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) =>
      ((p.Properties as Json).Roles as Json[]).some((r) => (r as { Ref?: string }).Ref === roleId),
    )
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement);
}

const getAccount = (template: Template) =>
  touchStatements(template).filter((s) => [s.Action].flat().includes('ses:GetAccount'));

describe("the Touch's read of the SES account", () => {
  it('is granted on "*" alone, when the shipped config asks the account for its rate', () => {
    const sending = shipped.sending || undefined;
    expect(sending?.ratePerSecond).toBe('account');
    expect(getAccount(synth(shipped))).toEqual([
      { Action: 'ses:GetAccount', Effect: 'Allow', Resource: '*' },
    ]);
  }, 60_000);

  it('is not granted with a numeric rate or with the governor off', () => {
    const sending = shipped.sending || undefined;
    if (!sending) throw new Error('the shipped config governs sending');
    expect(getAccount(synth({ ...shipped, sending: { ...sending, ratePerSecond: 14 } }))).toEqual([]);
    expect(getAccount(synth({ ...shipped, sending: false }))).toEqual([]);
  }, 60_000);
});
