import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3RawMailStore } from '../../../../functions/adapters/s3-raw-mail-store.ts';
import { SesMailer } from '../../../../functions/adapters/ses-mailer.ts';
import { ExecutionInputSchema } from '../../../../functions/core/execution-input.ts';
import { suppressionKey } from '../../../../functions/domain/lead.ts';
import { signToken } from '../../../../functions/domain/tokens.ts';
import { makeInboundEmailHandler } from '../../../../functions/handlers/inbound-email.ts';
import { makeReadReplyHandler } from '../../../../functions/handlers/read-reply.ts';
import {
  CREDENTIALS,
  enrolled,
  FALLBACK,
  KEY,
  OWNER,
  REGION,
  starts,
  stops,
  type World,
  world,
} from '../../../support/signal-fixtures.ts';

const s3 = mockClient(S3Client);
const ses = mockClient(SESv2Client);

const ENROLLED_AT = new Date('2026-12-01T15:30:00Z');
const NOW = new Date('2026-12-07T15:00:00Z'); // Monday 7 December
const EMAIL = 'jordan.alvarez@example.com';

let w: World;
let leadId: string;
let enrollmentId: string;
/** Raw MIME by S3 key, as the receipt rule's S3 action stored it. */
let bucket: Map<string, string>;

/** The mail parser and the reply reader it invokes, the reply crossing as JSON as Lambda's Invoke carries it. */
function handler() {
  const read = makeReadReplyHandler({
    ...w.deps,
    mailer: new SesMailer({
      client: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
      from: 'Followup <followup@northwind.example>',
    }),
    signingKey: async () => KEY,
    ownerEmail: OWNER,
    fallbackEmail: FALLBACK,
    clock: () => NOW,
  });
  return makeInboundEmailHandler({
    rawMail: new S3RawMailStore({
      client: new S3Client({ region: REGION, credentials: CREDENTIALS }),
      bucket: 'followup-inbound-test',
      prefix: 'inbound/',
    }),
    reader: { read: (reply) => read(JSON.parse(JSON.stringify(reply)) as typeof reply) },
    logger: w.deps.logger,
    clock: () => NOW,
  });
}

interface Mail {
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  readonly text?: string;
  readonly headers?: readonly string[];
  /** The receipt's spamVerdict, virusVerdict… statuses, as SES puts them in the event. */
  readonly verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', string>>;
  /** The envelope MAIL FROM, SES's `mail.source`. */
  readonly envelope?: string;
}

/** Stores a received email under its message id and returns the SES receipt rule's Lambda event for it. */
function received(messageId: string, mail: Mail = {}) {
  const to = mail.to ?? `reply+${signToken(leadId, KEY)}@reply.northwind.example`;
  bucket.set(
    `inbound/${messageId}`,
    [
      `From: ${mail.from ?? `"Jordan Alvarez" <${EMAIL}>`}`,
      `To: ${to}`,
      `Subject: ${mail.subject ?? 'Re: Your landscaping quote'}`,
      'Date: Mon, 7 Dec 2026 15:00:00 +0000',
      `Message-ID: <${messageId}@mail.example.com>`,
      ...(mail.headers ?? []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      mail.text ?? 'Thanks, this looks good. Could you send the price list?',
      '',
    ].join('\r\n'),
  );
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        ses: {
          mail: {
            messageId,
            timestamp: NOW.toISOString(),
            ...(mail.envelope ? { source: mail.envelope } : {}),
          },
          receipt: {
            timestamp: NOW.toISOString(),
            recipients: [to],
            ...Object.fromEntries(
              Object.entries(mail.verdicts ?? {}).map(([name, status]) => [`${name}Verdict`, { status }]),
            ),
          },
        },
      },
    ],
  };
}

const forwards = (): SendEmailCommandInput[] =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
const lead = () => w.store.leads.get(leadId);

