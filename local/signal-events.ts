import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoLeadStore } from '../functions/adapters/dynamo/lead-store.ts';
import type { Lead } from '../functions/domain/lead.ts';
import { signToken } from '../functions/domain/tokens.ts';
import { httpEvent } from './api-event.ts';

import type { MemoryRawMailStore } from './raw-mail.ts';

/*
 * POST /api/leads/:id/signals on the local runtime: builds the event AWS would deliver for a reply, a bounce, a
 * complaint, an unsubscribe, a purchase or a text, and runs it through the same handler Lambda runs. Nothing here
 * applies a signal itself.
 */

export const SIGNAL_TYPES = ['reply', 'bounce', 'complaint', 'unsubscribe', 'purchase', 'sms'] as const;
export type LocalSignalType = (typeof SIGNAL_TYPES)[number];

export interface LocalSignalRequest {
  readonly type: LocalSignalType;
  /** The reply's or the text's body; a text defaults to "STOP". */
  readonly text?: string;
  /** A purchase's order total; default the lead's cart total. */
  readonly value?: number;
}

export type LocalHandler = (event: unknown) => Promise<unknown>;

/** The handlers the signals route drives, as Lambda would invoke them. */
export interface SignalHandlers {
  readonly inboundEmail: LocalHandler;
  readonly sesEvents: LocalHandler;
  readonly unsubscribe: LocalHandler;
  readonly smsInbound: LocalHandler;
  readonly outcome: LocalHandler;
  readonly shopEvents: LocalHandler;
  readonly shopWebhook: LocalHandler;
}

/** What delivering a signal needs of the runtime: its table, its clock, the handlers and what they are keyed by. */
export interface SignalRuntime {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly clock: { now(): Date };
  readonly signals: SignalHandlers;
  readonly signingKey: string;
  readonly rawMail: Pick<MemoryRawMailStore, 'put'>;
  readonly config: {
    readonly replyDomain: string;
    readonly sms: { readonly originationNumber?: string | null | undefined };
  };
}

type StoredLead = Pick<Lead, 'leadId' | 'email' | 'name' | 'phone' | 'status' | 'cart'>;

/** What a simulated lead writes back when no text is given: it reads as interested (functions/core/intent.ts). */
export const LOCAL_REPLY_TEXT = 'Thanks, this looks good. Send me more details.';

/** A lead's reply to one of our emails, addressed to its reply token, as the receipt rule stores it. */
export function replyMime(
  lead: Pick<Lead, 'email' | 'name'>,
  reply: { to: string; messageId: string; at: Date; text?: string },
): string {
  return mimeMessage({
    from: lead.email,
    ...(lead.name ? { fromName: lead.name } : {}),
    to: reply.to,
    subject: 'Re: your note',
    text: reply.text ?? LOCAL_REPLY_TEXT,
    date: reply.at,
    messageId: reply.messageId,
  });
}

