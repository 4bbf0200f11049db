import type {
  EmailIdentityFacts,
  PhoneNumberFacts,
  QuotaFacts,
  SendingAccountFacts,
} from '../../functions/adapters/aws-account-reader.ts';

/*
 * The deploy preflight's judgements: each check is a pure function of what the read-only calls returned, so it is
 * tested without AWS. A check says what is ready, or what to fix and exactly how (a command, a console page, a DNS
 * record).
 */

/** What one read returned: its value, or the error AWS (or DNS) answered with. */
export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly name: string; readonly message: string };

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

export interface PreflightFacts {
  readonly region: string;
  readonly stackName: string;
  /** The stack's outputs; undefined before the first deploy. */
  readonly stack: Read<Record<string, string> | undefined>;
  readonly senderIdentity: Read<EmailIdentityFacts | undefined>;
  /** The From address as an identity of its own; absent when the From address is the configured identity. */
  readonly fromAddressIdentity?: Read<EmailIdentityFacts | undefined>;
  readonly account: Read<SendingAccountFacts>;
  readonly activeRuleSet: Read<string | undefined>;
  /** The reply domain's MX records; undefined when it has none. */
  readonly replyMx: Read<readonly MxRecord[] | undefined>;
  /** Whether `inbound-smtp.<region>.amazonaws.com` exists: SES receives email only in regions that have one. */
  readonly inboundEndpoint: Read<boolean>;
  /** Present when the configuration names an origination number. */
  readonly sms?: {
    readonly number: Read<PhoneNumberFacts | undefined>;
    /** Present when the number carries a registration id. */
    readonly registration?: Read<string | undefined>;
    readonly accountTier: Read<string | undefined>;
  };
  readonly openExecutions: Read<QuotaFacts | undefined>;
}

/** The part of followup.config.json the checks read. */
export interface PreflightConfig {
  readonly sender: { readonly email: string; readonly identity: string };
  readonly replyDomain: string;
  readonly sms: { readonly originationNumber?: string | null | undefined; readonly optOuts: 'aws' | 'self' };
  readonly api: { readonly rateLimit: number };
}

export type CheckStatus = 'ready' | 'fix' | 'unknown';

export interface Check {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  /** One line: what was found. */
  readonly summary: string;
  /** What to do, each a command, a console page or a DNS record. Empty when ready. */
  readonly fix: readonly string[];
  /** Why it matters, and what else was found. */
  readonly notes: readonly string[];
}

export const SES_RECEIVING_ENDPOINTS_URL =
  'https://docs.aws.amazon.com/general/latest/gr/ses.html#ses_inbound_endpoints';
/** Service Quotas: AWS Step Functions › Open executions. */
export const OPEN_EXECUTIONS_QUOTA = { serviceCode: 'states', quotaCode: 'L-B8A5B662' } as const;
/** The Step Functions Developer Guide's default for Standard workflows, per account and region. */
export const OPEN_EXECUTIONS_DEFAULT = 1_000_000;

const count = (n: number) => n.toLocaleString('en-US');
const sesConsole = (region: string, page: string) =>
  `https://console.aws.amazon.com/ses/home?region=${region}#/${page}`;
const smsConsole = (region: string, page: 'phone-numbers' | 'registrations') =>
  `https://console.aws.amazon.com/sms-voice/home?region=${region}#/${page}`;
export const inboundEndpoint = (region: string) => `inbound-smtp.${region}.amazonaws.com`;

function check(
  id: string,
  title: string,
  status: CheckStatus,
  summary: string,
  fix: readonly string[] = [],
  notes: readonly string[] = [],
): Check {
  return { id, title, status, summary, fix, notes };
}

/** A read that failed: the check cannot say ready, and says which permission or setting it needed. */
function unreadable(id: string, title: string, failed: { name: string; message: string }, action: string) {
  return check(id, title, 'unknown', `could not read: ${failed.name}: ${failed.message}`, [
    failed.name === 'AccessDeniedException' || failed.name === 'AccessDenied'
      ? `allow ${action} for the credentials you run the doctor with, then run it again`
      : `run the doctor again; if it keeps failing, check ${action} by hand`,
  ]);
}

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

type SmsFacts = NonNullable<PreflightFacts['sms']>;