beforeEach(async () => {
  s3.reset();
  ses.reset();
  bucket = new Map();
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const raw = bucket.get(input.Key);
    if (raw === undefined) {
      throw new S3ServiceException({
        name: 'NoSuchKey',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
      });
    }
    return { Body: { transformToByteArray: async () => Buffer.from(raw) } };
  });
  ses.on(SendEmailCommand).resolves({ MessageId: 'forward-1' });
  w = world();
  ({ leadId, enrollmentId } = await enrolled(
    w,
    { email: EMAIL, name: 'Jordan Alvarez', company: 'Alvarez Landscaping' },
    'web-inquiry',
    ENROLLED_AT,
  ));
  const current = lead();
  if (current) {
    w.store.leads.set(leadId, {
      ...current,
      lastContactAt: '2026-12-03T16:00:00Z',
      lastChannel: 'email',
      lastTemplate: 'inquiry-guide',
      touchCount: 2,
    });
  }
});

describe('inbound email: a reply', () => {
  it('matched by its reply token: sets replied, stops the cadence, and forwards it to the owner with context', async () => {
    // Prepare
    const event = received('msg-1');

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', matchedBy: 'token', outcome: 'applied' });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'followup-inbound-test',
      Key: 'inbound/msg-1',
    });
    expect(lead()?.status).toBe('replied');
    expect(stops()).toEqual([
      `arn:aws:states:us-east-1:123456789012:execution:Followup-web-inquiry:${enrollmentId}`,
    ]);
    const [forward, ...more] = forwards();
    expect(more).toEqual([]);
    expect(forward?.Destination?.ToAddresses).toEqual([OWNER]);
    expect(forward?.ReplyToAddresses).toEqual([EMAIL]);
    expect(forward?.Content?.Simple?.Subject?.Data).toBe(
      'Reply from Jordan Alvarez: Re: Your landscaping quote',
    );
    const text = forward?.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).toContain('Company: Alvarez Landscaping');
    expect(text).toContain('Cadence: web-inquiry (stopped)');
    expect(text).toContain('Last touch: 3 Dec 2026 · email · inquiry-guide');
    expect(text).toContain('Could you send the price list?');
  });

  it('matched by the sender when the token is missing and DMARC passed', async () => {
    // Prepare
    const event = received('msg-2', { to: 'sales@northwind.example', verdicts: { dmarc: 'PASS' } });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', matchedBy: 'sender' });
    expect(lead()?.status).toBe('replied');
  });

  it('SES delivering the same message twice forwards it once and records it once', async () => {
    // Prepare
    const event = received('msg-1');
    await handler()(event);
    const events = w.store.events.length;

    // Act
    const [again] = await handler()(event);

    // Assess
    expect(again).toMatchObject({ kind: 'reply', outcome: 'duplicate' });
    expect(forwards()).toHaveLength(1);
    expect(w.store.events).toHaveLength(events);
    expect(stops()).toHaveLength(1);
  });

  it('keeps addresses out of the logs', async () => {
    // Act
    await handler()(received('msg-1'));

    // Assess
    const logs = w.logger.lines.join('\n');
    expect(logs).toContain(leadId);
    expect(logs).not.toContain(EMAIL);
    expect(logs).not.toContain(OWNER);
  });
});

describe('inbound email: machine answers', () => {
  it('an out-of-office with a return date snoozes the lead until then and re-engages it on that day, unforwarded', async () => {
    // Prepare
    const event = received('ooo-1', {
      subject: 'Automatic reply: Your landscaping quote',
      headers: ['Auto-Submitted: auto-replied'],
      text: "I'm out of the office and will be back on Monday 14 December.",
    });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'auto-reply', until: '2026-12-14T15:00:00Z' });
    expect(lead()).toMatchObject({ status: 'snoozed', snoozedUntil: '2026-12-14T15:00:00Z' });
    expect(stops()).toHaveLength(1);
    const reengage = starts().find((s) => s.stateMachineArn?.includes('Followup-re-engage'));
    const input = ExecutionInputSchema.parse(JSON.parse(reengage?.input ?? ''));
    expect(Date.parse(input.schedule[0]?.at ?? '')).toBeGreaterThanOrEqual(
      Date.parse('2026-12-14T15:00:00Z'),
    );
    expect(forwards()).toEqual([]);
    expect(w.store.events.map((e) => e.kind)).toContain('auto-reply');
  });

  it('an auto-reply without a date is recorded and counts for nothing: the cadence runs on', async () => {
    // Prepare
    const event = received('ooo-2', { subject: 'Out of Office', text: 'I have limited access to email.' });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'auto-reply', outcome: 'applied' });
    expect(lead()?.status).toBe('active');
    expect(stops()).toEqual([]);
    expect(forwards()).toEqual([]);
  });
});

