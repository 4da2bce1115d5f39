/**
 * A fake clock, fake worker sockets and fake worker links for the unit tests of the feed's state
 * machines (worker-feed.ts, heartbeat.ts, the query and replay groups): each test steps time
 * and socket events one at a time, with no network and no real timer, so what it asserts does
 * not depend on scheduling.
 */
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { WebSocket } from 'ws';
import { ClientFeed } from '../../dist/feed/client-feed.js';
import type { FeedClock, FeedEnvironment, WorkerSocket } from '../../dist/feed/feed-environment.js';
import type { FeedLink } from '../../dist/feed/worker-feed.js';
import type { GroupRegistry } from '../../dist/feed/query-group.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const SILENT_LOG = pino({ level: 'silent' });

interface Timer {
  at: number;
  fn: () => void;
  every: number | undefined;
  seq: number;
}

/** Time moves only when a test says so; timers fire in order of due time. */
export class FakeClock implements FeedClock {
  private time: number;
  private timers = new Set<Timer>();
  private seq = 0;
  private readonly io: (() => void)[] = [];

  constructor(start = 1_800_000_000_000) {
    this.time = start;
  }

  now = (): number => this.time;

  setTimeout(fn: () => void, ms: number): unknown {
    const t: Timer = { at: this.time + ms, fn, every: undefined, seq: this.seq++ };
    this.timers.add(t);
    return t;
  }

  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as Timer);
  }

  setInterval(fn: () => void, ms: number): unknown {
    const t: Timer = { at: this.time + ms, fn, every: ms, seq: this.seq++ };
    this.timers.add(t);
    return t;
  }

  clearInterval(timer: unknown): void {
    this.timers.delete(timer as Timer);
  }

  /** Deferred until the test says the I/O was read (runIo), as setImmediate is after the poll phase. */
  afterIo(fn: () => void): void {
    this.io.push(fn);
  }

  /** Runs what waited for the I/O. */
  runIo(): void {
    for (const fn of this.io.splice(0)) fn();
  }

  /** Moves the clock by `ms`, firing each timer due on the way (and what it deferred) in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.time = next.at;
      if (next.every === undefined) this.timers.delete(next);
      else next.at += next.every;
      next.fn();
      this.runIo();
    }
    this.time = end;
  }
}

/** A worker socket whose every event the test emits. */
export class FakeSocket extends EventEmitter implements WorkerSocket {
  readyState = 0;
  pings = 0;
  terminated = false;
  closedWith: number | undefined;

  constructor(readonly url: string) {
    super();
  }

  get since(): number | undefined {
    const s = new URL(this.url).searchParams.get('since');
    return s === null ? undefined : Number(s);
  }

  ping(): void {
    this.pings++;
  }

  terminate(): void {
    if (this.readyState === 3) return;
    this.terminated = true;
    this.closeNow(1006);
  }

  close(code = 1000): void {
    if (this.readyState === 3) return;
    this.closedWith = code;
    this.closeNow(code);
  }

  /** The worker accepted: the socket opens. */
  open(): void {
    this.readyState = 1;
    this.emit('open');
  }

  send(message: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(message)));
  }

  /** The connection broke from the other side. */
  drop(): void {
    this.closeNow(1006);
  }

  private closeNow(code: number): void {
    this.readyState = 3;
    this.emit('close', code);
  }
}

/** Connects by making a FakeSocket the test can reach. */
export class FakeNetwork implements FeedEnvironment {
  readonly sockets: FakeSocket[] = [];

  constructor(readonly clock: FakeClock = new FakeClock()) {}

  connect = (url: string): WorkerSocket => {
    const s = new FakeSocket(url);
    this.sockets.push(s);
    return s;
  };

  /** The sockets to one worker, oldest first. */
  to(worker: string): FakeSocket[] {
    return this.sockets.filter((s) => new URL(s.url).host === worker);
  }

