import { strict as assert } from 'node:assert';
import type { Backoff } from './backoff.js';
import type { Clock, Timer } from './clock.js';

/** What a push loop keeps in step: one worker's copy of some state the hub owns. */
export interface PushStep {
  /** Whether the worker has the hub's latest state: nothing to send. */
  inSync(): boolean;
  /**
   * Sends what brings the worker to the latest state as it is when called (never an older
   * one); throws when that failed. May return without reaching it (a refused change that
   * calls for the whole state next): the loop then sends again at once.
   */
  send(): Promise<void>;
}

/**
 * One worker's pushes, one at a time, the latest state winning: a change that comes while a
 * push is under way is sent after it (the changes in between are never sent on their own), so
 * the worker never has two pushes in flight and never gets an older state after a newer one.
 * A failed push is retried after a backoff (with jitter) until it lands; a change meanwhile
 * waits for that retry, which sends it, so a worker that is down is not called at every change.
 * The worker coming (back) up ends the wait (`retryNow`).
 */
export class PushLoop {
  private running = false;
  private retry: Timer | undefined;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly step: PushStep,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly onFailure: (err: unknown) => void,
  ) {}

  /** Whether the worker lacks the latest state (a push is under way or waits for its retry). */
  get pending(): boolean {
    return !this.step.inSync();
  }

  /** The state changed: push it, unless a push is under way or a retry waits (they send it). */
  kick(): void {
    if (this.running || this.retry !== undefined || this.stopped) return;
    void this.run();
  }

  /** The worker came (back) up: push now rather than at the backoff's time. */
  retryNow(): void {
    this.clock.clearTimeout(this.retry);
    this.retry = undefined;
    this.backoff.reset();
    this.kick();
  }

  /** Resolves once no push is under way: the worker has the latest state, or a retry waits. */
  settled(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.retry);
    this.retry = undefined;
  }

  private async run(): Promise<void> {
    assert(!this.running && this.retry === undefined, 'one push at a time');
    this.running = true;
    try {
      while (!this.stopped && !this.step.inSync()) {
        try {
          await this.step.send();
          this.backoff.reset();
        } catch (err) {
          if (this.stopped) break;
          this.onFailure(err);
          this.retry = this.clock.setTimeout(() => {
            this.retry = undefined;
            this.kick();
          }, this.backoff.next());
          break;
        }
      }
    } finally {
      this.running = false;
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    }
  }
}
