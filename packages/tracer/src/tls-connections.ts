/**
 * The tracer's records become byte streams, one per TLS connection and direction, in order:
 *
 * - A connection is an SSL object of a process (the records' pid and ssl). Its plaintext comes in
 *   pieces, each with its offset in the direction's byte stream: pieces of a large call are
 *   joined back, and a piece the kernel could not hand over (a full ring) shows as a gap of
 *   exactly its size, which the dissectors resynchronise after.
 * - Its addresses come with its records, or, for a write on a memory BIO (Node), with a `bind`
 *   record after them: until then its records wait (bounded).
 * - When both ends of a connection are traced (a client pod and a server pod on this node), the
 *   end seen first is used and the other's bytes are counted and left out: the same bytes, read
 *   twice, must not make two entries.
 * - SSL_free (`close`), the process's exit, or silence for longer than the idle limit end it. An
 *   SSL object's address reused for another connection (offsets starting over, other
 *   addresses) ends the old one and starts the new.
 */

import type { TlsEndpoint, TlsRecord } from '@shoal/capture';
import { formatIp, type ByteStream, type StreamEnd } from '@shoal/dissect';

/** A connection the tracer decrypted, as its sink first hears of it. */
export interface PlaintextConnection {
  pid: number;
  /** The thread's name at the first record. */
  comm: string;
  /** Inode number of the process's network namespace. */
  netns: number;
  /** The traced process's end (it sends direction 0) and its peer's (direction 1). */
  local: StreamEnd;
  remote: StreamEnd;
}

/** Where connections go: a byte stream per connection (the worker: its dissect engine). */
export interface PlaintextSink {
  open(connection: PlaintextConnection, tsMs: number): ByteStream;
}

export interface ConnectionCounters {
  /** Connections opened towards the sink. */
  connections: number;
  /** Bytes of the second traced end of a connection, left out. */
  duplicateBytes: number;
  /** Bytes that never found their connection's addresses (waited too long, or too many). */
  unboundBytes: number;
}

/** Bytes one connection may hold while it waits for its addresses. */
export const MAX_PENDING_BYTES = 1 << 20;
/** How long records may wait for their addresses (the `bind` follows within the same event-loop turn of the process). */
export const PENDING_LIMIT_MS = 5_000;
/** Connections followed at once; past it the oldest is ended (the kernel side keeps 65,536 too). */
export const MAX_CONNECTIONS = 65_536;

const WRITE = 0;
const READ = 1;

interface Connection {
  readonly key: string;
  readonly pid: number;
  readonly comm: string;
  readonly netns: number;
  local: TlsEndpoint | null;
  remote: TlsEndpoint | null;
  /** The two ends in a fixed order: the same for the client's view and the server's. */
  canonical: string | null;
  stream: ByteStream | null;
  /** The other end of this connection is traced too and was seen first. */
  mirror: boolean;
  /** Next offset expected, per direction (0: written by the process, 1: read). */
  readonly expected: [number, number];
  pending: TlsRecord[];
  pendingBytes: number;
  firstPendingMs: number;
  lastMs: number;
}

function endText(e: TlsEndpoint): string {
  return `${formatIp(e.version, e.words)}:${e.port}`;
}

/**
 * An IPv4 peer of a dual-stack socket shows as an IPv4-mapped IPv6 address (::ffff:a.b.c.d,
 * RFC 4291 §2.5.5.2): the packets, and so the capture's entries, carry the IPv4 address.
 */
function unmapped(e: TlsEndpoint): TlsEndpoint {
  const w = e.words;
  if (e.version !== 6 || w[0] !== 0 || w[1] !== 0 || w[2] !== 0xffff) return e;
  return { version: 4, words: Uint32Array.of(w[3]!, 0, 0, 0), port: e.port };
}

function sameEnd(a: TlsEndpoint, b: TlsEndpoint): boolean {
  return a.port === b.port && a.version === b.version && a.words.every((w, i) => w === b.words[i]);
}

export class TlsConnections {
  readonly counters: ConnectionCounters = { connections: 0, duplicateBytes: 0, unboundBytes: 0 };
  /** By `pid:ssl`, oldest first (a Map keeps insertion order: eviction takes the first). */
  readonly #live = new Map<string, Connection>();
  /** Canonical ends → the key of the connection whose bytes are used. */
  readonly #owners = new Map<string, string>();
  /** Canonical ends of the connections decrypted lately, oldest first (decrypted()). */
  readonly #decrypted = new Set<string>();

  /**
   * Holes in the plaintext of each pod's connections, by network namespace: a piece the ring
   * could not take shows as a jump in its stream offset (each hole one chunk lost or more).
   */
  readonly lostByNamespace = new Map<number, { gaps: number; bytes: number }>();

  constructor(private readonly sink: PlaintextSink) {}

  get size(): number {
    return this.#live.size;
  }

  /** A data, bind or close record (exec and exit are the process tracker's). */
  onRecord(r: TlsRecord): void {
    const key = `${r.pid}:${r.ssl}`;
    if (r.kind === 'close') {
      const c = this.#live.get(key);
      if (c !== undefined) this.#end(c, r.timestampMs);
      return;
    }
    if (r.kind === 'bind') {
      const c = this.#live.get(key);
      if (c !== undefined && c.local === null && r.local !== null && r.remote !== null) this.#bind(c, r.local, r.remote, r.timestampMs);
      return;
    }
    if (r.kind !== 'data' || r.data.length === 0) return;
    let c = this.#live.get(key);
    if (c !== undefined && this.#startsOver(c, r)) {
      this.#end(c, r.timestampMs);
      c = undefined;
    }
    c ??= this.#add(key, r);
    c.lastMs = Math.max(c.lastMs, r.timestampMs);
    if (c.local === null && r.local !== null && r.remote !== null) this.#bind(c, r.local, r.remote, r.timestampMs);
    if (c.local === null) this.#wait(c, r);
    else this.#deliver(c, r);
  }

