import type { CaptureSource, Entry, NodeInfo } from '@shoal/model';
import type { Direction, FlowTransport, Transaction } from './dissector.js';
import type { Flow } from './flow/flow.js';
import { TcpFlag } from './layers/decoded-packet.js';

export interface EntryOrigin {
  /** Names the worker in entry ids (`<worker>/<seq>`). */
  worker: string;
  node: NodeInfo;
  /** How packets are obtained, until DissectEngine.setCapture says otherwise. */
  capture: CaptureSource;
}

/** Elapsed times are kept to the microsecond: more digits are float noise, not precision. */
function micros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Builds the one Entry shape from a dissector's transaction or from an unclaimed flow. */
export class EntryFactory {
  private seq = 0;

  constructor(private readonly origin: EntryOrigin) {}

  fromTransaction(flow: Flow, sessionClient: Direction, t: Transaction): Entry {
    const client = t.client ?? sessionClient;
    const entry: Entry = {
      id: `${this.origin.worker}/${++this.seq}`,
      stream: flow.stream,
      timestamp: t.timestamp,
      elapsedMs: micros(t.endTimestamp - t.timestamp),
      protocol: t.protocol,
      capture: flow.capture,
      src: { ...flow.endpoint(client) },
      dst: { ...flow.endpoint((1 - client) as Direction) },
      node: this.origin.node,
      worker: this.origin.worker,
      summary: t.summary,
      request: t.request,
      response: t.response,
      requestSize: t.requestSize,
      responseSize: t.responseSize,
    };
    if (t.malformed !== undefined) entry.malformed = t.malformed;
    return entry;
  }

  /** An L4 flow entry: what a stream no dissector claimed carried, per direction. */
  fromFlow(flow: Flow, client: Direction): Entry {
    const server = (1 - client) as Direction;
    const layer4 = flow.layer4;
    const abbr = layer4.toUpperCase();
    const packets = flow.packets0 + flow.packets1;
    const bytes = flow.bytes0 + flow.bytes1;
    const src = flow.endpoint(client);
    const dst = flow.endpoint(server);
    return {
      id: `${this.origin.worker}/${++this.seq}`,
      stream: flow.stream,
      timestamp: flow.firstMs,
      elapsedMs: micros(flow.lastMs - flow.firstMs),
      protocol: { name: layer4, abbr, layer4 },
      capture: flow.capture,
      src: { ...src },
      dst: { ...dst },
      node: this.origin.node,
      worker: this.origin.worker,
      summary: { text: `${abbr} ${src.ip}:${src.port} -> ${dst.ip}:${dst.port}: ${packets} packets, ${bytes} bytes` },
      request: this.side(flow, client),
      response: this.side(flow, server),
      requestSize: flow.bytes(client),
      responseSize: flow.bytes(server),
    };
  }

  private side(flow: Flow, d: Direction): Record<string, unknown> {
    const side: Record<string, unknown> = { packets: flow.packets(d), bytes: flow.bytes(d) };
    if (flow.tcp !== null) side['flags'] = flagNames(flow.flags(d));
    return side;
  }

  /**
   * `<worker>/<tcp|udp|icmp>/<n>`: names a flow's stream in entries, the store and PCAP export.
   * `n` is the engine's number of the flow's first packet: in a capture file its packet number
   * (Wireshark's frame.number), and the same however many threads dissect the file. A byte
   * stream without packets (the TLS tracer's plaintext) is `<worker>/tls/<n>`, numbered apart.
   */
  streamId(layer4: FlowTransport | 'tls', firstPacket: number): string {
    return `${this.origin.worker}/${layer4}/${firstPacket}`;
  }
}

const FLAG_NAMES: [number, string][] = [
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.RST, 'RST'],
];

function flagNames(bits: number): string[] {
  return FLAG_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}
