import { App } from 'aws-cdk-lib';
import type { Template as CdkTemplate } from 'aws-cdk-lib/assertions';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCadence } from '../../functions/core/cadence.ts';
import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { FollowupStack } from '../../lib/followup-stack.ts';
import { roleStatements, shippedCadences, shippedConfig } from '../support/synth-stack.ts';

/*
 * autoPromote on AWS (docs/architecture.md §2.4): the job runs in the sweeper on its 5-minute schedule and the Touch
 * reads a step's promotion with GetItem, so a cadence with autoPromote adds no rule, no action and no resource to
 * either role: both hold what they held without it.
 */

const parsed = parseCadence({
  id: 'offer-ab',
  name: 'offer-ab',
  autoPromote: true,
  decideOn: 'meetings',
  steps: [
    {
      id: 'offer',
      day: 1,
      channel: 'email',
      variants: [
        { id: 'a', template: 'hello', weight: 1 },
        { id: 'b', template: 'first-call', weight: 1 },
      ],
    },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const AUTO_PROMOTE: Cadence = parsed.cadence;

function synth(cadences: readonly Cadence[]): CdkTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowupStack(app, 'Followup', {
    config: shippedConfig,
    cadences,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return Template.fromStack(stack);
}

/** A role's DynamoDB actions and what they are granted on. */
function tableGrants(template: CdkTemplate, description: string) {
  return roleStatements(template, description)
    .filter((s) => [s.Action].flat().some((a) => String(a).startsWith('dynamodb:')))
    .map((s) => ({
      actions: [s.Action].flat().map(String).sort(),
      resource: s.Resource,
      condition: s.Condition,
    }));
}

const TOUCH = '^One touch of a cadence';
const SWEEPER = '^Every 5 minutes: starts the enrollments';

let without: CdkTemplate;
let withAuto: CdkTemplate;
beforeAll(() => {
  without = synth(shippedCadences);
  withAuto = synth([...shippedCadences, AUTO_PROMOTE]);
  // Two whole stacks on a busy machine.
}, 120_000);

describe('autoPromote’s grants', () => {
  it('gives the Touch one GetItem-able table grant and nothing that lists: no Query, Scan or batch read', () => {
    const grants = tableGrants(withAuto, TOUCH);
    expect(grants.map((g) => g.actions)).toEqual([
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    ]);
    expect(grants).toEqual(tableGrants(without, TOUCH));
  });

  it('runs the job with the sweeper’s own table actions, unchanged by the cadence', () => {
    const grants = tableGrants(withAuto, SWEEPER);
    expect(grants.map((g) => g.actions)).toEqual([
      [
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
    ]);
    expect(grants).toEqual(tableGrants(without, SWEEPER));
    // Beside the StartExecution on every cadence's alias (the new cadence's too), the role is the same.
    const others = (t: CdkTemplate) =>
      roleStatements(t, SWEEPER).filter((s) => ![s.Action].flat().includes('states:StartExecution'));
    expect(others(withAuto)).toEqual(others(without));
  });

  it('adds no schedule: the sweeper’s 5-minute rule runs the job', () => {
    const rules = (t: CdkTemplate) => Object.keys(t.findResources('AWS::Events::Rule')).sort();
    expect(rules(withAuto)).toEqual(rules(without));
    withAuto.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });
});
