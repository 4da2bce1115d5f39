/**
 * The one wire shape for every protocol, shared by worker, hub, front and CLI.
 * Every field is documented in docs/entries.md; keep the two in step.
 */

export type Layer4 = 'tcp' | 'udp' | 'sctp' | 'icmp';

/** `ebpf_tls`: the plaintext of a TLS connection, read by the TLS tracer (uprobes on OpenSSL), not packets. */
export type CaptureSource = 'ebpf' | 'ebpf_tls' | 'af_packet' | 'libpcap' | 'pcap_file';

export interface ProtocolInfo {
  /** Stable lower-case name used by `--protocol` and CEL booleans (`http`, `tcp`, …). */
  name: string;
  /** Version as the protocol spells it, e.g. `1.1` for HTTP/1.1. */
  version?: string;
  /** Short label for a feed row, e.g. `HTTP`. */
  abbr: string;
  layer4: Layer4;
}

export interface Endpoint {
  ip: string;
  port: number;
  /** Best display name: pod, else service, else the IP. Filled by resolution. */
  name?: string;
  namespace?: string;
  pod?: string;
  service?: string;
  node?: string;
}

export interface NodeInfo {
  name: string;
  ip: string;
}

export interface Summary {
  method?: string;
  path?: string;
  status?: number;
  /** One line a feed row shows, e.g. `GET /api/users -> 200`. */
  text: string;
}

export interface Malformed {
  /** A `DIS_ERR_*` code from the model's error registry. */
  code: string;
  /** Where the problem was seen: `request`, `response`, or a byte offset description. */
  at: string;
}

/** Protocol detail: each protocol documents its own keys in docs/entries.md. */
export type Message = Record<string, unknown>;

export interface Entry {
  /** `<worker>/<seq>`: stable; the worker's `GET /entries/:id` returns it. */
  id: string;
  /** The TCP/UDP stream the entry came from; the key for PCAP export. */
  stream: string;
  /** First byte of the request (or first packet of a flow), epoch milliseconds, fractional. */
  timestamp: number;
  /** Request first byte → response last byte, milliseconds. */
  elapsedMs: number;
  protocol: ProtocolInfo;
  capture: CaptureSource;
  /** The side that sent the request (the client). */
  src: Endpoint;
  dst: Endpoint;
  node: NodeInfo;
  worker: string;
  summary: Summary;
  request: Message | null;
  response: Message | null;
  /** Bytes on the wire for the request (head + body as sent, before decoding). */
  requestSize: number;
  responseSize: number;
  malformed?: Malformed;
}
