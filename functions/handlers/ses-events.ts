import * as z from '../core/zod.ts';
import { InvalidPayload } from '../domain/errors.ts';
import {
  receiveSesEvent,
  type SesEventDeps,
  type SesEventResult,
  SesEventSchema,
} from '../domain/ses-events.ts';

/*
 * EventBridge rule on the SES configuration set's events ("Email Bounced", "Email Complaint Received",
 * "Email Delivered", "Email Opened", "Email Clicked"): each becomes a signal on the lead the email's tags name.
 */

export interface SesEventsDeps extends SesEventDeps {
  readonly clock?: () => Date;
}

export function makeSesEventsHandler(deps: SesEventsDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (event: unknown): Promise<SesEventResult> => {
    const parsed = SesEventSchema.safeParse(event);
    if (!parsed.success) throw new InvalidPayload(`SES event: ${z.prettifyError(parsed.error)}`);
    const result = await receiveSesEvent(deps, parsed.data, clock());
    deps.logger.info('ses-event', {
      eventType: parsed.data.detail.eventType,
      messageId: parsed.data.detail.mail.messageId,
      ...result,
    });
    return result;
  };
}