  /**
   * Whether the connection between these two ends ("ip:port" each, in either order) is among the
   * last MAX_CONNECTIONS decrypted: its encrypted packets need not be shown too.
   */
  decrypted(a: string, b: string): boolean {
    return this.#decrypted.has(a < b ? `${a} ${b}` : `${b} ${a}`);
  }

  /** The process ended: so did its connections. */
  endProcess(pid: number, tsMs: number): void {
    for (const c of [...this.#live.values()]) if (c.pid === pid) this.#end(c, tsMs);
  }

  /** Ends connections silent for longer than `idleMs`, and drops records that waited too long for their addresses. */
  sweep(nowMs: number, idleMs: number): void {
    for (const c of [...this.#live.values()]) {
      if (c.pending.length > 0 && nowMs - c.firstPendingMs > PENDING_LIMIT_MS) this.#dropPending(c);
      if (nowMs - c.lastMs > idleMs) this.#end(c, nowMs);
    }
  }

  /** Ends every connection (the tracer closes). */
  closeAll(tsMs: number): void {
    for (const c of [...this.#live.values()]) this.#end(c, tsMs);
  }

  #add(key: string, r: TlsRecord): Connection {
    if (this.#live.size >= MAX_CONNECTIONS) {
      const oldest = this.#live.values().next();
      if (oldest.done !== true) this.#end(oldest.value, r.timestampMs);
    }
    const c: Connection = {
      key,
      pid: r.pid,
      comm: r.comm,
      netns: r.netns,
      local: null,
      remote: null,
      canonical: null,
      stream: null,
      mirror: false,
      expected: [0, 0],
      pending: [],
      pendingBytes: 0,
      firstPendingMs: 0,
      lastMs: r.timestampMs,
    };
    this.#live.set(key, c);
    return c;
  }

  /** The SSL object's address now serves another connection (freed and reused unseen). */
  #startsOver(c: Connection, r: TlsRecord): boolean {
    const d = r.direction === 'write' ? WRITE : READ;
    if (r.streamOffset === 0 && c.expected[d] > 0) return true;
    return c.local !== null && r.local !== null && r.remote !== null && (!sameEnd(c.local, unmapped(r.local)) || !sameEnd(c.remote!, unmapped(r.remote)));
  }

  #bind(c: Connection, localEnd: TlsEndpoint, remoteEnd: TlsEndpoint, tsMs: number): void {
    const local = unmapped(localEnd);
    const remote = unmapped(remoteEnd);
    c.local = local;
    c.remote = remote;
    const l = endText(local);
    const r = endText(remote);
    c.canonical = l < r ? `${l} ${r}` : `${r} ${l}`;
    const owner = this.#owners.get(c.canonical);
    if (owner !== undefined && owner !== c.key && this.#live.has(owner)) {
      c.mirror = true;
    } else {
      this.#owners.set(c.canonical, c.key);
      this.#remember(c.canonical);
      this.counters.connections++;
      c.stream = this.sink.open({ pid: c.pid, comm: c.comm, netns: c.netns, local, remote }, tsMs);
    }
    const waiting = c.pending;
    c.pending = [];
    c.pendingBytes = 0;
    for (const r of waiting) this.#deliver(c, r);
  }

  #remember(canonical: string): void {
    this.#decrypted.delete(canonical);
    this.#decrypted.add(canonical);
    if (this.#decrypted.size > MAX_CONNECTIONS) this.#decrypted.delete(this.#decrypted.values().next().value!);
  }

  #wait(c: Connection, r: TlsRecord): void {
    if (c.pendingBytes + r.data.length > MAX_PENDING_BYTES) {
      this.#dropPending(c);
      this.counters.unboundBytes += r.data.length;
      return;
    }
    if (c.pending.length === 0) c.firstPendingMs = r.timestampMs;
    c.pending.push(r);
    c.pendingBytes += r.data.length;
  }

  #dropPending(c: Connection): void {
    this.counters.unboundBytes += c.pendingBytes;
    // What follows the dropped bytes is delivered after a gap of their size.
    c.pending = [];
    c.pendingBytes = 0;
  }

  #deliver(c: Connection, r: TlsRecord): void {
    if (c.mirror) {
      this.counters.duplicateBytes += r.data.length;
      return;
    }
    const stream = c.stream!;
    const d = r.direction === 'write' ? WRITE : READ;
    let chunk = r.data;
    const skip = c.expected[d] - r.streamOffset;
    if (skip > 0) {
      if (skip >= chunk.length) return; // seen already
      chunk = chunk.subarray(skip);
    } else if (skip < 0) {
      stream.gap(d, -skip, r.timestampMs);
      const lost = this.lostByNamespace.get(r.netns) ?? { gaps: 0, bytes: 0 };
      lost.gaps++;
      lost.bytes += -skip;
      this.lostByNamespace.set(r.netns, lost);
    }
    c.expected[d] = r.streamOffset + r.data.length;
    stream.data(d, chunk, r.timestampMs);
  }

  #end(c: Connection, tsMs: number): void {
    if (this.#live.get(c.key) !== c) return;
    this.#live.delete(c.key);
    if (c.pendingBytes > 0) this.#dropPending(c);
    if (c.canonical !== null && this.#owners.get(c.canonical) === c.key) this.#owners.delete(c.canonical);
    c.stream?.end(tsMs);
  }
}
