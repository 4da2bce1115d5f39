/**
 * `shoal observe`'s stream as a state machine: open from `since`; on a drop, wait (0.5 s doubling
 * to 10 s) and open again where the printer's resume rule says (model's wire/feed.ts, shared
 * with the hub and the dashboard), from the moment the stream was lost; a hub that asked to be
 * tried later (its bound on replays, 4429) is retried the same way. The socket, the clock and
 * the waits are given, so the tests step it without a network.
 */
import { FeedClose, isShoalError, type Entry } from '@shoal/model';
import type { FeedMessage } from './hub-client.js';

/** Reconnection after the stream dropped (a hub restart): doubling from 0.5 s up to 10 s. */
export const RETRY_FIRST_MS = 500;
export const RETRY_MAX_MS = 10_000;

/** Where the entries go, and where a stream opened again starts. */
export interface EntrySink {
  print(entry: Entry): void;
  resumeSince(lostAt: number): number;
}

export interface FollowerDeps {
  /** Opens `/ws` from `since`; `done` resolves when the socket closes, rejects when it could not open. */
  open(since: number, on: (m: FeedMessage) => void): { done: Promise<void>; close(): void };
  sleep(ms: number): Promise<void>;
  now(): number;
  /** A line for stderr. */
  warn(line: string): void;
}

export class StreamFollower {
  private stopping = false;
  private current: { close(): void } | null = null;

  constructor(
    private readonly sink: EntrySink,
    private readonly deps: FollowerDeps,
    /** Go on with live entries after the replay (--follow); else stop at the first `ready`. */
    private readonly live: boolean,
    /** How the messages name the hub. */
    private readonly hubName: string,
  ) {}

  /** Ctrl-C: the current stream closes and run() returns. */
  stop(): void {
    this.stopping = true;
    this.current?.close();
  }

  /**
   * Runs until stopped (or, without `live`, until a replay is done). Throws what the hub
   * refused (a bad filter, a wrong token), and an unreachable hub before any stream opened.
   */
  async run(since: number): Promise<void> {
    let retryMs = RETRY_FIRST_MS;
    // Once a stream has opened, the hub exists: refused connections later mean it is restarting.
    let reached = false;
    /** When the stream was lost: the first drop since the last `ready`. */
    let lostAt: number | null = null;
    for (let from = since; !this.stopping; from = this.sink.resumeSince(lostAt ?? this.deps.now())) {
      let busy: string | null = null;
      const on = (m: FeedMessage): void => {
        if (m.kind === 'open') reached = true;
        else if (m.kind === 'closed' && m.code === FeedClose.TRY_LATER) busy = m.reason;
        else if (m.kind === 'entry') this.sink.print(m.entry);
        else if (m.kind === 'lost') this.deps.warn(`${m.count} entries skipped: the terminal read too slowly`);
        else if (m.kind === 'ready') {
          retryMs = RETRY_FIRST_MS;
          lostAt = null;
          if (!this.live) this.stop();
        }
      };
      const current = this.deps.open(from, on);
      this.current = current;
      try {
        await current.done;
      } catch (err) {
        // A refusal (bad filter, wrong token) will not get better by retrying; an unreachable hub
        // is retried only once a stream from it has opened (it is restarting), even if that
        // stream dropped before its `ready` (during a long replay).
        if (!reached || !isShoalError(err) || err.code !== 'CLI_ERR_CONNECT') throw err;
      }
      if (this.stopping) break;
      lostAt ??= this.deps.now();
      const why = busy !== null ? `the hub asked to try later (${busy})` : `the stream from ${this.hubName} dropped`;
      this.deps.warn(`${why}; reconnecting in ${retryMs / 1000}s`);
      await this.deps.sleep(retryMs);
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    }
  }
}
