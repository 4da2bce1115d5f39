/**
 * Bounds guessing the sign-in token: a client address gets `maxFailures` wrong tokens per
 * `windowMs`; after that every sign-in from it is refused, right token or not, until its oldest
 * failure leaves the window. At most `maxClients` addresses are tracked: when that many have
 * recent failures, sign-ins from addresses not yet tracked are refused too (an attacker with many
 * addresses cannot grow the table without bound). Behind a proxy every client has the proxy's
 * address, so they share one budget.
 */
export interface SignInLimiterOptions {
  maxFailures: number;
  windowMs: number;
  maxClients: number;
  now?: () => number;
}

export class SignInLimiter {
  /** Times of the failures inside the window, oldest first, per address. */
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: SignInLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** 0 when `address` may try now; else the ms until it may. */
  retryAfterMs(address: string): number {
    const now = this.now();
    const times = this.recent(address, now);
    if (times === undefined) {
      if (this.failures.size < this.options.maxClients) return 0;
      this.prune(now);
      return this.failures.size < this.options.maxClients ? 0 : this.options.windowMs;
    }
    return times.length < this.options.maxFailures ? 0 : times[0]! + this.options.windowMs - now;
  }

  /** A wrong token from `address` (only called when retryAfterMs said 0). */
  failed(address: string): void {
    const now = this.now();
    const times = this.recent(address, now) ?? [];
    times.push(now);
    this.failures.set(address, times);
  }

  /** A right token: the address starts afresh. */
  succeeded(address: string): void {
    this.failures.delete(address);
  }

  /** The failures of `address` still inside the window, or undefined when none. */
  private recent(address: string, now: number): number[] | undefined {
    const times = this.failures.get(address);
    if (times === undefined) return undefined;
    while (times.length > 0 && times[0]! + this.options.windowMs <= now) times.shift();
    if (times.length > 0) return times;
    this.failures.delete(address);
    return undefined;
  }

  private prune(now: number): void {
    for (const address of [...this.failures.keys()]) this.recent(address, now);
  }
}
