import type { CaptureSource, Endpoint } from '@shoal/model';
import type { Direction, FlowTransport } from '../dissector.js';
import { IpProtocol, isIcmp, type DecodedPacket } from '../layers/decoded-packet.js';
import { formatIp, formatIpv4Word } from '../layers/ip-format.js';
import type { TcpDirection } from '../reassembly/tcp-direction.js';

/**
 * What a flow hands its bytes to: the engine's per-flow dissection (stream-handler.ts). Declared
 * here, on the flow's side, so the flow does not import its handler back.
 */
export interface FlowHandler {
  data(direction: Direction, chunk: Buffer, tsMs: number): void;
  gap(direction: Direction, length: number, tsMs: number): void;
  end(direction: Direction, tsMs: number): void;
  tick(tsMs: number): void;
  close(tsMs: number): void;
}

/** Where a flow's two ends are: a packet's (DecodedPacket), or a byte stream's (openStream). */
export interface FlowEnds {
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  readonly srcPort: number;
  readonly dstPort: number;
}

/**
 * One TCP connection or UDP conversation. Direction 0 is the direction of the first packet seen;
 * `initiator` says which direction opened it (a SYN without ACK), when that was seen.
 */
export class Flow {
  /** Collision chain of the flow table's hash buckets. */
  nextInBucket: Flow | null = null;
  // The endpoints' addresses as 32-bit words (IPv4: the first only), in plain fields: a flow
  // table may hold a million flows, and two typed arrays per flow cost more than the rest of it.
  private readonly a0: number;
  private readonly a1: number;
  private readonly a2: number;
  private readonly a3: number;
  private readonly b0: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly b3: number;
  /** Packets, payload bytes (on the wire) and the OR of the TCP flags seen, per direction. */
  packets0 = 0;
  packets1 = 0;
  bytes0 = 0;
  bytes1 = 0;
  flags0 = 0;
  flags1 = 0;
  firstMs: number;
  lastMs: number;
  /** Direction that sent a bare SYN, or -1 when the handshake was not seen. */
  initiator: -1 | Direction = -1;
  closed = false;
  /** Refused by the target filter: its packets are recognised and skipped. */
  ignored = false;
  tcp: [TcpDirection, TcpDirection] | null = null;
  handler!: FlowHandler;
  /** The stream id entries of this flow carry (set by the engine when it opens the flow). */
  stream = '';
  /** How its first packet was obtained: its entries' `capture` (set when the flow opens). */
  capture: CaptureSource = 'pcap_file';
  private endpoints: [Endpoint, Endpoint] | null = null;

  constructor(
    /** The engine's number of the flow's first packet (1 = the first packet it was given). */
    readonly firstPacket: number,
    readonly hash: number,
    readonly ipVersion: number,
    readonly transport: number,
    pkt: FlowEnds,
    tsMs: number,
  ) {
    const src = pkt.src;
    const dst = pkt.dst;
    this.a0 = src[0]!;
    this.a1 = src[1]!;
    this.a2 = src[2]!;
    this.a3 = src[3]!;
    this.b0 = dst[0]!;
    this.b1 = dst[1]!;
    this.b2 = dst[2]!;
    this.b3 = dst[3]!;
    this.aPort = pkt.srcPort;
    this.bPort = pkt.dstPort;
    this.firstMs = tsMs;
    this.lastMs = tsMs;
  }

  readonly aPort: number;
  readonly bPort: number;

  /** 0 or 1 when the packet belongs to this flow (in that direction), -1 otherwise. */
  directionOf(pkt: DecodedPacket): -1 | Direction {
    if (pkt.ipVersion !== this.ipVersion || pkt.transport !== this.transport) return -1;
    const src = pkt.src;
    const dst = pkt.dst;
    const v4 = pkt.ipVersion === 4;
    if (pkt.srcPort === this.aPort && pkt.dstPort === this.bPort && src[0] === this.a0 && dst[0] === this.b0) {
      if (v4 || (src[1] === this.a1 && src[2] === this.a2 && src[3] === this.a3 && dst[1] === this.b1 && dst[2] === this.b2 && dst[3] === this.b3)) return 0;
    }
    if (pkt.srcPort === this.bPort && pkt.dstPort === this.aPort && src[0] === this.b0 && dst[0] === this.a0) {
      if (v4 || (src[1] === this.b1 && src[2] === this.b2 && src[3] === this.b3 && dst[1] === this.a1 && dst[2] === this.a2 && dst[3] === this.a3)) return 1;
    }
    return -1;
  }

  /** What one direction sent: its packets, payload bytes on the wire and TCP flags. */
  packets(direction: Direction): number {
    return direction === 0 ? this.packets0 : this.packets1;
  }

  bytes(direction: Direction): number {
    return direction === 0 ? this.bytes0 : this.bytes1;
  }

  flags(direction: Direction): number {
    return direction === 0 ? this.flags0 : this.flags1;
  }

  /**
   * The sender of `direction`'s packets, formatted once per flow. ICMP has no ports: the echo
   * identifier that keys its flows is not one (port 0).
   */
  endpoint(direction: Direction): Endpoint {
    if (this.endpoints === null) {
      const ports = isIcmp(this.transport);
      this.endpoints = [
        { ip: this.ipVersion === 4 ? formatIpv4Word(this.a0) : formatIp(6, Uint32Array.of(this.a0, this.a1, this.a2, this.a3)), port: ports ? 0 : this.aPort },
        { ip: this.ipVersion === 4 ? formatIpv4Word(this.b0) : formatIp(6, Uint32Array.of(this.b0, this.b1, this.b2, this.b3)), port: ports ? 0 : this.bPort },
      ];
    }
    return this.endpoints[direction];
  }

  get layer4(): FlowTransport {
    return this.transport === IpProtocol.TCP ? 'tcp' : this.transport === IpProtocol.UDP ? 'udp' : 'icmp';
  }
}
