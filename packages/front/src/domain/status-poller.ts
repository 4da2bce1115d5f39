/**
 * Polls the hub's state (GET /status and /targets) every `periodMs` while it answers, and with
 * a doubling backoff while it does not, so a dashboard left open on a dead hub does not hammer
 * the front. The last good snapshot is kept through failures; `error` says why the last poll
 * failed. No DOM: the loader and the timers are given.
 */
import { Backoff } from './backoff.js';

export interface PollState<T> {
  /** The last snapshot that loaded; kept while later polls fail. */
  value: T | undefined;
  /** Epoch ms of that snapshot. */
  at: number | undefined;
  /** Why the last poll failed; undefined when it succeeded. */
  error: string | undefined;
  /** Polls failed in a row. */
  failures: number;
}

export interface PollerOptions<T> {
  load: () => Promise<T>;
  listener: (state: PollState<T>) => void;
  periodMs?: number;
  backoff?: Backoff;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export const STATUS_PERIOD_MS = 3000;

export class StatusPoller<T> {
  private state: PollState<T> = { value: undefined, at: undefined, error: undefined, failures: 0 };
  private timer: unknown;
  private running = false;
  /** Bumped by stop() and refresh(): an answer to an older poll is ignored. */
  private generation = 0;
  private readonly backoff: Backoff;
  private readonly periodMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(private readonly options: PollerOptions<T>) {
    this.periodMs = options.periodMs ?? STATUS_PERIOD_MS;
    this.backoff = options.backoff ?? new Backoff(1000, 15_000);
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  get current(): PollState<T> {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.clearTimer(this.timer);
  }

  /** Polls now (after a change the page made, e.g. new targets) instead of at the next period. */
  refresh(): void {
    if (!this.running) return;
    this.generation++;
    this.clearTimer(this.timer);
    void this.poll();
  }

  private async poll(): Promise<void> {
    const generation = this.generation;
    let next: number;
    try {
      const value = await this.options.load();
      if (generation !== this.generation) return;
      this.backoff.reset();
      this.state = { value, at: this.now(), error: undefined, failures: 0 };
      next = this.periodMs;
    } catch (err) {
      if (generation !== this.generation) return;
      this.state = { ...this.state, error: err instanceof Error ? err.message : String(err), failures: this.state.failures + 1 };
      next = this.backoff.next();
    }
    this.options.listener(this.state);
    if (this.running) this.timer = this.setTimer(() => void this.poll(), next);
  }
}
