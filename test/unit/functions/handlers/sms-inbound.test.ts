import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CheckIfPhoneNumberIsOptedOutCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import { OWNER, stops, type World } from '../../../support/signal-fixtures.ts';
import {
  AWS_MANAGED,
  handler,
  lead,
  OURS,
  PHONE,
  ses,
  sns,
  text,
  texts,
  useSmsWorld,
} from '../../../support/sms-world.ts';

let w: World;
let leadId: string;
useSmsWorld((world, id) => {
  w = world;
  leadId = id;
});

describe('inbound SMS, self-managed opt-outs: STOP', () => {
  it.each([
    'STOP',
    'stop',
    '  Stop  ',
    'STOPALL',
    'unsubscribe',
    'Cancel',
    'END',
    'quit',
    'OptOut',
    'revoke',
    'stop.',
    // The rest of the opt-out keywords AWS End User Messaging requires (US and Canada).
    'ARRET',
    'opt-out',
    'Remove',
    'TD',
  ])('"%s" opts out with exactly one confirmation', async (body) => {
    // Act
    await handler()(text(body));

    // Assess
    expect(texts()).toEqual([
      {
        to: PHONE,
        text: "You're unsubscribed from Northwind Supply texts. No more messages. Reply START to resubscribe.",
      },
    ]);
    expect(lead()?.smsConsent).toBeUndefined();
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(lead()?.status).toBe('active');
  });

  it('a redelivered STOP sends no second confirmation and records nothing more', async () => {
    // Prepare
    await handler()(text('STOP'));
    const events = w.store.events.length;

    // Act
    const [again] = await handler()(text('STOP'));

    // Assess
    expect(again?.outcome).toBe('duplicate');
    expect(texts()).toHaveLength(1);
    expect(w.store.events).toHaveLength(events);
  });

  it('STOP from a number no lead has is still honoured: suppressed, confirmed once', async () => {
    // Prepare
    const stranger = '+14155550123';

    // Act
    await handler()(text('stop', 'in-9', stranger));
    await handler()(text('stop', 'in-9', stranger));

    // Assess
    expect(await w.store.isSuppressed([suppressionKey(stranger)])).toBe(true);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]?.to).toBe(stranger);
  });
});

describe('inbound SMS, self-managed opt-outs: HELP, START and replies', () => {
  it('HELP answers with the business, a contact, the frequency and how to stop', async () => {
    // Act
    await handler()(text(' help '));

    // Assess
    expect(texts()).toEqual([
      {
        to: PHONE,
        text: 'Northwind Supply: help at sam@northwind.example or (312) 555-0199. Up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.',
      },
    ]);
    expect(lead()?.status).toBe('active');
  });

  it('START after STOP opts back in, with "START keyword" as the consent wording', async () => {
    // Prepare
    await handler()(text('STOP', 'in-1'));

    // Act
    await handler()(text('start', 'in-2'));

    // Assess
    expect(lead()?.smsConsent).toMatchObject({ wording: 'START keyword', source: `sms:${OURS}` });
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(false);
    expect(texts().map((t) => t.text)).toEqual([
      "You're unsubscribed from Northwind Supply texts. No more messages. Reply START to resubscribe.",
      "You're resubscribed to Northwind Supply texts. Reply HELP for help, STOP to opt out.",
    ]);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toEqual([]);
  });

  it('any other text is a reply: replied, the cadence stops, and the owner gets it by email', async () => {
    // Act
    const [result] = await handler()(text('Sounds good, tell me more'));

    // Assess
    expect(result).toMatchObject({ intent: 'message', outcome: 'applied', leadId });
    expect(lead()?.status).toBe('replied');
    expect(stops()).toHaveLength(1);
    const [forward] = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(forward?.Destination?.ToAddresses).toEqual([OWNER]);
    expect(forward?.Content?.Simple?.Subject?.Data).toBe('Text from Jordan Alvarez');
    expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain('Sounds good, tell me more');
    expect(texts()).toEqual([]);
  });

  it('keeps phone numbers out of the logs', async () => {
    // Act
    await handler()(text('STOP'));

    // Assess
    expect(w.logger.lines.join('\n')).not.toContain(PHONE);
  });
});

