import { isTimeZone } from '../core/schedule.ts';
import { applyOnce } from './apply-once.ts';
import { unmatchedForward } from './forward.ts';
import { type InboundSms, type InboundSmsResult, receivedSms } from './inbound-sms.ts';
import { deliverReply, type ReplyDeps, readReply } from './signal-reply.ts';

/*
 * A person's text to our number (not a keyword, not a request to stop), read and acted on like an emailed reply:
 * the reader's label decides the signal, the owner gets the forward saying how it was read (docs/architecture.md
 * §4.3). It runs in the reply reader (ReadReply), which SmsInbound invokes, so the reader is bundled once (§4.1, §9).
 * A text from a number that matches no lead still reaches a person.
 */

export async function readSmsReply(
  deps: ReplyDeps,
  message: InboundSms,
  now: Date,
): Promise<InboundSmsResult> {
  const id = `sms:${message.id}`;
  const source = `sms:${message.to}`;
  const leadId = await deps.store.findLeadId('phone', message.from);
  const lead = leadId ? await deps.store.getLead(leadId) : undefined;
  if (leadId && lead) {
    const zone = lead.zone && isTimeZone(lead.zone) ? lead.zone : deps.defaultTimeZone;
    const read = readReply(message.body, {
      channel: 'sms',
      receivedAt: message.receivedAt,
      zone,
      lead,
      ...(deps.replies?.snoozeDays ? { snoozeDays: deps.replies.snoozeDays } : {}),
      now,
    });
    const delivered = await deliverReply(
      deps,
      {
        id,
        leadId,
        at: message.receivedAt,
        source,
        phone: message.from,
        read,
        received: receivedSms(message),
        zone,
      },
      now,
    );
    if (delivered.result.outcome !== 'no-lead') {
      return { intent: 'message', leadId, outcome: delivered.result.outcome, reading: read.reading.label };
    }
  }
  const ran = await applyOnce(
    deps.store,
    { signalId: id, type: 'sms-message', source },
    now,
    async () => {
      await deps.mailer.send(unmatchedForward(receivedSms(message), deps.fallbackEmail));
    },
    deps.logger,
  );
  deps.logger.info('sms-unmatched', { intent: 'message', duplicate: ran.duplicate, stillOptedOut: false });
  return { intent: 'message', outcome: ran.duplicate ? 'duplicate' : 'handled' };
}