describe('inbound email: no lead', () => {
  it('mail with a forged token from a stranger goes to the fallback address, never dropped', async () => {
    // Prepare
    const event = received('stranger-1', {
      from: 'someone@elsewhere.example',
      to: `reply+${leadId}.AAAAAAAAAAAAAAAAAAAAAA@reply.northwind.example`,
      subject: 'Question about your prices',
    });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toEqual({ kind: 'unmatched', outcome: 'forwarded' });
    expect(lead()?.status).toBe('active');
    const [forward] = forwards();
    expect(forward?.Destination?.ToAddresses).toEqual([FALLBACK]);
    expect(forward?.ReplyToAddresses).toEqual(['someone@elsewhere.example']);
    expect(forward?.Content?.Simple?.Subject?.Data).toBe('Unmatched reply: Question about your prices');
  });

  it('fails loudly when the receipt rule stored no mail for the message', async () => {
    // Prepare
    const event = received('msg-3');
    bucket.clear();

    // Act
    const error = await handler()(event).catch((e: Error) => e);

    // Assess
    expect((error as Error).name).toBe('MailNotFound');
    expect(lead()?.status).toBe('active');
  });
});

describe('inbound email: SES verdicts', () => {
  it('a message SES found a virus in is never opened, stops nothing, and reaches the owner as its id alone', async () => {
    // Prepare
    const event = received('virus-1', {
      subject: 'Re: Your landscaping quote — invoice attached',
      text: 'Please open the attachment.',
      verdicts: { spam: 'PASS', virus: 'FAIL' },
    });

    // Act
    const [result] = await handler()(event);
    const [again] = await handler()(event);

    // Assess
    expect(result).toEqual({ kind: 'quarantined', outcome: 'recorded' });
    expect(again).toEqual({ kind: 'quarantined', outcome: 'duplicate' });
    expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    expect(lead()?.status).toBe('active');
    expect(stops()).toEqual([]);
    const [notice, ...more] = forwards();
    expect(more).toEqual([]);
    expect(notice?.Destination?.ToAddresses).toEqual([OWNER]);
    expect(notice?.Content?.Simple?.Subject?.Data).toBe('Quarantined email: SES found a virus');
    const text = notice?.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).toContain('virus-1');
    expect(text).not.toContain('invoice');
    expect(text).not.toContain('attachment');
    expect(text).not.toContain(EMAIL);
    expect(notice?.ReplyToAddresses).toBeUndefined();
  });

  it('spam that carries a valid reply token stops nothing and counts as no reply: it goes out flagged, unmatched', async () => {
    // Prepare
    const event = received('spam-1', {
      subject: 'Re: Your landscaping quote',
      text: 'Cheap watches, click here.',
      verdicts: { spam: 'FAIL', virus: 'PASS' },
    });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toEqual({ kind: 'unmatched', outcome: 'forwarded', flagged: 'spam' });
    expect(lead()?.status).toBe('active');
    expect(stops()).toEqual([]);
    expect(w.store.events.map((e) => e.kind)).not.toContain('reply');
    const [forward, ...more] = forwards();
    expect(more).toEqual([]);
    expect(forward?.Destination?.ToAddresses).toEqual([FALLBACK]);
    expect(forward?.Content?.Simple?.Subject?.Data).toBe(
      'Unmatched reply, flagged as spam: Re: Your landscaping quote',
    );
    expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain('SES flagged as spam');
    expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain('Cheap watches');
  });

  it('a gray spam verdict or failed SPF, DKIM and DMARC change nothing yet: the reply stops the cadence', async () => {
    // Prepare
    const event = received('gray-1', {
      verdicts: { spam: 'GRAY', virus: 'PASS', spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' },
    });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', matchedBy: 'token', outcome: 'applied' });
    expect(lead()?.status).toBe('replied');
    expect(stops()).toHaveLength(1);
  });

  it('a verdict status SES may add later reads as no verdict, not as a broken event', async () => {
    // Prepare
    const event = received('new-status-1', { verdicts: { spam: 'SOMETHING_NEW', virus: 'PASS' } });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', outcome: 'applied' });
  });
});