function smsNumberCheck(facts: PreflightFacts, sms: SmsFacts, number: string): Check {
  const id = 'sms-number';
  const title = 'SMS origination number';
  if (!sms.number.ok) return unreadable(id, title, sms.number, 'sms-voice:DescribePhoneNumbers');
  const phone = sms.number.value;
  if (!phone) {
    return check(
      id,
      title,
      'fix',
      `${number} is not an origination number of this account in ${facts.region}`,
      [
        `request or register it in AWS End User Messaging SMS: ${smsConsole(facts.region, 'phone-numbers')}`,
        'or set sms.originationNumber to a number the account has',
      ],
    );
  }
  const registration = sms.registration;
  const notes: string[] = [];
  if (registration && !registration.ok) {
    notes.push(
      `registration ${phone.registrationId}: could not read (${registration.name}; needs sms-voice:DescribeRegistrations)`,
    );
  } else if (registration?.ok) {
    notes.push(`registration ${phone.registrationId}: ${registration.value ?? 'not found'}`);
  } else {
    notes.push('the API links no registration to this number');
  }
  if (phone.status !== 'ACTIVE') {
    return check(
      id,
      title,
      'fix',
      `${number} (${phone.numberType}) is ${phone.status}, not ACTIVE`,
      [`finish its registration in AWS End User Messaging SMS: ${smsConsole(facts.region, 'registrations')}`],
      notes,
    );
  }
  return check(id, title, 'ready', `${number} (${phone.numberType}) is ACTIVE`, [], notes);
}

function smsTwoWayCheck(facts: PreflightFacts, sms: SmsFacts, number: string): Check | undefined {
  const id = 'sms-two-way';
  const title = 'SMS two-way';
  if (!sms.number.ok || !sms.number.value) return undefined;
  const phone = sms.number.value;
  if (!facts.stack.ok) return unreadable(id, title, facts.stack, 'cloudformation:DescribeStacks');
  const topic = facts.stack.value?.SmsInboundTopicArn;
  if (!topic) {
    return check(id, title, 'fix', `stack ${facts.stackName} is not deployed in ${facts.region}`, [
      'npx cdk deploy, then run the doctor again (or pass --stack NAME)',
    ]);
  }
  if (phone.twoWayEnabled && phone.twoWayChannelArn === topic) {
    return check(id, title, 'ready', `${number} delivers inbound texts to ${topic}`);
  }
  return check(
    id,
    title,
    'fix',
    phone.twoWayEnabled
      ? `${number} delivers inbound texts to ${phone.twoWayChannelArn ?? 'no destination'}, not the stack's topic`
      : `two-way SMS is off for ${number}`,
    [
      `aws pinpoint-sms-voice-v2 update-phone-number --phone-number-id ${phone.phoneNumberId ?? number} --two-way-enabled --two-way-channel-arn ${topic} --region ${facts.region}`,
    ],
    ['without it, STOP, HELP and replies by text never reach Followup'],
  );
}

function smsOptOutCheck(sms: SmsFacts, config: PreflightConfig, number: string, region: string) {
  const id = 'sms-opt-outs';
  const title = 'SMS opt-out mode';
  if (!sms.number.ok || !sms.number.value) return undefined;
  const phone = sms.number.value;
  const selfManaged = config.sms.optOuts === 'self';
  const mode = (self: boolean) =>
    self ? 'self-managed (Followup answers STOP/HELP)' : 'managed by AWS (AWS answers STOP/HELP)';
  if (phone.selfManagedOptOuts === selfManaged) {
    return check(id, title, 'ready', `${mode(selfManaged)}, as sms.optOuts = "${config.sms.optOuts}"`);
  }
  return check(
    id,
    title,
    'fix',
    `${number} is ${mode(phone.selfManagedOptOuts)} but sms.optOuts = "${config.sms.optOuts}"`,
    [
      `aws pinpoint-sms-voice-v2 update-phone-number --phone-number-id ${phone.phoneNumberId ?? number} ${selfManaged ? '--self-managed-opt-outs-enabled' : '--no-self-managed-opt-outs-enabled'} --region ${region}`,
      `or set sms.optOuts to "${phone.selfManagedOptOuts ? 'self' : 'aws'}" in the config and deploy`,
    ],
    [
      'when the two disagree, leads get two answers to STOP or HELP, or none, and START may opt in a lead AWS still blocks',
    ],
  );
}

function smsSandboxCheck(facts: PreflightFacts, sms: SmsFacts): Check {
  const id = 'sms-sandbox';
  const title = 'SMS sandbox';
  if (!sms.accountTier.ok) {
    return unreadable(id, title, sms.accountTier, 'sms-voice:DescribeAccountAttributes');
  }
  const tier = sms.accountTier.value ?? 'unknown';
  if (/production/i.test(tier)) return check(id, title, 'ready', `account tier ${tier}`);
  return check(
    id,
    title,
    /sandbox/i.test(tier) ? 'fix' : 'unknown',
    `account tier ${tier} in ${facts.region}`,
    [
      'open an AWS Support case for an SMS service limit increase to leave the sandbox (End User Messaging SMS)',
    ],
    ['in the SMS sandbox texts reach only verified destination numbers'],
  );
}

export function smsChecks(facts: PreflightFacts, config: PreflightConfig): Check[] {
  const number = config.sms.originationNumber;
  if (!number || !facts.sms) return [];
  const sms = facts.sms;
  return [
    smsNumberCheck(facts, sms, number),
    smsTwoWayCheck(facts, sms, number),
    smsOptOutCheck(sms, config, number, facts.region),
    smsSandboxCheck(facts, sms),
  ].filter((c): c is Check => c !== undefined);
}

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