/** A plain-text email as a mail client would send it, CRLF line ends. */
export function mimeMessage(mail: {
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  text: string;
  date: Date;
  messageId: string;
}): string {
  const name = mail.fromName ? `"${mail.fromName.replace(/["\\\r\n]/g, '')}" ` : '';
  return [
    `From: ${name}<${mail.from}>`,
    `To: <${mail.to}>`,
    `Subject: ${mail.subject.replace(/[\r\n]/g, ' ')}`,
    `Date: ${mail.date.toUTCString()}`,
    `Message-ID: <${mail.messageId}@local.followup>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...mail.text.split(/\r?\n/),
    '',
  ].join('\r\n');
}

/** The event an SES receipt rule's Lambda action sends (after its S3 action stored the message). */
export function sesReceiptEvent(messageId: string, recipients: readonly string[], at: Date) {
  const timestamp = at.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { timestamp, messageId, source: 'sender@local', destination: recipients },
          receipt: {
            timestamp,
            recipients,
            processingTimeMillis: 1,
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            action: { type: 'Lambda', invocationType: 'Event', functionArn: 'local:inbound-email' },
          },
        },
      },
    ],
  };
}

/** What the SES configuration set publishes to EventBridge for a bounce or a complaint of a touch's email. */
export function sesFeedbackEvent(
  kind: 'bounce' | 'complaint',
  lead: Pick<StoredLead, 'leadId' | 'email'>,
  at: Date,
) {
  const timestamp = at.toISOString();
  const mail = {
    timestamp,
    messageId: `local-${randomUUID()}`,
    destination: [lead.email],
    tags: { leadId: [lead.leadId] },
  };
  const detail =
    kind === 'bounce'
      ? {
          eventType: 'Bounce',
          mail,
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: lead.email }],
            timestamp,
          },
        }
      : {
          eventType: 'Complaint',
          mail,
          complaint: { complainedRecipients: [{ emailAddress: lead.email }], timestamp },
        };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': kind === 'bounce' ? 'Email Bounced' : 'Email Complaint Received',
    source: 'aws.ses',
    time: timestamp,
    region: 'local',
    resources: [],
    detail,
  };
}

/** An inbound text as two-way SMS publishes it to the SNS topic. */
export function snsSmsEvent(from: string, to: string, body: string, at: Date) {
  const inboundMessageId = randomUUID();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:local:000000000000:followup-inbound-sms',
          Timestamp: at.toISOString(),
          Message: JSON.stringify({
            originationNumber: from,
            destinationNumber: to,
            messageKeyword: 'KEYWORD_LOCAL',
            messageBody: body,
            inboundMessageId,
            previousPublishedMessageId: '',
          }),
        },
      },
    ],
  };
}

/** A shop's order.completed, as it arrives from the stack's event bus. */
export function orderCompletedEvent(email: string, total: number, currency: string, at: Date) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'order.completed',
    source: 'shop',
    time: at.toISOString(),
    region: 'local',
    resources: [],
    detail: { email, orderId: `local-order-${randomUUID()}`, total, currency },
  };
}

export class SignalRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Delivers one simulated signal through its real handler; answers the lead's status afterwards. */
export async function deliverSignal(
  runtime: SignalRuntime,
  leadId: string,
  request: LocalSignalRequest,
): Promise<{ ok: true; status: string }> {
  const store = new DynamoLeadStore({ client: runtime.ddb, tableName: runtime.tableName });
  const lead = await store.getLead(leadId);
  if (!lead) throw new SignalRequestError(404, `no lead ${leadId}`);
  const at = runtime.clock.now();
  const token = signToken(lead.leadId, runtime.signingKey);
  const { signals } = runtime;
  switch (request.type) {
    case 'reply': {
      const messageId = `local-${randomUUID()}`;
      const to = `reply+${token}@${runtime.config.replyDomain}`;
      runtime.rawMail.put(
        messageId,
        replyMime(lead, { to, messageId, at, ...(request.text ? { text: request.text } : {}) }),
      );
      await signals.inboundEmail(sesReceiptEvent(messageId, [to], at));
      break;
    }
    case 'bounce':
    case 'complaint':
      await signals.sesEvents(sesFeedbackEvent(request.type, lead, at));
      break;
    case 'unsubscribe':
      await signals.unsubscribe(
        httpEvent('POST', `/u/${token}`, {
          body: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          pathParameters: { token },
          routeKey: 'POST /u/{token}',
        }),
      );
      break;
    case 'purchase':
      await signals.shopEvents(
        orderCompletedEvent(
          lead.email,
          request.value ?? lead.cart?.total ?? 0,
          lead.cart?.currency ?? 'USD',
          at,
        ),
      );
      break;
    case 'sms': {
      if (!lead.phone) throw new SignalRequestError(400, 'the lead has no phone number to text from');
      const ours = runtime.config.sms.originationNumber ?? '+10000000000';
      await signals.smsInbound(snsSmsEvent(lead.phone, ours, request.text ?? 'STOP', at));
      break;
    }
    default:
      throw new SignalRequestError(
        400,
        `unknown signal type ${JSON.stringify(request.type satisfies never)}`,
      );
  }
  const after = await store.getLead(leadId);
  return { ok: true, status: after?.status ?? 'deleted' };
}