describe('inbound email: matching by the sender cannot be spoofed', () => {
  const untokened = { to: 'sales@northwind.example', subject: 'Re: Your landscaping quote' };

  it.each([
    ['DMARC passed', { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, undefined],
    [
      'no DMARC policy (GRAY), SPF passed for a bounce domain under the From domain',
      { spf: 'PASS', dkim: 'GRAY', dmarc: 'GRAY' },
      'bounces@mail.example.com',
    ],
    [
      'no DMARC verdict, SPF passed for the From domain itself',
      { spf: 'PASS' },
      'jordan.alvarez@example.com',
    ],
  ])('genuine (%s): the reply stops the follow-up', async (_, verdicts, envelope) => {
    // Prepare
    const event = received('genuine-1', { ...untokened, verdicts, ...(envelope ? { envelope } : {}) });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', matchedBy: 'sender', outcome: 'applied' });
    expect(lead()?.status).toBe('replied');
    expect(stops()).toHaveLength(1);
  });

  it.each([
    ['no verdicts at all', {}, undefined],
    [
      "DMARC failed, though SPF and DKIM passed for the forger's own domain",
      { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' },
      'x@forger.example',
    ],
    [
      'no DMARC policy, SPF passed for an unrelated envelope domain',
      { spf: 'PASS', dmarc: 'GRAY' },
      'x@forger.example',
    ],
    [
      'no DMARC policy, SPF passed for a look-alike domain',
      { spf: 'PASS', dmarc: 'GRAY' },
      'x@notexample.com',
    ],
    [
      'no DMARC policy, DKIM passed but SES does not say for which domain',
      { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' },
      undefined,
    ],
    [
      'DMARC could not be checked, SPF soft-failed',
      { spf: 'FAIL', dmarc: 'PROCESSING_FAILED' },
      'jordan.alvarez@example.com',
    ],
  ])(
    'forged (%s): stops nothing, and reaches the fallback address saying why',
    async (_, verdicts, envelope) => {
      // Prepare
      const event = received('forged-1', {
        ...untokened,
        text: 'Please remove me from your mailing list.',
        verdicts,
        ...(envelope ? { envelope } : {}),
      });

      // Act
      const [result] = await handler()(event);

      // Assess
      expect(result).toEqual({ kind: 'unmatched', outcome: 'forwarded', flagged: 'unverified-sender' });
      expect(lead()?.status).toBe('active');
      expect(stops()).toEqual([]);
      expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(false);
      const [forward, ...more] = forwards();
      expect(more).toEqual([]);
      expect(forward?.Destination?.ToAddresses).toEqual([FALLBACK]);
      expect(forward?.Content?.Simple?.Subject?.Data).toBe(
        'Unmatched reply, sender unverified: Re: Your landscaping quote',
      );
      expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(
        "from a lead's address that SES could not confirm as its sender",
      );
    },
  );

  it('a valid reply token wins over failed verdicts: the token is proof the sender got our email', async () => {
    // Prepare
    const event = received('token-1', { verdicts: { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' } });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', matchedBy: 'token' });
  });
});

describe('inbound email: an opt-out in words', () => {
  const withHistory = (text: string) =>
    [
      text,
      '',
      'On Mon, 7 Dec 2026 at 09:00, Sam at Northwind <sam@northwind.example> wrote:',
      '> Hi Jordan, here is your quote.',
      '> Unsubscribe: https://northwind.example/u/token',
    ].join('\n');

  it('"Please remove me from your mailing list" unsubscribes and suppresses the lead, stops the cadence, and tells the owner', async () => {
    // Prepare
    const event = received('optout-1', { text: withHistory('Please remove me from your mailing list.') });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({
      kind: 'opt-out',
      matchedBy: 'token',
      outcome: 'applied',
      rule: 'remove-from-list',
    });
    expect(lead()?.status).toBe('unsubscribed');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(true);
    expect(stops()).toHaveLength(1);
    const unsubscribed = w.store.events.filter((e) => e.kind === 'unsubscribe');
    expect(unsubscribed.map((e) => e.detail)).toEqual([
      { signalId: 'email:optout-1', words: 'remove me from your mailing list' },
    ]);
    const [forward, ...more] = forwards();
    expect(more).toEqual([]);
    expect(forward?.Destination?.ToAddresses).toEqual([OWNER]);
    expect(forward?.Content?.Simple?.Body?.Text?.Data).toContain(
      'They asked to stop ("remove me from your mailing list"): they are unsubscribed from email.',
    );
  });

  it('our own footer quoted below a reply is not the lead asking to stop', async () => {
    // Prepare
    const event = received('quoted-1', { text: withHistory('Sounds good, Tuesday works.') });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply', outcome: 'applied', reading: 'meeting' });
    expect(lead()?.status).toBe('meeting');
    expect(await w.store.isSuppressed([suppressionKey(EMAIL)])).toBe(false);
  });

  it('a fresh subject "Unsubscribe" with no text opts out', async () => {
    // Prepare
    const fresh = received('subject-1', { subject: 'Unsubscribe', text: '' });

    // Act
    const [result] = await handler()(fresh);

    // Assess
    expect(result).toMatchObject({ kind: 'opt-out', rule: 'unsubscribe' });
    expect(lead()?.status).toBe('unsubscribed');
  });

  it('a "Re:" subject is our own words coming back, not the lead\'s', async () => {
    // Prepare
    const event = received('subject-2', {
      subject: 'Re: Last one from us: no more emails after this',
      text: 'Thanks!',
    });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'reply' });
  });

  it('"please stop texting me" by email revokes SMS consent as well, and records the words', async () => {
    // Prepare
    const current = lead();
    if (current) {
      w.store.leads.set(leadId, {
        ...current,
        phone: '+13125550142',
        smsConsent: {
          at: '2026-12-01T15:30:00Z',
          source: 'https://northwind.example/quote',
          wording: 'Texts OK',
        },
      });
    }
    const event = received('optout-2', { text: 'Please stop texting me, I only read email.' });

    // Act
    const [result] = await handler()(event);

    // Assess
    expect(result).toMatchObject({ kind: 'opt-out', rule: 'stop-doing-to-me' });
    expect(lead()?.smsConsent).toBeUndefined();
    expect(lead()?.smsOptedOutAt).toBe(NOW.toISOString());
    expect(await w.store.isSuppressed([suppressionKey('+13125550142')])).toBe(true);
    expect(w.store.events.find((e) => e.kind === 'sms-stop')?.detail).toEqual({
      signalId: 'email:optout-2:sms',
      words: 'stop texting me',
    });
    expect(forwards()[0]?.Content?.Simple?.Body?.Text?.Data).toContain('and their SMS consent is revoked');
  });

  it('SES delivering the opt-out twice forwards it once', async () => {
    // Prepare
    const event = received('optout-3', { text: 'unsubscribe' });
    await handler()(event);

    // Act
    const [again] = await handler()(event);

    // Assess
    expect(again).toMatchObject({ kind: 'opt-out', outcome: 'duplicate' });
    expect(forwards()).toHaveLength(1);
  });
});
