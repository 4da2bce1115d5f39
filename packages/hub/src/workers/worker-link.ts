import { EventEmitter } from 'node:events';
import { summarizeTracer, type TracerStatus, type TracerSummary, type WorkerState } from '@shoal/model';
import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { hubLoopStall, runningTimeout } from './loop-stall.js';
import type { WorkerAddress } from './worker-list.js';

/** What GET /status shows for one worker: a wire shape, shared with the dashboard. */
export type { WorkerState };

export interface LinkOptions {
  /** Polling period of /health and /stats while the worker is up. */
  pollMs: number;
  /**
   * A request to a worker that takes longer fails (the worker counts as down). Counted in time
   * the hub's event loop could run: a stall of the hub's own does not count against the worker.
   */
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { pollMs: 2000, timeoutMs: 5000, backoffBaseMs: 250, backoffMaxMs: 10_000 };

/**
 * What a link uses of the world: time, HTTP, chance. A running hub uses the real ones; the
 * tests of the link's state machine pass a fake clock and a fetch that answers from a script.
 */
export interface LinkEnvironment {
  clock: Clock;
  fetch: typeof fetch;
  /** An AbortSignal that aborts with a TimeoutError after `ms` (the hub's: net of its own loop stalls). */
  timeout(ms: number): AbortSignal;
  /** The backoff's jitter, in [0, 1). */
  random(): number;
}

export const SYSTEM_LINK_ENVIRONMENT: LinkEnvironment = {
  clock: systemClock,
  fetch: (input, init) => fetch(input, init),
  timeout: (ms) => runningTimeout(ms),
  random: Math.random,
};

/** A worker answered, but not with what the hub needs (wrong token, an error status). */
export class WorkerHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

/** What a worker's filter did for one `/ws` subscriber (its /stats `feed.subscribers`). */
export interface SubscriberCounts {
  /** Entries offered to the filter. */
  evaluated: number;
  /** Entries that did not match and were kept back (the push-down's rejections). */
  filtered: number;
}

/** The worker's /stats `tracer` (a TracerStatus), summed up; null from a worker without one. */
function tracerOf(v: unknown): TracerSummary | null {
  const t = v as Partial<TracerStatus> | null | undefined;
  if (t === null || typeof t !== 'object' || typeof t.state !== 'string' || !Array.isArray(t.files) || !Array.isArray(t.pods) || typeof t.counters !== 'object') return null;
  return summarizeTracer(t as TracerStatus);
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/**
 * The hub's view of one worker: polls its /health and /stats (every `pollMs` while up, with
 * backoff and jitter while down) and lends its address and token to the feeds, history and
 * pcap routes. Emits 'up' and 'down' on transitions, and 'restarted' when a poll finds a new
 * run id while it is up (a worker restarted between two polls lost its targets and names). Each
 * worker has its own timers and requests, so one that hangs or is gone never holds up another.
 *
 * The polling state machine: a poll that succeeds marks the worker up and polls again after
 * `pollMs`; one that fails marks it down and polls again after the backoff's next delay, which
 * grows from `backoffBaseMs` to `backoffMaxMs` until a poll succeeds and resets it.
 */
export class WorkerLink extends EventEmitter {
  readonly base: string;
  private readonly backoff: Backoff;
  private timer: Timer | undefined;
  private stopped = false;
  private polling = false;
  /** Started: the hub's loop stalls are measured for this link's timeouts. */
  private measuringStalls = false;
  /** Epoch ms of the last message any feed socket got from this worker. */
  private lastHeard = -Infinity;
  private readonly current: WorkerState;
  /** The worker's /ws subscribers at the last poll, by `peer` (address:port as the worker saw it). */
  private subscribers = new Map<string, SubscriberCounts & { filter: string }>();

  constructor(
    readonly address: WorkerAddress,
    private readonly token: string | undefined,
    private readonly options: LinkOptions,
    private readonly log: Logger,
    private readonly env: LinkEnvironment = SYSTEM_LINK_ENVIRONMENT,
  ) {
    super();
    // Every feed subscription listens for 'up': one per distinct query, more than the default 10.
    this.setMaxListeners(0);
    this.base = `http://${address.host}:${address.port}`;
    this.backoff = new Backoff(options.backoffBaseMs, options.backoffMaxMs, env.random);
    this.current = {
      name: address.name, url: this.base, up: false, downSince: null, lastError: null, lastSeen: null,
      capturing: null, capture: null, packets: null, store: null, run: null, pod: address.pod ?? null, tls: null,
    };
  }

  get name(): string {
    return this.address.name;
  }

  /** The worker pod behind this address changed (same host and port): /status names the new one. */
  setPod(pod: string | undefined): void {
    this.current.pod = pod ?? null;
  }

  get polled(): boolean {
    return this.current.up || this.current.downSince !== null;
  }

  get up(): boolean {
    return this.current.up;
  }

  state(): WorkerState {
    return structuredClone(this.current);
  }

  /** Headers for every request to the worker (its routes but /health and /metrics need the token). */
  headers(): Record<string, string> {
    return this.token === undefined ? {} : { authorization: `Bearer ${this.token}` };
  }

  /** `ws://…/ws?q=…[&since=…]` for a feed subscription. */
  wsUrl(filter: string, since: number | undefined): string {
    const q = new URLSearchParams({ q: filter });
    if (since !== undefined) q.set('since', String(since));
    return `ws://${this.address.host}:${this.address.port}/ws?${q}`;
  }

  /**
   * A request to the worker with the token and a timeout (net of the hub's own loop stalls). A
   * request given its own `signal` is timed by its caller instead (the pcap export times the
   * headers and each piece of the body apart).
   */
  async fetch(path: string, init: RequestInit = {}, timeoutMs = this.options.timeoutMs): Promise<Response> {
    return this.env.fetch(this.base + path, {
      ...init,
      headers: { ...this.headers(), ...(init.headers as Record<string, string> | undefined) },
      signal: init.signal ?? this.env.timeout(timeoutMs),
    });
  }

  /** A GET answered with JSON; any status but 2xx (and the listed ones) is a WorkerHttpError. */
  async getJson(path: string, accept: number[] = []): Promise<{ status: number; body: unknown }> {
    const res = await this.fetch(path);
    const text = await res.text();
    if (!res.ok && !accept.includes(res.status)) throw httpError(this.name, path, res.status, text);
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new WorkerHttpError(res.status, text, `${this.name}: ${path} did not answer JSON`);
    }
  }

  /**
   * What the worker's filter did, as of the last poll, for the subscription whose socket's
   * local end is `localPort` (the worker names each subscriber by the peer's address:port).
   */
  subscriberCounts(localPort: number, filter: string): SubscriberCounts | undefined {
    for (const [peer, s] of this.subscribers) {
      if (s.filter === filter && peer.endsWith(`:${localPort}`)) return { evaluated: s.evaluated, filtered: s.filtered };
    }
    return undefined;
  }

  start(): void {
    if (!this.measuringStalls) hubLoopStall.retain();
    this.measuringStalls = true;
    this.schedule(0);
  }

  stop(): void {
    if (this.measuringStalls) hubLoopStall.release();
    this.measuringStalls = false;
    this.stopped = true;
    this.env.clock.clearTimeout(this.timer);
  }

  /**
   * Something else (a feed socket closing, a failed request) suggests the worker went away or
   * came back: poll now instead of at the next period.
   */
  checkSoon(): void {
    if (!this.polling && !this.stopped) this.schedule(0);
  }

  /** A feed socket got a message from the worker: it is alive, whatever a slow poll says. */
  heard(): void {
    this.lastHeard = this.env.clock.now();
  }

  private schedule(ms: number): void {
    this.env.clock.clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = this.env.clock.setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const startedAt = this.env.clock.now();
    try {
      // /health answers 503 while a capture is down: the worker is still up and serving.
      const health = (await this.getJson('/health', [503])).body as Json;
      const stats = (await this.getJson('/stats')).body as Json;
      this.markUp(health, stats);
      this.schedule(this.options.pollMs);
    } catch (err) {
      // Why: under load the hub's own event loop can be too busy to read an answer within the
      // timeout, and marking such a worker down drops it from every fan-out. A timeout is not
      // taken as "down" while a feed socket heard from the worker during this poll or the poll
      // period before it (since startedAt - pollMs): the worker is demonstrably sending. Refusals,
      // errors and timeouts of a silent worker still mark it down.
      const reason = describe(err);
      if (this.current.up && isTimeout(err) && this.lastHeard >= startedAt - this.options.pollMs) {
        this.current.lastError = `${reason}; kept up: its feed delivered data meanwhile`;
        this.log.debug({ worker: this.name, url: this.base, err: reason }, 'worker poll timed out, its feed is live');
        this.schedule(this.options.pollMs);
        return;
      }
      this.markDown(reason);
      this.schedule(this.backoff.next());
    } finally {
      this.polling = false;
    }
  }

  private markUp(health: Json, stats: Json): void {
    const s = this.current;
    const capture = (stats['capture'] ?? {}) as Json;
    const totals = (capture['totals'] ?? {}) as Json;
    const store = (stats['store'] ?? {}) as Json;
    const reported = typeof health['worker'] === 'string' ? health['worker'] : this.name;
    const run = typeof stats['run'] === 'string' ? stats['run'] : null;
    const restarted = s.up && s.run !== null && run !== null && run !== s.run;
    s.capturing = health['ok'] === true;
    s.capture = { requested: String(capture['requested'] ?? ''), backends: Array.isArray(capture['backends']) ? capture['backends'].map(String) : [] };
    s.packets = { received: num(totals['received']), dropped: num(totals['dropped']) };
    s.store = { bytes: num(store['bytes']), entries: num(store['entries']) };
    s.tls = tracerOf(stats['tracer']);
    s.run = run;
    this.subscribers = subscribersOf(stats['feed']);
    s.lastSeen = this.env.clock.now();
    this.backoff.reset();
    if (reported !== this.name) {
      // Ids start with the worker's own name: routing /entries/:id by a different one would miss.
      s.lastError = `the worker at ${this.base} calls itself '${reported}', not '${this.name}': give --workers the worker's --node-name`;
    } else if (!s.up || s.lastError !== null) {
      s.lastError = null;
    }
    if (!s.up) {
      s.up = true;
      s.downSince = null;
      this.log.info({ worker: this.name, url: this.base }, 'worker up');
      this.emit('up');
    } else if (restarted) {
      this.log.info({ worker: this.name, url: this.base, run }, 'worker restarted between two polls');
      this.emit('restarted');
    }
  }

  private markDown(reason: string): void {
    const s = this.current;
    s.lastError = reason;
    if (s.up || s.downSince === null) {
      const wasUp = s.up;
      s.up = false;
      s.downSince = this.env.clock.now();
      this.log.warn({ worker: this.name, url: this.base, err: reason }, 'worker down');
      if (wasUp) this.emit('down');
    }
  }
}

function subscribersOf(feed: unknown): Map<string, SubscriberCounts & { filter: string }> {
  const list = (feed as Json | undefined)?.['subscribers'];
  const map = new Map<string, SubscriberCounts & { filter: string }>();
  if (!Array.isArray(list)) return map;
  for (const item of list as Json[]) {
    if (typeof item['peer'] !== 'string' || typeof item['filter'] !== 'string') continue;
    map.set(item['peer'], { filter: item['filter'], evaluated: num(item['evaluated']), filtered: num(item['filtered']) });
  }
  return map;
}

function httpError(worker: string, path: string, status: number, body: string): WorkerHttpError {
  if (status === 401) {
    return new WorkerHttpError(status, body, `${worker} refused the hub's token (401 on ${path}): give the hub the workers' token with --worker-token-file`);
  }
  let detail = body.slice(0, 200);
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    if (e !== undefined) detail = `${e.code}: ${e.message}`;
  } catch {
    // Not the worker's JSON error: quote the start of the body.
  }
  return new WorkerHttpError(status, body, `${worker}: ${path} answered ${status} (${detail})`);
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'TimeoutError';
}

/** One line for a failed request: fetch hides the socket error in `cause`. */
export function describe(err: unknown): string {
  if (err instanceof WorkerHttpError) return err.message;
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (err.name === 'TimeoutError') return 'no answer within the timeout';
    // Node's socket errors already start with the code ("connect ECONNREFUSED 10.0.0.5:30001").
    if (cause?.message !== undefined && cause.message !== '') return cause.message;
    if (cause?.code !== undefined) return cause.code;
    return err.message;
  }
  return String(err);
}
