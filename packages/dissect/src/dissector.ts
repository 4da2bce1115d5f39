import type { Entry, Layer4 } from '@shoal/model';

/**
 * The one interface every protocol implements. Detection asks `probe` about the first bytes of
 * each direction; the winner's `create` makes a per-stream parser that receives the bytes of both
 * directions, in order, in chunks of any size, and emits request/response transactions.
 */

/** 0: the direction of the first packet seen on the flow; 1: the other one. */
export type Direction = 0 | 1;

/** The transports a flow is followed on: TCP and UDP ports, ICMP and ICMPv6 (`icmp`) messages. */
export type FlowTransport = 'tcp' | 'udp' | 'icmp';

/**
 * - `no`: these bytes are not this protocol.
 * - `more`: cannot tell yet; ask again when more bytes arrived.
 * - `client`: this protocol, and this direction carries requests.
 * - `server`: this protocol, and this direction carries responses.
 */
export type ProbeVerdict = 'no' | 'more' | 'client' | 'server';

/**
 * The most bytes of one direction a probe is ever shown. Detection keeps a direction's bytes
 * while any probe answers `more` and asks again with all of them (from the first byte) each
 * time more arrive, until this many are held; `more` at that point counts as `no`, the bytes
 * are dropped and detection starts over at the next chunk.
 *
 * So a probe must decide within this many bytes: a protocol whose first unit can be longer (a
 * long HTTP request line) says `more` until it has seen enough of it to be sure, and then
 * judges on that prefix, leaving the rest to the parser. 32 KiB holds a 16 KiB HTTP/1 start
 * line (Node's default head limit) with room to spare.
 */
export const PROBE_LIMIT = 32 * 1024;

export interface DissectOptions {
  /** Bodies are kept up to this many bytes (decoded), the rest counted and marked `truncated`. */
  bodyCapBytes: number;
  /** A request without a response is emitted once the capture clock passes it by this much. */
  responseTimeoutMs: number;
  /**
   * `full`: messages carry their header fields and bodies. `summary`: only what a one-line view
   * shows (start line, status, sizes, timing, summary, malformed); dissectors skip building
   * header records and body text, which is most of their work. See docs/entries.md.
   */
  detail: Detail;
}

export type Detail = 'full' | 'summary';

/**
 * What a dissector emits: the protocol part of an Entry (same fields, same meaning: see
 * docs/entries.md); the engine adds where it came from (ids, endpoints, node, capture).
 * `timestamp` is the first byte of the request (of the response when there is no request).
 */
export type Transaction = Pick<
  Entry,
  'protocol' | 'timestamp' | 'summary' | 'request' | 'response' | 'requestSize' | 'responseSize' | 'malformed'
> & {
  /** Last byte of the response (or of the request, when there is none), epoch ms. */
  endTimestamp: number;
  /**
   * The direction whose sender is the entry's `src`, when it is not the session's client
   * direction: a flow whose messages go either way, each exchange with its own client (ICMP: the
   * recipient of an error is the client of its entry, the sender of an echo request of its own).
   */
  client?: Direction;
};

/** What a stream dissector may ask of the stream that carries it. */
export interface DissectorSession {
  /** The direction that carries requests. */
  readonly clientDirection: Direction;
  /**
   * The transport of the flow. Over `udp` each `data` call carries exactly one whole datagram
   * (detection never joins or cuts them), so a message boundary is a call boundary; over `icmp`
   * one whole ICMP or ICMPv6 message, its header included; over `tcp` the chunks are cut
   * wherever the network cut the byte stream.
   */
  readonly layer4: FlowTransport;
  /** The IP version of the flow: ICMP (4) and ICMPv6 (6) differ in their types. */
  readonly ipVersion: 4 | 6;
  readonly options: DissectOptions;
  emit(transaction: Transaction): void;
  /**
   * Hand the rest of the stream to the dissector registered as `protocol` (HTTP `Upgrade`).
   * `pending` holds bytes already received but not consumed, per direction; `handshake` the
   * exchange that switched, for a protocol that negotiates in it. If no such dissector exists
   * the stream continues unclaimed and ends as an L4 flow entry.
   */
  upgrade(protocol: string, pending: [Buffer[], Buffer[]], handshake?: UpgradeHandshake): void;
}

