import { type Check, check, count, type PreflightConfig, type PreflightFacts } from './check.ts';
import {
  fromAddressCheck,
  mxRecordCheck,
  productionAccessCheck,
  receiptRuleSetCheck,
  senderIdentityCheck,
  sendRateCheck,
} from './ses-checks.ts';
import { smsChecks } from './sms-checks.ts';

/*
 * The deploy preflight's judgements, in the order a first deploy meets them: the SES checks (ses-checks.ts), the SMS
 * checks (sms-checks.ts) and the Step Functions quota here. Each is a pure function of what the read-only calls
 * returned (check.ts), so it is tested without AWS.
 */

export type { Check, CheckStatus, MxRecord, PreflightConfig, PreflightFacts, Read } from './check.ts';
export { inboundEndpoint, SES_RECEIVING_ENDPOINTS_URL } from './ses-checks.ts';

/** Service Quotas: AWS Step Functions › Open executions. */
export const OPEN_EXECUTIONS_QUOTA = { serviceCode: 'states', quotaCode: 'L-B8A5B662' } as const;
/** The Step Functions Developer Guide's default for Standard workflows, per account and region. */
export const OPEN_EXECUTIONS_DEFAULT = 1_000_000;

export function openExecutionsCheck(facts: PreflightFacts): Check {
  const id = 'sfn-open-executions';
  const title = 'Step Functions open executions';
  const where = `https://console.aws.amazon.com/servicequotas/home/services/${OPEN_EXECUTIONS_QUOTA.serviceCode}/quotas/${OPEN_EXECUTIONS_QUOTA.quotaCode}?region=${facts.region}`;
  const notes = [
    'each lead holds one open execution per cadence it is in, for the cadence’s length: leads a day × days of the longest cadence must stay below it',
  ];
  const read = facts.openExecutions;
  if (read.ok && read.value) {
    const source = read.value.source === 'applied' ? 'this account' : 'AWS default';
    return check(id, title, 'ready', `${count(read.value.value)} (${source})`, [], notes);
  }
  return check(
    id,
    title,
    'ready',
    `${count(OPEN_EXECUTIONS_DEFAULT)} (the documented default; ${read.ok ? 'Service Quotas gave no value' : `could not read: ${read.name}`})`,
    [],
    [...notes, `see the value in force: ${where}`],
  );
}

/** Every check, in the order a first deploy meets them. */
export function preflightChecks(facts: PreflightFacts, config: PreflightConfig): Check[] {
  return [
    senderIdentityCheck(facts, config),
    fromAddressCheck(facts, config),
    productionAccessCheck(facts),
    receiptRuleSetCheck(facts),
    mxRecordCheck(facts, config),
    ...smsChecks(facts, config),
    sendRateCheck(facts, config),
    openExecutionsCheck(facts),
  ].filter((c): c is Check => c !== undefined);
}
