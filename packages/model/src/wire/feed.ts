/**
 * The live feed's shared contract (worker /ws, hub /ws; docs/api.md, docs/hub.md): close codes,
 * and the one rule by which every client of a feed (the hub's subscriptions to workers, the
 * dashboard, `shoal observe`) resumes after its socket broke, without losing or repeating an
 * entry. Pure TypeScript: the dashboard imports it too.
 */
import type { Entry } from '../entry.js';
import type { ErrorAnswer } from './errors.js';

/**
 * How long a dissector waits for a response before it emits a request without one (the
 * dissector's default `responseTimeoutMs`, `shoal dissect --response-timeout`). An entry is
 * emitted when its response ends, at most this long after its request's first byte (its
 * `timestamp`) unless the response itself is still streaming.
 */
export const RESPONSE_TIMEOUT_MS = 30_000;

/**
 * How far before the newest entry it delivered a feed resumes: an entry with an earlier
 * timestamp may still be emitted up to the response timeout later, so it may not have been
 * sent yet when the socket broke. Only an entry whose response lasted longer than this can be
 * missed by a resumed feed.
 */
export const RESUME_MARGIN_MS = RESPONSE_TIMEOUT_MS;

/**
 * Most ids a feed remembers to drop what a resumption sends again. The memory holds the ids of
 * the last RESUME_MARGIN_MS of entries (rate × margin: 60,000 ids at 2,000 entries/s); past
 * this cap (6,600 entries/s sustained) the oldest go, and a resumption starts after the
 * newest id forgotten so that it still repeats nothing.
 */
export const MAX_RESUME_IDS = 200_000;

/**
 * A subscription a client sends on /ws (worker and hub; a later one on the hub's socket
 * changes its query): `{"filter": …, "since": ms, "batch": bool}`, `q` standing for `filter`,
 * or the bare filter text.
 */
export interface SubscribeMessage {
  filter: string;
  since?: number;
  /** Hub only: entries in batches, one message per merge tick. */
  batch?: boolean;
}

/** A `since` as a client gave it (query parameter or message field): epoch ms, else undefined. */
export function sinceOf(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '' || typeof value === 'boolean') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A client's message on /ws: SubscribeMessage's JSON, or (anything else) the filter itself. */
export function parseSubscribeMessage(text: string): SubscribeMessage {
  try {
    const json = JSON.parse(text) as unknown;
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const o = json as Record<string, unknown>;
      const sub: SubscribeMessage = { filter: String(o['filter'] ?? o['q'] ?? '') };
      const since = sinceOf(o['since']);
      if (since !== undefined) sub.since = since;
      if (typeof o['batch'] === 'boolean') sub.batch = o['batch'];
      return sub;
    }
  } catch {
    // Not JSON: the message is the filter itself.
  }
  return { filter: text };
}

/** The subscription is live: what came before it was its replay (`replayed` entries). */
export interface ReadyMessage {
  ready: {
    filter: string;
    replayed: number;
    /** Worker: the id of the last entry it made before going live (null: none this run). */
    last?: string | null;
    /** Hub: the id of the query's shared group (`/status` `feed.queries[].id`). */
    query?: string;
  };
}

/** Entries skipped for a client that read too slowly, since the last such notice. */
export interface LostMessage {
  lost: number;
}

/** Hub, batched clients: the entries of one merge tick. */
export interface EntriesMessage<E = Entry> {
  entries: E[];
}

/** What /ws sends besides entries (an `error` carries a coded ErrorBody, docs/errors.md). */
export type FeedNotice = ReadyMessage | LostMessage | ErrorAnswer;

/** Any message of /ws, worker and hub alike. */
export type FeedMessage<E = Entry> = E | EntriesMessage<E> | FeedNotice;

/** Close codes of /ws, worker and hub alike (4000-4999 are the application's, RFC 6455 §7.4.2). */
export const FeedClose = {
  /** The first filter does not compile; the `error` message before it says where. */
  BAD_FILTER: 4400,
  /** No filter (`q`, or a first message) within 30 s. */
  NO_FILTER: 4408,
  /** The hub's bound on replays was reached (HUB_ERR_REPLAY_LIMIT): try again after a backoff. */
  TRY_LATER: 4429,
} as const;

