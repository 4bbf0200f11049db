import { type Check, check, type PreflightConfig, type PreflightFacts, unreadable } from './check.ts';

/*
 * The SMS checks of the deploy preflight, made only when the configuration names an origination number: the number
 * itself, two-way delivery to the stack's topic, the opt-out mode and the account's SMS sandbox.
 */

const smsConsole = (region: string, page: 'phone-numbers' | 'registrations') =>
  `https://console.aws.amazon.com/sms-voice/home?region=${region}#/${page}`;

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
