/**
 * At most `max` subscriptions in any window of `windowMs` on one socket: each one compiles a
 * filter and (re)subscribes a group to every worker, so a client sending filters in a loop (a
 * key handler without a debounce, or worse) would otherwise keep the hub and the workers busy.
 */
export class SubscriptionRate {
  /** When the last `max` subscriptions were taken, oldest first. */
  private readonly taken: number[] = [];

  constructor(
    readonly max: number,
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {}

  /** Takes one subscription now, or says false when the window is full. */
  take(): boolean {
    const now = this.now();
    if (this.taken.length >= this.max) {
      if (now - this.taken[0]! < this.windowMs) return false;
      this.taken.shift();
    }
    this.taken.push(now);
    return true;
  }
}
