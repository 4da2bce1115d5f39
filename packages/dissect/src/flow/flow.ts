import type { CaptureSource, Endpoint } from '@shoal/model';
import type { Direction, FlowTransport } from '../dissector.js';
import { IpProtocol, isIcmp, type DecodedPacket } from '../layers/decoded-packet.js';
import { formatIp } from '../layers/ip-format.js';
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
  readonly aAddr = new Uint32Array(4);
  readonly bAddr = new Uint32Array(4);
  readonly packets: [number, number] = [0, 0];
  readonly bytes: [number, number] = [0, 0];
  /** OR of the TCP flags seen per direction. */
  readonly flags: [number, number] = [0, 0];
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
    readonly index: number,
    readonly hash: number,
    readonly ipVersion: number,
    readonly transport: number,
    pkt: FlowEnds,
    tsMs: number,
  ) {
    this.aAddr.set(pkt.src);
    this.bAddr.set(pkt.dst);
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
    if (pkt.srcPort === this.aPort && pkt.dstPort === this.bPort && sameAddr(pkt.src, this.aAddr, pkt.ipVersion) && sameAddr(pkt.dst, this.bAddr, pkt.ipVersion)) return 0;
    if (pkt.srcPort === this.bPort && pkt.dstPort === this.aPort && sameAddr(pkt.src, this.bAddr, pkt.ipVersion) && sameAddr(pkt.dst, this.aAddr, pkt.ipVersion)) return 1;
    return -1;
  }

  /**
   * The sender of `direction`'s packets, formatted once per flow. ICMP has no ports: the echo
   * identifier that keys its flows is not one (port 0).
   */
  endpoint(direction: Direction): Endpoint {
    if (this.endpoints === null) {
      const ports = isIcmp(this.transport);
      this.endpoints = [
        { ip: formatIp(this.ipVersion, this.aAddr), port: ports ? 0 : this.aPort },
        { ip: formatIp(this.ipVersion, this.bAddr), port: ports ? 0 : this.bPort },
      ];
    }
    return this.endpoints[direction];
  }

  get layer4(): FlowTransport {
    return this.transport === IpProtocol.TCP ? 'tcp' : this.transport === IpProtocol.UDP ? 'udp' : 'icmp';
  }
}

function sameAddr(x: Uint32Array, y: Uint32Array, version: number): boolean {
  if (x[0] !== y[0]) return false;
  return version === 4 || (x[1] === y[1] && x[2] === y[2] && x[3] === y[3]);
}
