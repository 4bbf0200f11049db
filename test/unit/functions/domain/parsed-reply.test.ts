import { describe, expect, it } from 'vitest';
import type { InboundMail } from '../../../../functions/domain/inbound-email.ts';
import {
  openedReply,
  ParsedReplySchema,
  parsedReply,
  quarantinedReply,
  REPLY_TEXT_MAX,
} from '../../../../functions/domain/parsed-reply.ts';

/* What the mail parser hands the reply reader (docs/architecture.md §4.1): bounded, schema-checked, lossless below the bounds. */

const MAIL: InboundMail = {
  messageId: 'msg-1',
  receivedAt: '2026-12-07T15:00:00.000Z',
  recipients: ['reply+tok@reply.example.com', 'sales@example.com'],
  verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
  envelopeFrom: 'bounce@mail.example.org',
  from: 'jordan@example.org',
  fromName: 'Jordan Alvarez',
  subject: 'Re: Your quote',
  text: 'Not right now, try me in March.\n\nOn Mon, Sam wrote:\n> Hi Jordan',
  headers: { 'auto-submitted': 'no', 'message-id': '<msg-1@example.org>' },
};

describe('the parsed reply', () => {
  it('carries a mail whole, and the reader opens it to what the parser read', () => {
    // Act
    const reply = parsedReply(MAIL, 'inbound/msg-1');

    // Assess: valid by the reader's schema, and nothing lost on the way
    expect(ParsedReplySchema.parse(JSON.parse(JSON.stringify(reply)))).toEqual(reply);
    expect(openedReply(reply).mail).toEqual(MAIL);
    expect(reply).not.toHaveProperty('truncated');
  });

  it('cuts a text over the bound at its end, flags it, and says where the whole message is', () => {
    // Prepare: the new words on top, a long quoted history below
    const long = { ...MAIL, text: `Yes, call me.\n${'> old thread line\n'.repeat(REPLY_TEXT_MAX / 10)}` };

    // Act
    const reply = parsedReply(long, 'inbound/msg-1');

    // Assess
    if (reply.kind !== 'mail') throw new Error('an opened mail');
    expect(reply.truncated).toBe(true);
    expect(reply.text.startsWith('Yes, call me.')).toBe(true);
    expect(reply.text).toContain('the whole message is stored as inbound/msg-1');
    expect(ParsedReplySchema.safeParse(reply).success).toBe(true);
  });

  it('never ends a cut text on half a character', () => {
    // Prepare: an emoji (two UTF-16 units) straddling the bound
    const text = `${'a'.repeat(REPLY_TEXT_MAX - 1)}😀 and more`;

    // Act
    const reply = parsedReply({ ...MAIL, text }, 'k');

    // Assess
    if (reply.kind !== 'mail') throw new Error('an opened mail');
    expect(reply.text.startsWith(`${'a'.repeat(REPLY_TEXT_MAX - 1)}\n[…`)).toBe(true);
  });

  it('a quarantined receipt carries no content, and the reader refuses content beyond the bounds', () => {
    // Act
    const quarantined = quarantinedReply(MAIL, 'inbound/msg-1');
    const oversized = { ...parsedReply(MAIL, 'k'), text: 'x'.repeat(REPLY_TEXT_MAX + 1000) };
    const extraHeaders = {
      ...parsedReply(MAIL, 'k'),
      headers: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`x-h${i}`, 'v'])),
    };

    // Assess
    expect(quarantined).not.toHaveProperty('text');
    expect(openedReply(quarantined).mail).toBeUndefined();
    expect(ParsedReplySchema.safeParse(oversized).success).toBe(false);
    expect(ParsedReplySchema.safeParse(extraHeaders).success).toBe(false);
  });
});