  last(worker: string): FakeSocket {
    const list = this.to(worker);
    return list[list.length - 1]!;
  }
}

/** A worker as the feeds see it: its URL's host is its name. */
export class FakeLink extends EventEmitter implements FeedLink {
  up = true;
  polled = true;

  constructor(readonly name: string) {
    super();
  }

  wsUrl(filter: string, since: number | undefined): string {
    const q = new URLSearchParams({ q: filter });
    if (since !== undefined) q.set('since', String(since));
    return `ws://${this.name}/ws?${q}`;
  }

  headers(): Record<string, string> {
    return {};
  }

  heard(): void {}

  checkSoon(): void {}

  subscriberCounts(): undefined {
    return undefined;
  }

  setUp(up: boolean): void {
    this.up = up;
    this.emit(up ? 'up' : 'down');
  }
}

export class FakeRegistry implements GroupRegistry {
  private readonly added = new Set<(link: FeedLink) => void>();
  private readonly removed = new Set<(link: FeedLink) => void>();

  constructor(readonly links: FakeLink[]) {}

  all(): FeedLink[] {
    return [...this.links];
  }

  onAdded(listener: (link: FeedLink) => void): () => void {
    this.added.add(listener);
    return () => this.added.delete(listener);
  }

  onRemoved(listener: (link: FeedLink) => void): () => void {
    this.removed.add(listener);
    return () => this.removed.delete(listener);
  }

  /** The worker is gone (its pod deleted, or moved). */
  remove(link: FakeLink): void {
    this.links.splice(this.links.indexOf(link), 1);
    for (const listener of [...this.removed]) listener(link);
  }
}

/** A dashboard's socket on the hub: records what the hub sends it; never lags. */
export class FakeClientSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly messages: Json[] = [];

  send(data: Buffer | string): void {
    const m = JSON.parse(String(data)) as Json;
    if (Array.isArray(m.entries)) this.messages.push(...(m.entries as Json[]));
    else this.messages.push(m);
  }

  close(): void {
    this.readyState = 3;
  }

  get ids(): string[] {
    return this.messages.filter((m) => typeof m.id === 'string').map((m) => m.id as string);
  }

  /** Ids before the first `ready` (the replay), and after it. */
  split(): { replay: string[]; live: string[] } {
    const at = this.messages.findIndex((m) => m.ready !== undefined);
    const ids = (list: Json[]) => list.filter((m) => typeof m.id === 'string').map((m) => m.id as string);
    return at < 0 ? { replay: ids(this.messages), live: [] } : { replay: ids(this.messages.slice(0, at)), live: ids(this.messages.slice(at + 1)) };
  }
}

export function fakeClient(counters = { delivered: 0, lost: 0 }): { client: ClientFeed; socket: FakeClientSocket } {
  const socket = new FakeClientSocket();
  const client = new ClientFeed(socket as unknown as WebSocket, { highWaterBytes: 4 << 20, lowWaterBytes: 1 << 20 }, counters);
  return { client, socket };
}

let nextTs = 0;

/** A minimal entry of `worker`, run `run`, number `seq`, at `timestamp`. */
export function entry(worker: string, run: string, seq: number, timestamp: number): Json {
  nextTs++;
  return {
    id: `${worker}/${run}/${seq}`,
    stream: `${worker}-s${seq}`,
    timestamp,
    elapsedMs: 1,
    protocol: { name: 'http', abbr: 'HTTP', layer4: 'tcp' },
    capture: 'pcap_file',
    src: { ip: '10.0.0.1', port: 40000 + nextTs },
    dst: { ip: '10.0.0.2', port: 80 },
    node: { name: worker, ip: '192.0.2.1' },
    worker,
    summary: { method: 'GET', path: `/${seq}`, status: 200, text: `GET /${seq} 200` },
    request: null,
    response: null,
    requestSize: 0,
    responseSize: 0,
  };
}