/**
 * The header by which a proxy in front of the hub (the front) names the client a request comes
 * from, for the hub's per-client bounds; without it the client is the peer address.
 */
export const CLIENT_ID_HEADER = 'x-shoal-client';

/** Where an entry sits in its worker's order: ids are `<worker>/<run>/<seq>`, seq counting up per run. */
export interface EntryPosition {
  /** `<worker>/<run>/`: the ids of one run of one worker start with it. */
  run: string;
  seq: number;
}

/** The position of an entry id, or undefined for an id of another shape. */
export function entryPosition(id: string): EntryPosition | undefined {
  const cut = id.lastIndexOf('/');
  if (cut <= 0 || id.lastIndexOf('/', cut - 1) <= 0) return undefined;
  const seq = Number(id.slice(cut + 1));
  return Number.isSafeInteger(seq) ? { run: id.slice(0, cut + 1), seq } : undefined;
}

/** The smallest number above `x` (for `since`, which includes its bound). */
function justAfter(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] = bits[0]! + (x > 0 ? 1n : -1n);
  return new Float64Array(bits.buffer)[0]!;
}

/**
 * What a feed delivered, to resume it after a break: the newest timestamp, and the ids of the
 * entries within RESUME_MARGIN_MS of it. `deliver` drops an id seen already; `resumeSince`
 * says where the next subscription starts. Ids are forgotten once older than the margin (in
 * the order they came, so an entry delivered late stays a little longer), or past `maxIds`.
 */
export class ResumeState {
  private readonly ids = new Map<string, number>();
  private newestTs: number | undefined;
  /** The newest timestamp among ids forgotten for the cap: a resumption starts after it. */
  private floor = -Infinity;

  constructor(
    /** The first subscription's `since` (undefined: live only). */
    private since: number | undefined = undefined,
    private readonly maxIds = MAX_RESUME_IDS,
  ) {}

  /** Entries delivered so far, newest timestamp (undefined before the first). */
  get newest(): number | undefined {
    return this.newestTs;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.ids.size;
  }

  /** Records an entry to deliver; false when it was delivered already (a resumption's repeat). */
  deliver(id: string, timestamp: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.set(id, timestamp);
    if (this.newestTs === undefined || timestamp > this.newestTs) this.newestTs = timestamp;
    this.forget();
    return true;
  }

  /** True when `id` was delivered and is still remembered. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * The `since` of the subscription that resumes a feed lost at `lostAt` (epoch ms):
   * - entries were delivered: the newest one's timestamp less the margin (never before the
   *   first `since`): a replay sends stored entries in the order they were made, so one
   *   started before the newest may come after it, but at most a response timeout earlier;
   * - none yet, the first subscription was a replay: its `since` again;
   * - none yet, live only: the moment it was lost less the margin.
   * Never at or before an id forgotten for the cap, so the resumption repeats nothing.
   */
  resumeSince(lostAt: number): number {
    let from: number;
    if (this.newestTs !== undefined) from = Math.max(this.since ?? -Infinity, this.newestTs - RESUME_MARGIN_MS);
    else from = this.since ?? lostAt - RESUME_MARGIN_MS;
    return Math.max(from, justAfter(this.floor));
  }

  /** Starts over for a new subscription (a new query, or the same one from another `since`). */
  reset(since: number | undefined): void {
    this.since = since;
    this.ids.clear();
    this.newestTs = undefined;
    this.floor = -Infinity;
  }

  private forget(): void {
    const horizon = this.newestTs! - RESUME_MARGIN_MS;
    for (const [id, ts] of this.ids) {
      if (ts >= horizon && this.ids.size <= this.maxIds) break;
      this.ids.delete(id);
      if (ts >= horizon) this.floor = Math.max(this.floor, ts);
    }
  }
}
