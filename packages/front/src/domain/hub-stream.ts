/**
 * The live feed from the hub's `/ws` (docs/hub.md): one socket per query, the filter pushed
 * down, the entries asked for in batches (one message per merge tick rather than one per entry:
 * at 2,000 entries/s, the browser's handling of each message was most of the page's time), and
 * reconnection with backoff when the hub goes away, or asks to be tried later (its bound on
 * replays, 4429). A reconnection resumes by the feeds' one rule (model's wire/feed.ts, shared
 * with the hub and `shoal observe`): from the response timeout before the newest entry it
 * delivered, the repeats dropped by id; the outage is reported as a gap, so the view resumes
 * where it was and shows the hole rather than hiding it. No React and no DOM here: the socket
 * constructor is given, so the same code runs in the page and in Node's tests.
 */
import { FeedClose, ResumeState } from '@shoal/model';
import { Backoff } from './backoff.js';
import type { EntryJson } from './entry-row.js';

/** What the page's WebSocket and the `ws` package both offer. */
export interface SocketLike {
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface FilterError {
  code: string;
  message: string;
  position?: { offset: number; line: number; column: number };
  excerpt?: string;
}

export type StreamState =
  | { kind: 'connecting'; attempt: number }
  /** `query`: the hub's name for this query in its /status (hubs that send it). */
  | { kind: 'live'; filter: string; query?: string }
  | { kind: 'disconnected'; since: number; retryInMs: number; reason: string }
  | { kind: 'rejected'; error: FilterError };

export interface Gap {
  /** `outage`: the hub could not be reached; `lost`: the page read too slowly and the hub skipped entries. */
  kind: 'outage' | 'lost';
  from: number;
  to: number;
  /** For `lost`: how many entries were skipped. */
  count?: number;
}

export interface StreamListener {
  entries(batch: EntryJson[]): void;
  state(state: StreamState): void;
  gap(gap: Gap): void;
  /** A later filter the hub refused; the previous one stays in force (hub keeps it). */
  filterError(error: FilterError): void;
}

export interface HubStreamOptions {
  /** `ws://host/api/ws` */
  url: string;
  socket: SocketFactory;
  listener: StreamListener;
  /** Runs a flush soon: requestAnimationFrame in the page, setImmediate in tests. */
  schedule(flush: () => void): void;
  now?: () => number;
  backoff?: Backoff;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export class HubStream {
  private socket: SocketLike | undefined;
  private filter = '';
  /** The `since` of the next connection: as asked by start(), then where a reconnection resumes. */
  private since: number | undefined;
  /** What was delivered: where a reconnection resumes, and the repeats it drops. */
  private readonly resume = new ResumeState();
  /** The hub's last error that is not about the filter (a bound): the reason of the close after it. */
  private refusal: string | undefined;
  private pending: EntryJson[] = [];
  private flushScheduled = false;
  private disconnectedAt: number | undefined;
  private retryTimer: unknown;
  private attempt = 0;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(private readonly options: HubStreamOptions) {
    this.backoff = options.backoff ?? new Backoff();
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  /**
   * Opens the feed for `filter`, live from now, or replayed from `since` (epoch ms); a new query
   * is opened the same way, on a new socket. The hub could switch the query on the same socket,
   * but entries of the old query still on their way would then arrive after the switch,
   * indistinguishable from the new query's replay (which comes before its `ready`): a page that
   * had fallen behind would show thousands of rows that do not match. Messages of a replaced
   * socket are ignored.
   */
  start(filter: string, since?: number): void {
    this.filter = filter;
    this.since = since;
    this.resume.reset(since);
    this.pending = [];
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer(this.retryTimer);
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(1000, 'page closed the feed');
  }

  private connect(): void {
    this.clearTimer(this.retryTimer);
    this.socket?.close(1000, 'reconnecting');
    // A hub too old for batches ignores `batch` and sends entry by entry: both are understood.
    const params = new URLSearchParams({ batch: '1', q: this.filter });
    if (this.since !== undefined) params.set('since', String(this.since));
    this.attempt++;
    this.options.listener.state({ kind: 'connecting', attempt: this.attempt });
    const socket = this.options.socket(`${this.options.url}?${params.toString()}`);
    this.socket = socket;
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(String(ev.data));
    };
    socket.onclose = (ev) => {
      if (this.socket === socket) this.closed(ev.code, ev.reason);
    };
    socket.onerror = () => undefined; // onclose follows and says what to do
  }

  private receive(text: string): void {
    const m = JSON.parse(text) as Record<string, unknown>;
    if ('ready' in m) {
      const ready = m['ready'] as { filter: string; query?: string };
      this.backoff.reset();
      this.attempt = 0;
      if (this.disconnectedAt !== undefined) {
        this.options.listener.gap({ kind: 'outage', from: this.disconnectedAt, to: this.now() });
        this.disconnectedAt = undefined;
      }
      const live: Extract<StreamState, { kind: 'live' }> = { kind: 'live', filter: ready.filter };
      if (typeof ready.query === 'string') live.query = ready.query;
      this.options.listener.state(live);
    } else if ('lost' in m) {
      const at = this.resume.newest ?? this.now();
      this.options.listener.gap({ kind: 'lost', from: at, to: at, count: Number(m['lost']) });
    } else if ('error' in m) {
      const error = m['error'] as FilterError;
      if (error.code.startsWith('FLT_ERR')) this.options.listener.filterError(error);
      else this.refusal = error.message;
    } else if (Array.isArray(m['entries'])) {
      for (const entry of m['entries'] as EntryJson[]) this.accept(entry);
    } else {
      this.accept(m as unknown as EntryJson);
    }
  }

  private accept(entry: EntryJson): void {
    if (!this.resume.deliver(entry.id, entry.timestamp)) return;
    this.pending.push(entry);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.options.schedule(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.options.listener.entries(batch);
  }

  private closed(code: number, reason: string): void {
    this.socket = undefined;
    if (this.stopped) return;
    if (code === FeedClose.BAD_FILTER) {
      // The error message came first and said why; retrying the same filter cannot help.
      this.options.listener.state({ kind: 'rejected', error: { code: reason || 'FLT_ERR', message: 'the hub refused the filter' } });
      return;
    }
    // Any other close, the hub's "try later" (4429) included, is retried after a backoff.
    this.disconnectedAt ??= this.now();
    const retryInMs = this.backoff.next();
    const why = code === FeedClose.TRY_LATER && this.refusal !== undefined ? this.refusal : reason || `connection closed (${code})`;
    this.refusal = undefined;
    this.options.listener.state({ kind: 'disconnected', since: this.disconnectedAt, retryInMs, reason: why });
    this.since = this.resume.resumeSince(this.disconnectedAt);
    this.retryTimer = this.setTimer(() => this.connect(), retryInMs);
  }
}
