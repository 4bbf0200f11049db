import { executionContext } from '../step-functions.ts';
import type { SimEngine } from './engines.ts';
import { wonEvent } from './events.ts';
import type { LambdaCounts } from './metering.ts';
import { streamFor } from './random.ts';
import type { VirtualClock } from './virtual-clock.ts';

/* How a synthetic lead answers a touch it was sent: through the real signal handlers, at an instant of its own. */

const HOUR = 3_600_000;
/** As Lambda retries an asynchronous event twice: a delivery that still fails is counted, never fatal. */
const ATTEMPTS = 3;
const DAY = 24 * HOUR;

/** What the touch function is invoked with, as far as an answer needs it. */
export interface TouchPayload {
  readonly leadId: string;
  readonly enrollmentId: string;
  readonly stepIndex: number;
  readonly scheduledAt: string;
  readonly nextAt?: string;
}

export interface AnswerRates {
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
}

export class LeadAnswers {
  /** Replies and outcomes that failed every attempt. */
  failedDeliveries = 0;

  constructor(
    private readonly engine: SimEngine,
    private readonly clock: VirtualClock,
    private readonly rates: AnswerRates,
    private readonly lambda: LambdaCounts,
  ) {}

  /**
   * The lead's answer to a touch it was sent: maybe a reply, hours later but before the next touch, through the
   * inbound-email handler (which writes the status, stops the execution and forwards the reply to the owner);
   * maybe, days later, the rep's outcome "won" with the deal's value.
   */
  async answer(touch: TouchPayload): Promise<void> {
    const { seed, replyRate, winRate, dealValue } = this.rates;
    // Drawn in a fixed order from a stream of this touch's own: the result does not depend on scheduling.
    const random = streamFor(seed, `${touch.enrollmentId}#${touch.stepIndex}`);
    const replies = random() < replyRate;
    const delay = HOUR + random() * 5 * HOUR;
    const wins = random() < winRate;
    const closeDelay = DAY + random() * 13 * DAY;
    if (!replies) return;
    const sentAt = Date.parse(touch.scheduledAt);
    const before = touch.nextAt ? Date.parse(touch.nextAt) - 60_000 : Number.POSITIVE_INFINITY;
    const repliedAt = new Date(Math.max(sentAt + 60_000, Math.min(sentAt + delay, before)));
    const status = await this.signalAt(repliedAt, () => this.engine.reply(touch.leadId));
    if (status !== 'replied' || !wins) return;
    await this.signalAt(new Date(repliedAt.getTime() + closeDelay), async () => {
      const won = (await this.engine.outcome(wonEvent(touch.leadId, dealValue))) as { statusCode?: number };
      if ((won.statusCode ?? 500) >= 300) throw new Error(`the outcome "won" was refused: ${won.statusCode}`);
      return 'won';
    });
  }

  /**
   * Runs a signal's handler as AWS would deliver it at `instant`, from outside any execution, retried as Lambda
   * retries an event; what still fails is counted and answers undefined.
   */
  private async signalAt(instant: Date, deliver: () => Promise<string>): Promise<string | undefined> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      this.lambda.signals++;
      try {
        return await executionContext.exit(() => this.clock.at(instant, deliver));
      } catch {
        // Tried again; the last failure is counted below.
      }
    }
    this.failedDeliveries++;
    return undefined;
  }
}
