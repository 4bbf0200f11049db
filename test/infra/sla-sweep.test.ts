import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { roleStatements, shippedConfig as shipped, synthWith as synth } from '../support/synth-stack.ts';

/* The SLA sweep on AWS (#15): an every-minute rule and a send grant, only for a deployment with `owners`. */

const REPS = [{ name: 'Ana', email: 'ana@example.com', weight: 1 }];

/** The actions the sweeper's role may take, logs and X-Ray aside. */
function sweeperActions(template: Template): string[] {
  return roleStatements(template, '^Every 5 minutes: starts the enrollments')
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
