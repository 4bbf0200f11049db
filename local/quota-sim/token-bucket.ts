/*
 * A token bucket as AWS describes its throttles: `capacity` tokens when full, refilled continuously at `refillPerSecond`.
 * Time is an argument (epoch ms) and never goes backwards, so a run is the same on every machine.
 */

export class TokenBucket {
  private tokens: number;
  private at = Number.NEGATIVE_INFINITY;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
  ) {
    if (!(capacity >= 1) || !(refillPerSecond > 0)) {
      throw new RangeError(
        `a bucket needs capacity ≥ 1 and a positive refill (got ${capacity}, ${refillPerSecond})`,
      );
    }
    this.tokens = capacity;
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    const added = Number.isFinite(this.at) ? ((now - this.at) / 1000) * this.refillPerSecond : this.capacity;
    this.tokens = Math.min(this.capacity, this.tokens + added);
    this.at = now;
  }

  /** Takes a token if one is there: false is a throttle (SES, Lambda, StartExecution answer with an error). */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes the next token in turn and says when it is there: Step Functions delays a throttled state transition rather
   * than failing it, so later callers queue behind earlier ones (the bucket goes into debt).
   */
  reserve(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    if (this.tokens >= 0) return now;
    return now + Math.ceil((-this.tokens / this.refillPerSecond) * 1000);
  }

  /** Tokens left at `now` (negative while transitions queue). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }
}
