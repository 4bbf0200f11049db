import type { Cadence } from '../../functions/core/cadence-schema.ts';
import { isHeldOut, pickVariant } from '../../functions/core/variant.ts';
import type { SimEngine } from './engines.ts';
import { wonEvent } from './events.ts';
import type { LambdaCounts } from './metering.ts';
import { streamFor } from './random.ts';
import { drawKind, type ReplyMix } from './reply-mix.ts';
import { ReplyReadings } from './reply-readings.ts';
import { type ReplyWriter, replyText } from './reply-texts.ts';

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
  /** The compiled Task's constants: which variant the touch sent is derived from them. */
  readonly cadenceId?: string;
  readonly stepId?: string;
}

/** What `--variant-effect` and `--lift` change in how the synthetic leads answer. */
export type SimulatedEffects = Pick<AnswerRates, 'variantEffect' | 'lift'>;

/** The held-out leads' conversion rate under `--lift`: treated leads convert `lift` points more. */
export const LIFT_BASE_RATE = 0.05;

export interface AnswerRates {
  readonly seed: number;
  readonly replyRate: number;
  readonly winRate: number;
  readonly dealValue: number;
  /** The kinds of reply a replying lead writes; without one, every reply is LOCAL_REPLY_TEXT, as before the mix. */
  readonly replyMix?: ReplyMix | undefined;
  /** `--variant-effect`: points added to the reply rate of a touch that sent this variant id. */
  readonly variantEffect?: Readonly<Record<string, number>> | undefined;
  /**
   * `--lift`: each lead of a cadence with a holdout converts once, held out at LIFT_BASE_RATE, treated `lift` points
   * more, so the true lift is known; replies then win no deals of their own, which would add to it.
   */
  readonly lift?: number | undefined;
  /** The simulated cadence, for its variants and holdout. */
  readonly cadence?: Cadence | undefined;
}

/**
 * Replies one lead writes in a run at most. A not-now snoozes its lead and starts a re-engage run whose touches the
 * lead answers too; without a bound, a lead drawing not-now each time would be re-engaged for ever on a clock that
 * costs nothing. Without a mix a reply always ends the lead's cadence, so it never writes a second one.
 */
const MAX_REPLIES_PER_LEAD = 3;

/** Only a reply that leaves its lead in one of these may become a won deal: the lead is talking to the rep. */
const WINNABLE: ReadonlySet<string> = new Set(['replied', 'meeting']);

export class LeadAnswers {
  /** Replies and outcomes that failed every attempt. */
  failedDeliveries = 0;
  /** With a mix: each reply's kind, what the reader read it as and what it left the lead as. */
  readonly readings = new ReplyReadings();
  private readonly repliesBy = new Map<string, number>();

  constructor(
    private readonly engine: SimEngine,
    private readonly rates: AnswerRates,
    private readonly lambda: LambdaCounts,
  ) {}

  /**
   * The lead's answer to a touch it was sent: maybe a reply, hours later but before the next touch, through the
   * inbound-email handler (which writes the status, stops the execution and forwards the reply to the owner);
   * maybe, days later, the rep's outcome "won" with the deal's value.
   */
  async answer(touch: TouchPayload): Promise<void> {
    await this.replyTo(touch);
    // After the reply, which comes hours after the touch; the conversion comes days after.
    if (touch.stepIndex === 0) await this.convertWithLift(touch);
  }

