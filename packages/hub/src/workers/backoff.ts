/**
 * Exponential backoff with jitter for reconnecting to a worker. The jitter ("equal jitter":
 * half the delay fixed, half random) spreads the retries of one hub over many workers, and of
 * many subscriptions over one worker that comes back, so a returning worker is not hit by every
 * retry in the same millisecond.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    readonly baseMs = 250,
    readonly maxMs = 10_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the ceiling up to `maxMs`. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return ceiling / 2 + (ceiling / 2) * this.random();
  }

  /** After a success: the next failure starts again from `baseMs`. */
  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
