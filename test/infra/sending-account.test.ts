import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  type Json,
  roleStatements,
  shippedConfig as shipped,
  synthWith as synth,
} from '../support/synth-stack.ts';

/*
 * `"ratePerSecond": "account"` on AWS (#15): the Touch may read the account's SendQuota (ses:GetAccount, which has no
 * resource type, so "*"), only when the config asks for it; a numeric rate or no governor grants nothing new.
 */

/** The Touch role's statements. */
function touchStatements(template: Template): Json[] {
  return roleStatements(template, '^One touch of a cadence');
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
