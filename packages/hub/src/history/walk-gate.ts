import { ApiError, ErrorCodes } from '../api/http-util.js';

/** What a refused walk's client is told to wait, in seconds (Retry-After, RFC 9110 §10.2.3). */
export const WALK_RETRY_AFTER_S = 2;
/** Answers kept for sharing at most, whatever `shareMs`: the memory of many distinct quick walks. */
const MAX_KEPT_ANSWERS = 32;

interface Walk {
  answer: Promise<unknown>;
  /** When it finished (its answer is shared until `shareMs` later); Infinity while it runs. */
  finishedAt: number;
}

/**
 * Admits the walks of /stats and /servicemap (each reads the history of every worker over its
 * range): at most `maxWalks` run at once, and one beyond that is refused with
 * `503 HUB_ERR_TOO_MANY_WALKS` and Retry-After (RFC 9110 §15.6.4). A walk asked again with the
 * same key (route and parameters) while it runs, or within `shareMs` after it finished, is not
 * walked again: it gets the same answer. Every open map tab asks every few seconds; with a
 * window aligned on the refresh period (the dashboard's time-window.ts), the tabs share one walk.
 */
export class WalkGate {
  /** Walks running now. */
  running = 0;
  /** Walks started, refused, and answers given from another request's walk. */
  readonly counts = { walks: 0, refused: 0, shared: 0 };
  private readonly walks = new Map<string, Walk>();

  constructor(
    readonly maxWalks: number,
    readonly shareMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  run<T>(key: string, walk: () => Promise<T>): Promise<T> {
    this.forgetStale();
    const known = this.walks.get(key);
    if (known !== undefined) {
      this.counts.shared++;
      return known.answer as Promise<T>;
    }
    if (this.running >= this.maxWalks) {
      this.counts.refused++;
      throw new ApiError(
        503,
        ErrorCodes.HUB_ERR_TOO_MANY_WALKS,
        `${this.running} walks of the history (/stats, /servicemap) are running, the most this hub runs at once (--max-walks ${this.maxWalks}): retry in ${WALK_RETRY_AFTER_S} s, or narrow from=/to=`,
        {},
        { 'retry-after': String(WALK_RETRY_AFTER_S) },
      );
    }
    this.running++;
    this.counts.walks++;
    const entry: Walk = { answer: Promise.resolve(), finishedAt: Infinity };
    entry.answer = Promise.resolve().then(walk).then(
      (answer) => {
        this.running--;
        entry.finishedAt = this.now();
        return answer;
      },
      (err: unknown) => {
        this.running--;
        // A failure is not shared beyond the requests that waited for it.
        if (this.walks.get(key) === entry) this.walks.delete(key);
        throw err;
      },
    );
    this.walks.set(key, entry);
    return entry.answer as Promise<T>;
  }

  private forgetStale(): void {
    const now = this.now();
    let finished = 0;
    // Oldest first (insertion order): the ones over the count go first.
    for (const [key, w] of this.walks) if (w.finishedAt !== Infinity && now - w.finishedAt >= this.shareMs) this.walks.delete(key);
    for (const w of this.walks.values()) if (w.finishedAt !== Infinity) finished++;
    for (const [key, w] of this.walks) {
      if (finished <= MAX_KEPT_ANSWERS) break;
      if (w.finishedAt !== Infinity) {
        this.walks.delete(key);
        finished--;
      }
    }
  }
}
