import type { EmailIdentityFacts } from '../../functions/adapters/aws-account-reader.ts';
import {
  type Check,
  check,
  count,
  type MxRecord,
  type PreflightConfig,
  type PreflightFacts,
  unreadable,
} from './check.ts';

/*
 * The SES checks of the deploy preflight: the sender identity and From address, production access and the sending
 * quota, the stack's receipt rule set and the reply domain's MX. Each says what is ready, or what to fix and exactly
 * how (a command, a console page, a DNS record).
 */

export const SES_RECEIVING_ENDPOINTS_URL =
  'https://docs.aws.amazon.com/general/latest/gr/ses.html#ses_inbound_endpoints';
const sesConsole = (region: string, page: string) =>
  `https://console.aws.amazon.com/ses/home?region=${region}#/${page}`;
export const inboundEndpoint = (region: string) => `inbound-smtp.${region}.amazonaws.com`;

const dkimRecords = (identity: EmailIdentityFacts) =>
  identity.dkimTokens.map(
    (token) => `DNS: ${token}._domainkey.${identity.identity} CNAME ${token}.dkim.amazonses.com`,
  );

export function senderIdentityCheck(facts: PreflightFacts, config: PreflightConfig): Check {
  const id = 'sender-identity';
  const title = 'SES sender identity';
  const name = config.sender.identity;
  const read = facts.senderIdentity;
  if (!read.ok) return unreadable(id, title, read, 'ses:GetEmailIdentity');
  const identity = read.value;
  if (!identity) {
    return check(
      id,
      title,
      'fix',
      `SES in ${facts.region} has no identity ${name}`,
      [
        'set sender.createIdentity: true in the config and deploy (the DkimRecord outputs are the CNAMEs to add)',
        `or create it: aws sesv2 create-email-identity --email-identity ${name} --region ${facts.region}`,
      ],
      ['SES sends only from a verified identity; identities are per region.'],
    );
  }
  const page = sesConsole(facts.region, `identities/${encodeURIComponent(name)}`);
  if (identity.type === 'EMAIL_ADDRESS') {
    return identity.verifiedForSending
      ? check(id, title, 'ready', `${name} is verified for sending`)
      : check(id, title, 'fix', `${name} is not verified yet`, [
          `open the link in the email AWS sent to ${name} (resend it from ${page})`,
        ]);
  }
  const dkim = identity.dkimStatus ?? 'NOT_STARTED';
  if (identity.verifiedForSending && dkim === 'SUCCESS') {
    return check(id, title, 'ready', `${name} is verified for sending; DKIM ${dkim}`);
  }
  const records = dkimRecords(identity);
  return check(
    id,
    title,
    'fix',
    `${name}: ${identity.verifiedForSending ? 'verified' : 'not verified'} for sending, DKIM ${dkim}`,
    records.length > 0
      ? [...records, `then wait for SES to see them (it checks for up to 72 hours): ${page}`]
      : [`publish the DKIM records SES lists for ${name}: ${page}`],
    dkim === 'FAILED' || dkim === 'TEMPORARY_FAILURE'
      ? ['SES could not find the DKIM records in DNS: check their names and values at your DNS provider.']
      : [],
  );
}

/** Only when the From address is an identity of its own: SES then authorizes sending against it, not the domain. */
export function fromAddressCheck(facts: PreflightFacts, config: PreflightConfig): Check | undefined {
  const read = facts.fromAddressIdentity;
  if (!read) return undefined;
  const id = 'from-address-identity';
  const title = 'SES From address';
  const address = config.sender.email;
  if (!read.ok) return unreadable(id, title, read, 'ses:GetEmailIdentity');
  if (!read.value) return undefined;
  const why = `${address} is an SES identity of its own, so SES checks it (not ${config.sender.identity}) when the engine sends`;
  return read.value.verifiedForSending
    ? check(id, title, 'ready', `${address} is verified for sending`, [], [why])
    : check(
        id,
        title,
        'fix',
        `${address} is an identity of its own and is not verified`,
        [
          `open the link in the email AWS sent to ${address}, or delete that identity so the domain's applies:`,
          `aws sesv2 delete-email-identity --email-identity ${address} --region ${facts.region}`,
        ],
        [why],
      );
}

export function productionAccessCheck(facts: PreflightFacts): Check {
  const id = 'ses-production-access';
  const title = 'SES production access';
  const read = facts.account;
  if (!read.ok) return unreadable(id, title, read, 'ses:GetAccount');
  const account = read.value;
  const page = sesConsole(facts.region, 'account');
  if (!account.sendingEnabled) {
    return check(
      id,
      title,
      'fix',
      `sending is paused for this account in ${facts.region}${account.enforcementStatus ? ` (${account.enforcementStatus})` : ''}`,
      [`read why and ask for it to be resumed: ${page}`],
    );
  }
  if (!account.productionAccess) {
    return check(
      id,
      title,
      'fix',
      `the account is in the SES sandbox in ${facts.region}`,
      [`SES console → Account dashboard → Request production access: ${page}`],
      [
        `in the sandbox only verified recipients receive mail, at most ${count(account.max24HourSend)} a day and ${count(account.maxSendRate)} a second: real leads get nothing`,
        'production access is granted per region.',
      ],
    );
  }
  return check(
    id,
    title,
    'ready',
    `production access in ${facts.region}${account.enforcementStatus && account.enforcementStatus !== 'HEALTHY' ? `; reputation ${account.enforcementStatus}` : ''}`,
  );
}