  private async replyTo(touch: TouchPayload): Promise<void> {
    const { seed, replyRate, winRate, dealValue, replyMix } = this.rates;
    // Drawn in a fixed order from a stream of this touch's own: the result does not depend on scheduling. The
    // mix's draws come last, so a run without one draws what it always drew.
    const random = streamFor(seed, `${touch.enrollmentId}#${touch.stepIndex}`);
    const replies = random() < replyRate + this.variantEffectOf(touch);
    const delay = HOUR + random() * 5 * HOUR;
    const wins = random() < winRate;
    const closeDelay = DAY + random() * 13 * DAY;
    if (!replies) return;
    const written = this.repliesBy.get(touch.leadId) ?? 0;
    if (written >= MAX_REPLIES_PER_LEAD) return;
    this.repliesBy.set(touch.leadId, written + 1);
    const kind = replyMix ? drawKind(replyMix, random()) : undefined;
    const draws = { phrasing: random(), colleague: random() };
    const sentAt = Date.parse(touch.scheduledAt);
    const before = touch.nextAt ? Date.parse(touch.nextAt) - 60_000 : Number.POSITIVE_INFINITY;
    const repliedAt = new Date(Math.max(sentAt + 60_000, Math.min(sentAt + delay, before)));
    const compose = kind ? (lead: ReplyWriter) => replyText(kind, lead, draws) : undefined;
    const outcome = await this.signalAt(repliedAt, (at) => this.engine.reply(touch.leadId, at, compose));
    if (kind && outcome) this.readings.add(kind, outcome);
    if (!outcome || !WINNABLE.has(outcome.status) || !wins || this.liftRuns()) return;
    await this.signalAt(new Date(repliedAt.getTime() + closeDelay), async (at) => {
      const won = (await this.engine.outcome(wonEvent(touch.leadId, dealValue), at)) as {
        statusCode?: number;
      };
      if ((won.statusCode ?? 500) >= 300) throw new Error(`the outcome "won" was refused: ${won.statusCode}`);
      return 'won';
    });
  }

  /** A held-out lead's first touch, which was not sent: under `--lift`, its one conversion draw. */
  async heldOut(touch: TouchPayload): Promise<void> {
    if (touch.stepIndex === 0) await this.convertWithLift(touch);
  }

  private liftRuns(): boolean {
    return this.rates.lift !== undefined && (this.rates.cadence?.holdout ?? 0) > 0;
  }

  /** The reply-rate points `--variant-effect` adds to the variant this touch sent. */
  private variantEffectOf(touch: TouchPayload): number {
    const { variantEffect, cadence } = this.rates;
    if (!variantEffect || !cadence || touch.stepId === undefined) return 0;
    const variants = cadence.steps.find((s) => s.id === touch.stepId)?.variants;
    const variant = variants && pickVariant(variants, touch.leadId, cadence.id, touch.stepId);
    return variant ? (variantEffect[variant.id] ?? 0) : 0;
  }

  /** Under `--lift`, the lead converts once, one to five days after its first touch was due, from a stream of its own. */
  private async convertWithLift(touch: TouchPayload): Promise<void> {
    const { cadence, lift, seed, dealValue } = this.rates;
    if (!cadence || lift === undefined || !this.liftRuns()) return;
    const random = streamFor(seed, `${touch.leadId}#lift`);
    const rate = LIFT_BASE_RATE + (isHeldOut(cadence, touch.leadId) ? 0 : lift);
    const converts = random() < rate;
    const at = new Date(Date.parse(touch.scheduledAt) + DAY + random() * 4 * DAY);
    if (!converts) return;
    await this.signalAt(at, async (instant) => {
      const won = (await this.engine.outcome(wonEvent(touch.leadId, dealValue), instant)) as {
        statusCode?: number;
      };
      if ((won.statusCode ?? 500) >= 300) throw new Error(`the outcome "won" was refused: ${won.statusCode}`);
      return 'won';
    });
  }

  /**
   * Runs a signal's handler as AWS would deliver it at `instant` (the engine runs it outside any execution),
   * retried as Lambda retries an event; what still fails is counted and answers undefined.
   */
  private async signalAt<T>(instant: Date, deliver: (at: Date) => Promise<T>): Promise<T | undefined> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      this.lambda.signals++;
      try {
        return await deliver(instant);
      } catch {
        // Tried again; the last failure is counted below.
      }
    }
    this.failedDeliveries++;
    return undefined;
  }
}
