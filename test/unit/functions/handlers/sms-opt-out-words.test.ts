import { CheckIfPhoneNumberIsOptedOutCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import { FALLBACK, OWNER, type World } from '../../../support/signal-fixtures.ts';
import {
  AWS_MANAGED,
  EMAIL,
  emails,
  handler,
  lead,
  PHONE,
  RECEIVED_AT,
  sns,
  text,
  texts,
  useSmsWorld,
} from '../../../support/sms-world.ts';

/* A text that asks to stop in words: honoured at once, like STOP, with the words on record. */

const CONFIRMATION =
  "You're unsubscribed from Northwind Supply texts. No more messages. Reply START to resubscribe.";

let w: World;
let leadId: string;
useSmsWorld((world, id) => {
  w = world;
  leadId = id;
});

describe('an opt-out in words, self-managed opt-outs', () => {
  it.each([
    ['please stop texting me', 'stop texting me'],
    ['remove me from your texts', 'remove me from your texts'],
    ["wrong number, don't text me again", "don't text me again"],
    ['Stop please', 'Stop please'],
  ])(
    '"%s" revokes consent with its words and time, suppresses the number, confirms once and tells the owner',
    async (body, words) => {
      // Act
      const [result] = await handler()(text(body));

      // Assess
      expect(result).toMatchObject({ intent: 'opt-out', leadId, outcome: 'applied' });
      expect(lead()?.smsConsent).toBeUndefined();
      expect(lead()?.smsOptedOutAt).toBe(RECEIVED_AT);
      expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
      expect(w.store.events.filter((e) => e.kind === 'sms-stop').map((e) => [e.at, e.detail])).toEqual([
        [RECEIVED_AT, { signalId: 'sms:in-1', words }],
      ]);
      expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
      const [forward, ...more] = emails();
      expect(more).toEqual([]);
      expect(forward?.Destination?.ToAddresses).toEqual([OWNER]);
      expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(
        `They asked to stop ("${words}"): their SMS consent is revoked and the number suppressed.`,
      );
      expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(body);
    },
  );

  it('a redelivered opt-out sends no second confirmation', async () => {
    // Prepare
    await handler()(text('please stop texting me'));

    // Act
    const [again] = await handler()(text('please stop texting me'));

    // Assess
    expect(again?.outcome).toBe('duplicate');
    expect(texts()).toHaveLength(1);
    expect(emails()).toHaveLength(1);
  });

  it('"stop emailing me" by text unsubscribes the email too', async () => {
    // Act
    await handler()(text('Stop emailing me'));

    // Assess
    expect(lead()?.status).toBe('unsubscribed');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(lead()?.smsConsent).toBeUndefined();
  });

  it('a number no lead has: suppressed, confirmed once, and the text reaches a person', async () => {
    // Prepare
    const stranger = '+14155550123';

    // Act
    await handler()(text("wrong number, don't text me again", 'in-7', stranger));
    await handler()(text("wrong number, don't text me again", 'in-7', stranger));

    // Assess
    expect(await w.store.isSuppressed([suppressionKey(stranger)])).toBe(true);
    expect(texts()).toEqual([{ to: stranger, text: CONFIRMATION }]);
    expect(emails().map((e) => e.Destination?.ToAddresses)).toEqual([[FALLBACK]]);
  });

  it.each(['I will stop by Tuesday', "Don't stop, this is great", 'Can we stop at 3?'])(
    '"%s" is a reply: consent stands',
    async (body) => {
      // Act
      const [result] = await handler()(text(body));

      // Assess
      expect(result).toMatchObject({ intent: 'message' });
      expect(lead()?.smsConsent).toMatchObject({ wording: 'Texts OK' });
      expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(false);
      expect(texts()).toEqual([]);
    },
  );

  it('a keyword-only STOP is still the keyword: no forward, one confirmation', async () => {
    // Act
    const [result] = await handler()(text('STOP'));

    // Assess
    expect(result).toMatchObject({ intent: 'stop' });
    expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
    expect(emails()).toEqual([]);
  });
});

describe('an opt-out in words, opt-outs managed by AWS', () => {
  const optedOutAtAws = (isOptedOut: boolean) =>
    sns.on(CheckIfPhoneNumberIsOptedOutCommand).resolves({ isOptedOut });

  it('words AWS did not read as a keyword are confirmed by Followup, once', async () => {
    // Prepare
    optedOutAtAws(false);

    // Act
    const [result] = await handler(AWS_MANAGED)(text('remove me from your texts'));

    // Assess
    expect(result).toMatchObject({ intent: 'opt-out', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(await w.store.isSuppressed([suppressionKey(PHONE)])).toBe(true);
    expect(texts()).toEqual([{ to: PHONE, text: CONFIRMATION }]);
  });

  it('words that began with an AWS keyword ("Stop texting me") were confirmed by AWS: Followup sends nothing', async () => {
    // Prepare
    optedOutAtAws(true);

    // Act
    const [result] = await handler(AWS_MANAGED)(text('Stop texting me'));

    // Assess
    expect(result).toMatchObject({ intent: 'opt-out', outcome: 'applied' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(texts()).toEqual([]);
    expect(sns.commandCalls(CheckIfPhoneNumberIsOptedOutCommand).map((c) => c.args[0].input)).toEqual([
      { phoneNumber: PHONE },
    ]);
  });
});