/**
 * The HTTP/1.1 exchange after which a connection switched protocols (RFC 9110 §7.8), as the next
 * protocol's dissector receives it: WebSocket reads the extensions the 101 accepted from it
 * (RFC 6455 §9.1). The fields are lower-case names; in detail `summary` only those the HTTP/1
 * parser always records are present (http1/head.ts PARSER_FIELDS), so a dissector reads only
 * those, whatever the detail.
 */
export interface UpgradeHandshake {
  /** The request's header fields, or null when the request was not seen. */
  readonly request: Readonly<Record<string, string>> | null;
  /** The response's header fields (the 101). */
  readonly response: Readonly<Record<string, string>>;
}

export interface StreamDissector {
  /**
   * In-order bytes of one direction. `chunk` is a view of an immutable buffer: it may be kept
   * without copying. Never throws: bad input becomes a transaction with `malformed`.
   */
  data(direction: Direction, chunk: Buffer, timestampMs: number): void;
  /** `length` bytes of this direction were lost (a reassembly hole); resynchronise after it. */
  gap(direction: Direction, length: number, timestampMs: number): void;
  /** This direction ended (FIN or RST): read-until-close bodies are complete now. */
  end(direction: Direction, timestampMs: number): void;
  /** The capture clock advanced: emit requests that waited longer than the response timeout. */
  tick(timestampMs: number): void;
  /** The stream is gone (closed, idle, end of input): emit everything still pending. */
  close(timestampMs: number): void;
}

/**
 * Finds where the next message of a protocol may start in a direction whose bytes no probe
 * recognised at their start (garbage, a stream joined mid-message, bytes after a loss). It is fed
 * the following in-order chunks and keeps, inside, what may still begin a message, so what it
 * finds depends only on the bytes, never on how the network cut them.
 */
export interface MessageSeeker {
  /**
   * Search `chunk`, the next bytes. Returns where a message starts, relative to the chunk's first
   * byte (negative: in earlier chunks, which the caller still holds), or null when none starts
   * in what was seen so far.
   */
  scan(chunk: Buffer): number | null;
}

export interface DissectorSpec {
  /** Protocol name as used by `--protocol` and in `Entry.protocol.name`. */
  readonly name: string;
  /**
   * The transports it runs over: one, or several when the protocol has a framing for each (DNS:
   * datagrams over UDP, length-prefixed messages over TCP; the session tells which one a stream is).
   */
  readonly layer4: Layer4 | readonly Layer4[];
  /**
   * Optional: the other `protocol.name`s its entries may have: protocols it recognises inside
   * its own messages and shapes itself (gRPC and GraphQL in HTTP/2 streams), not dissectors of
   * their own.
   */
  readonly carries?: readonly string[];
  /** Well-known ports: used only to break ties between probes that both say yes. */
  readonly ports: readonly number[];
  /**
   * Cheap look at the first bytes of one direction: `data` always starts at the direction's first
   * byte (or at the first byte after detection started over) and holds every byte since, up to
   * PROBE_LIMIT. Real networks cut messages into ~1.4 KB segments, so the first call often sees
   * only part of the first line: answer `more` whenever these bytes could still become this
   * protocol, never `no` merely because a line or frame is incomplete. Over UDP each datagram is
   * probed alone (a datagram is a message; `more` counts as `no`). Must not throw or keep `data`.
   * `layer4` is the flow's transport, always passed by detection: a protocol that runs over both
   * frames its messages differently on each (DNS); one that runs over one may ignore it.
   */
  probe(data: Buffer, layer4?: FlowTransport): ProbeVerdict;
  /**
   * Optional: a fresh seeker, fed a direction's bytes from a point where this protocol's probe
   * answered `no` (so it never reports that first byte). Detection uses it to find the next
   * message inside the bytes; a protocol without one is only probed again at the start of each
   * later chunk, which depends on where the network happened to cut the stream.
   */
  seeker?(): MessageSeeker;
  /** A parser for one stream; `handshake` when the stream switched to it (DissectorSession.upgrade). */
  create(session: DissectorSession, handshake?: UpgradeHandshake): StreamDissector;
}