export function sendRateCheck(facts: PreflightFacts, config: PreflightConfig): Check {
  const id = 'ses-send-rate';
  const title = 'SES sending quota';
  const read = facts.account;
  if (!read.ok) return unreadable(id, title, read, 'ses:GetAccount');
  const { maxSendRate, max24HourSend, sentLast24Hours } = read.value;
  const daily = max24HourSend < 0 ? 'unlimited a day' : `${count(max24HourSend)} a day`;
  const summary = `${count(maxSendRate)} email${maxSendRate === 1 ? '' : 's'} a second, ${daily} (${count(sentLast24Hours)} sent in the last 24 hours)`;
  const peak = config.api.rateLimit;
  const notes = [
    `expected peak: the signup API admits up to api.rateLimit = ${peak} leads a second, and a burst of signups is a burst of touches later (an hour on, or when a send window opens)`,
  ];
  if (maxSendRate >= peak) return check(id, title, 'ready', summary, [], notes);
  return check(
    id,
    title,
    'fix',
    summary,
    [
      `raise the sending rate to at least ${peak} a second: SES console → Account dashboard → Request an increase: ${sesConsole(facts.region, 'account')}`,
      `or lower api.rateLimit in the config to ${Math.max(1, Math.floor(maxSendRate))}`,
    ],
    [
      ...notes,
      'touches above the rate are throttled and retried with backoff (6 attempts); a long burst can exhaust them',
    ],
  );
}

export function receiptRuleSetCheck(facts: PreflightFacts): Check {
  const id = 'receipt-rule-set';
  const title = 'SES receipt rule set';
  if (!facts.stack.ok) return unreadable(id, title, facts.stack, 'cloudformation:DescribeStacks');
  const ruleSet = facts.stack.value?.ReceiptRuleSetName;
  if (!ruleSet) {
    return check(id, title, 'fix', `stack ${facts.stackName} is not deployed in ${facts.region}`, [
      'npx cdk deploy, then run the doctor again (or pass --stack NAME)',
    ]);
  }
  const read = facts.activeRuleSet;
  if (!read.ok) return unreadable(id, title, read, 'ses:DescribeActiveReceiptRuleSet');
  if (read.value === ruleSet) return check(id, title, 'ready', `${ruleSet} is the active rule set`);
  const other = read.value;
  return check(
    id,
    title,
    'fix',
    other ? `${other} is active, not the stack's ${ruleSet}` : `no rule set is active in ${facts.region}`,
    [
      `aws ses set-active-receipt-rule-set --rule-set-name ${ruleSet} --region ${facts.region}`,
      'or set replies.activateRuleSet: true in the config and deploy',
    ],
    [
      other
        ? `a region has one active rule set: activating ${ruleSet} switches ${other} off, and the mail its rules receive stops arriving; move those rules into ${ruleSet} first, or deploy Followup in another region`
        : 'until a rule set is active, SES rejects every email sent to the reply domain: replies never stop a cadence',
    ],
  );
}

export function mxRecordCheck(facts: PreflightFacts, config: PreflightConfig): Check {
  const id = 'reply-mx';
  const title = 'Reply domain MX';
  const domain = config.replyDomain;
  const expected = inboundEndpoint(facts.region);
  const record = `DNS: ${domain} MX 10 ${expected}`;
  if (facts.inboundEndpoint.ok && !facts.inboundEndpoint.value) {
    return check(
      id,
      title,
      'fix',
      `SES does not receive email in ${facts.region}: ${expected} does not exist`,
      [
        `deploy Followup in a region with email receiving (e.g. us-east-1, us-west-2, eu-west-1): ${SES_RECEIVING_ENDPOINTS_URL}`,
      ],
    );
  }
  const read = facts.replyMx;
  if (!read.ok) return unreadable(id, title, read, `the MX record of ${domain} (dig MX ${domain})`);
  const records = read.value ?? [];
  if (records.length === 0) {
    return check(
      id,
      title,
      'fix',
      `${domain} has no MX record`,
      [record],
      ['without it, replies bounce and never stop a cadence'],
    );
  }
  const host = (r: MxRecord) => r.exchange.toLowerCase().replace(/\.$/, '');
  const best = Math.min(...records.map((r) => r.priority));
  const preferred = records.filter((r) => r.priority === best).map(host);
  const found = records.map((r) => `${r.priority} ${host(r)}`).join(', ');
  if (preferred.every((h) => h === expected)) {
    return check(id, title, 'ready', `${domain} MX ${found}`);
  }
  const elsewhere = preferred.find((h) => /^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com$/.test(h));
  return check(
    id,
    title,
    'fix',
    `${domain} MX ${found}`,
    [`make ${expected} the only (or most preferred) MX: ${record}`],
    [
      elsewhere
        ? `${elsewhere} is SES in another region: the stack's rule set in ${facts.region} never sees those replies`
        : 'mail goes to the most preferred MX first: replies reach another server and never stop a cadence',
    ],
  );
}