describe('inbound SMS, opt-outs managed by AWS End User Messaging', () => {
  const optedOutAtAws = (isOptedOut: boolean) =>
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut });
  const event = (kind: string) => w.store.events.filter((e) => e.leadId === leadId && e.kind === kind);

  it('STOP revokes consent and suppresses the number, and sends nothing: AWS has confirmed it', async () => {
    // Act
    const [result] = await handler(AWS_MANAGED)(text('STOP'));

    // Assess
    expect(result).toMatchObject({ intent: 'stop', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(lead()?.smsOptedOutAt).toBe('2026-03-05T17:59:30.000Z');
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(texts()).toEqual([]);
  });

  it('HELP is recorded and not answered: AWS has answered it', async () => {
    // Act
    await handler(AWS_MANAGED)(text('help'));

    // Assess
    expect(texts()).toEqual([]);
    expect(event('sms-help')).toHaveLength(1);
  });

  it('START while AWS still lists the number as opted out re-grants nothing', async () => {
    // Prepare
    await handler(AWS_MANAGED)(text('STOP', 'in-1'));
    optedOutAtAws(true);

    // Act
    const [result] = await handler(AWS_MANAGED)(text('START', 'in-2'));

    // Assess
    expect(result).toMatchObject({ intent: 'start', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(event('sms-start').map((e) => e.detail)).toEqual([
      { signalId: 'sms:in-2', keyword: 'START', stillOptedOut: true },
    ]);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand).map((c) => c.args[0].input)).toEqual([
      { phoneNumber: PHONE },
    ]);
    expect(texts()).toEqual([]);
  });

  it('START that AWS acted on (an Opt-in keyword took the number off its list) re-grants consent, silently', async () => {
    // Prepare
    await handler(AWS_MANAGED)(text('STOP', 'in-1'));
    optedOutAtAws(false);

    // Act
    await handler(AWS_MANAGED)(text('unstop', 'in-2'));

    // Assess
    expect(lead()?.smsConsent).toMatchObject({ wording: 'START keyword', source: `sms:${OURS}` });
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(false);
    expect(texts()).toEqual([]);
  });

  it('a number no lead has: STOP suppresses it, START leaves it suppressed while AWS does, neither is answered', async () => {
    // Prepare
    const stranger = '+14155550123';
    optedOutAtAws(true);

    // Act
    await handler(AWS_MANAGED)(text('stop', 'in-8', stranger));
    await handler(AWS_MANAGED)(text('start', 'in-9', stranger));

    // Assess
    expect(await w.store.isSuppressed([suppressionKey(stranger)])).toBe(true);
    expect(texts()).toEqual([]);
  });

  it('a throttled opt-out lookup fails as TransientError and records nothing, so the redelivery decides', async () => {
    // Prepare
    await handler(AWS_MANAGED)(text('STOP', 'in-1'));
    sns
      .on(CheckIfPhoneNumberIsOptedOutCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const events = w.store.events.length;

    // Act
    const failed = handler(AWS_MANAGED)(text('START', 'in-2'));

    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'TransientError' });
    expect(w.store.events).toHaveLength(events);
    optedOutAtAws(false);
    const [retried] = await handler(AWS_MANAGED)(text('START', 'in-2'));
    expect(retried?.outcome).toBe('applied');
    expect(lead()?.smsConsent).toMatchObject({ wording: 'START keyword' });
  });

  it('any other text is still a reply forwarded to the owner', async () => {
    // Act
    const [result] = await handler(AWS_MANAGED)(text('Call me Friday'));

    // Assess
    expect(result).toMatchObject({ intent: 'message', outcome: 'applied' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand)).toEqual([]);
  });
});
