import { RESPONSE_TIMEOUT_MS, type CaptureSource, type Endpoint, type Entry, type PacketSink } from '@shoal/model';
import type { Direction, DissectOptions, Transaction } from './dissector.js';
import { EntryFactory, type EntryOrigin } from './entry-factory.js';
import { Flow } from './flow/flow.js';
import { FlowTable } from './flow/flow-table.js';
import { StreamHandler, type StreamOutput } from './flow/stream-handler.js';
import { IpProtocol, TcpFlag } from './layers/decoded-packet.js';
import { PacketDecoder } from './layers/packet-decoder.js';
import { ReassemblyBudget, DEFAULT_REASSEMBLY_LIMITS, type ReassemblyLimits } from './reassembly/reassembly-budget.js';
import { TcpDirection, type ByteSink } from './reassembly/tcp-direction.js';
import type { DissectorRegistry } from './registry.js';
import { DissectStats } from './stats.js';

/**
 * Splits one capture's flows among several engines that each read every packet (`shoal dissect
 * --threads`): engine `index` of `count` follows the flows whose hash falls to it and only keeps
 * time with the others' packets. Every flow is followed whole by one engine, so each finds the same
 * entries it would alone; their positions (EntryPosition) put them back in one engine's order.
 */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Where an entry was emitted, which orders the entries of sharded engines as one engine emits
 * them: by `packet` (the engine's number of the packet being handled, counting every packet it
 * was given; after the last one for `finish`), then `phase` (the timeouts swept before the
 * packet, the packet itself, the final flush), then `flowPacket` (the first packet of the
 * entry's flow: flows are swept and flushed in the order they opened). One flow's entries are
 * emitted by one engine, in order. The object is the engine's own, refilled for each entry.
 */
export interface EntryPosition {
  packet: number;
  phase: EntryPhase;
  flowPacket: number;
}

export const EntryPhase = {
  Sweep: 0,
  Packet: 1,
  Finish: 2,
} as const;
export type EntryPhase = (typeof EntryPhase)[keyof typeof EntryPhase];

/** Hears every packet that belongs to a flow, with the flow's stream id (the worker stores them). */
export type FlowPacketListener = (
  stream: string,
  linkType: number,
  timestampMs: number,
  data: Buffer,
  offset: number,
  capturedLength: number,
  wireLength: number,
) => void;

export interface EngineOptions extends DissectOptions, EntryOrigin {
  registry: DissectorRegistry;
  /** Optional: raw packets per stream, for PCAP export. */
  onFlowPacket?: FlowPacketListener;
  /**
   * Optional user-space target filter, asked once per new flow with its two endpoints (the
   * kernel filter stops scaling past some number of targets). A refused flow is tracked only to
   * recognise its later packets: no dissection, no entries, no stored packets.
   */
  acceptFlow?: (a: Endpoint, b: Endpoint) => boolean;
  /** A TCP flow silent this long (capture clock) is flushed and closed. */
  tcpIdleTimeoutMs: number;
  /** A UDP conversation silent this long is reported and forgotten. */
  udpIdleTimeoutMs: number;
  /** Flows tracked at once (by each shard); past it the oldest flow is closed early (its entries still come). */
  maxFlows: number;
  /** Optional: this engine follows only its share of the flows (Shard). */
  shard?: Shard;
  reassembly: ReassemblyLimits;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'registry'> = {
  worker: 'dissect',
  node: { name: '', ip: '' },
  capture: 'pcap_file',
  bodyCapBytes: 64 * 1024,
  // The feeds' resume margin is this timeout (model's wire/feed.ts): one constant for both.
  responseTimeoutMs: RESPONSE_TIMEOUT_MS,
  detail: 'full',
  tcpIdleTimeoutMs: 120_000,
  udpIdleTimeoutMs: 30_000,
  maxFlows: 1_000_000,
  reassembly: DEFAULT_REASSEMBLY_LIMITS,
};

/** One end of a byte stream (openStream): its address as 32-bit big-endian words, and port. */
export interface StreamEnd {
  version: 4 | 6;
  words: Uint32Array;
  port: number;
}

/**
 * A TCP stream's bytes fed in order by something other than packets (the TLS tracer's
 * plaintext): `data` per direction (0: sent by the stream's first end), `gap` for bytes known
 * lost, `end` when the connection is over.
 */
export interface ByteStream {
  data(direction: Direction, chunk: Buffer, tsMs: number): void;
  gap(direction: Direction, length: number, tsMs: number): void;
  end(tsMs: number): void;
}

/** How often (capture clock) timeouts are checked. */
const SWEEP_INTERVAL_MS = 1000;
/** A closed TCP flow stays this long to absorb its last ACKs instead of opening a new flow. */
const CLOSED_LINGER_MS = 2000;

/**
 * Packets in, entries out: decodes headers, tracks flows, reassembles TCP, runs detection and
 * dissectors. Driven by the capture clock (packet timestamps), so a file gives the same entries
 * however fast it is read.
 */
export class DissectEngine implements PacketSink, StreamOutput {
  /** The flows' counters (and, unsharded, the packets' too: then the same object as `packetStats`). */
  readonly stats = new DissectStats();
  /**
   * The packets' counters (link, IP, transport, fragments, broken headers): every shard decodes
   * every packet, so one shard's are the capture's, while `stats` of the shards add up.
   */
  readonly packetStats: DissectStats;
  private readonly decoder: PacketDecoder;
  private readonly flows = new FlowTable();
  private readonly factory: EntryFactory;
  private readonly budget: ReassemblyBudget;
  private clockMs = 0;
  private lastSweepMs = 0;
  private packetCount = 0;
  /** Byte streams opened (openStream): they number their streams apart, having no packets. */
  private byteStreamCount = 0;
  private readonly position: EntryPosition = { packet: 0, phase: EntryPhase.Packet, flowPacket: 0 };
  private readonly shard: Shard | null;
  private capture: CaptureSource;

  constructor(
    private readonly options: EngineOptions,
    private readonly onEntry: (entry: Entry, position: EntryPosition) => void,
  ) {
    this.factory = new EntryFactory(options);
    this.budget = new ReassemblyBudget(options.reassembly);
    this.capture = options.capture;
    this.shard = options.shard !== undefined && options.shard.count > 1 ? options.shard : null;
    this.packetStats = this.shard === null ? this.stats : new DissectStats();
    this.decoder = new PacketDecoder(this.packetStats);
  }

  /**
   * The packets that follow come from a capture on `capture`. A worker runs captures on
   * different backends (eBPF inside a pod, AF_PACKET on the node's `any`); each flow's entries
   * name the backend of the capture that saw its first packet.
   */
  setCapture(capture: CaptureSource): void {
    this.capture = capture;
  }

  onPacket(linkType: number, tsMs: number, data: Buffer, offset: number, caplen: number, wireLen: number): void {
    this.packetStats.packets++;
    this.packetStats.bytes += wireLen;
    const position = this.position;
    position.packet = ++this.packetCount;
    if (tsMs > this.clockMs) {
      this.clockMs = tsMs;
      if (tsMs - this.lastSweepMs >= SWEEP_INTERVAL_MS) this.sweep(tsMs);
    }
    position.phase = EntryPhase.Packet;
    const decoder = this.decoder;
    if (!decoder.decode(linkType, tsMs, data, offset, caplen, wireLen)) return;
    const pkt = decoder.packet;
    const hash = FlowTable.hash(pkt);
    if (this.shard !== null && hash % this.shard.count !== this.shard.index) return;
    let flow = this.flows.find(pkt, hash);
    let direction = this.flows.direction;
    const isTcp = pkt.transport === IpProtocol.TCP;
    const bareSyn = isTcp && (pkt.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    if (flow !== null && flow.closed && bareSyn) {
      // The 4-tuple is reused by a new connection.
      this.flows.remove(flow);
      flow = null;
    }
    if (flow === null) {
      flow = this.open(hash, tsMs, bareSyn);
      direction = 0;
    }
    flow.lastMs = tsMs;
    if (flow.ignored) return;
    this.options.onFlowPacket?.(flow.stream, linkType, tsMs, data, offset, caplen, wireLen);
    if (direction === 0) {
      flow.packets0++;
      flow.bytes0 += pkt.payloadWireLength;
    } else {
      flow.packets1++;
      flow.bytes1 += pkt.payloadWireLength;
    }
    if (flow.closed) return;
    if (isTcp) this.tcpSegment(flow, direction, tsMs);
    else if (pkt.payloadLength > 0) {
      flow.handler.data(direction, pkt.buffer.subarray(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength), tsMs);
    }
  }

  /** How many packets it was given: the number of the last one (EntryPosition.packet). */
  get packetNumber(): number {
    return this.packetCount;
  }

  /**
   * Moves the capture clock to `nowMs` (epoch ms, the clock live packets are stamped with) and
   * runs the timeouts when due. A live capture can go quiet; without this, idle flows and
   * requests waiting for a response would wait for the next packet to be noticed.
   */
  advanceClock(nowMs: number): void {
    if (!(nowMs > this.clockMs)) return;
    this.clockMs = nowMs;
    if (nowMs - this.lastSweepMs >= SWEEP_INTERVAL_MS) this.sweep(nowMs);
  }

  /**
   * A TCP stream whose bytes arrive in order from elsewhere (the TLS tracer's plaintext, entries
   * marked `capture`): detection and the dissectors as for a packet flow, without reassembly.
   * `a` sends direction 0. Its flow is timed out and evicted as packet flows are, but is never
   * matched by a packet: the encrypted packets of the same connection make a flow of their own.
   */
  openStream(a: StreamEnd, b: StreamEnd, tsMs: number, capture: CaptureSource): ByteStream {
    this.advanceClock(tsMs);
    this.evictIfFull(tsMs);
    const ends = { src: a.words, dst: b.words, srcPort: a.port, dstPort: b.port };
    const flow = new Flow(++this.byteStreamCount, 0, a.version, IpProtocol.TCP, ends, tsMs);
    flow.stream = this.factory.streamId('tls', flow.firstPacket);
    flow.capture = capture;
    flow.handler = new StreamHandler(flow, this.options.registry, this.options, this, this.stats);
    this.stats.tcpFlows++;
    this.flows.track(flow);
    const touch = (d: Direction, length: number, ts: number): boolean => {
      this.advanceClock(ts);
      if (flow.closed) return false;
      flow.lastMs = Math.max(flow.lastMs, ts);
      if (d === 0) flow.bytes0 += length;
      else flow.bytes1 += length;
      return true;
    };
    return {
      data: (d, chunk, ts) => {
        if (touch(d, chunk.length, ts)) flow.handler.data(d, chunk, ts);
      },
      gap: (d, length, ts) => {
        if (touch(d, 0, ts)) flow.handler.gap(d, length, ts);
      },
      end: (ts) => {
        this.advanceClock(ts);
        this.close(flow, ts);
      },
    };
  }

  /** End of input: every flow is flushed and reported, every pending request emitted. */
  finish(): void {
    this.position.packet = this.packetCount + 1;
    this.position.phase = EntryPhase.Finish;
    for (const flow of this.flows.live) this.close(flow, this.clockMs);
    this.decoder.flush();
  }

  transaction(flow: Flow, client: Direction, t: Transaction): void {
    this.deliver(this.factory.fromTransaction(flow, client, t), flow);
  }

  unclaimedFlow(flow: Flow, client: Direction): void {
    this.deliver(this.factory.fromFlow(flow, client), flow);
  }

  private deliver(entry: Entry, flow: Flow): void {
    this.stats.countEntry(entry.protocol.name, entry.malformed !== undefined);
    this.position.flowPacket = flow.firstPacket;
    this.onEntry(entry, this.position);
  }

  /** At maxFlows, the oldest flow is closed (its entries still come) to make room. */
  private evictIfFull(tsMs: number): void {
    if (this.flows.size < this.options.maxFlows) return;
    const oldest = this.flows.live.values().next();
    if (oldest.done !== true) {
      this.close(oldest.value, tsMs);
      this.flows.remove(oldest.value);
    }
  }

  private open(hash: number, tsMs: number, bareSyn: boolean): Flow {
    this.evictIfFull(tsMs);
    const pkt = this.decoder.packet;
    const flow = new Flow(this.packetCount, hash, pkt.ipVersion, pkt.transport, pkt, tsMs);
    flow.stream = this.factory.streamId(flow.layer4, flow.firstPacket);
    flow.capture = this.capture;
    const accept = this.options.acceptFlow;
    if (accept !== undefined && !accept(flow.endpoint(0), flow.endpoint(1))) {
      flow.ignored = true;
      flow.closed = true;
      this.flows.insert(flow);
      return flow;
    }
    if (pkt.transport === IpProtocol.TCP) {
      this.stats.tcpFlows++;
      if (bareSyn) flow.initiator = 0;
      else if ((pkt.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK)) flow.initiator = 1;
      flow.tcp = [this.direction(flow, 0), this.direction(flow, 1)];
    } else if (pkt.transport === IpProtocol.UDP) this.stats.udpFlows++;
    flow.handler = new StreamHandler(flow, this.options.registry, this.options, this, this.stats);
    this.flows.insert(flow);
    return flow;
  }

  private direction(flow: Flow, d: Direction): TcpDirection {
    const sink: ByteSink = {
      data: (chunk, ts) => flow.handler.data(d, chunk, ts),
      gap: (length, ts) => flow.handler.gap(d, length, ts),
      end: (ts) => flow.handler.end(d, ts),
    };
    return new TcpDirection(sink, this.stats, this.budget);
  }

  private tcpSegment(flow: Flow, d: Direction, tsMs: number): void {
    const pkt = this.decoder.packet;
    const flags = pkt.tcpFlags;
    if (d === 0) flow.flags0 |= flags;
    else flow.flags1 |= flags;
    const tcp = flow.tcp!;
    const cut = pkt.payloadWireLength - pkt.payloadLength;
    // The ack first: it settles holes in the other direction, which came before this
    // packet's own data (a response must not reach the dissector ahead of its request's gap).
    // When this direction misses bytes before this packet too (both sides lost packets: a
    // capture replaced on a target change, drops), the other side's gap waits for this side's
    // to be settled (TcpDirection.holdAck); unless the other side already waits on this one,
    // whose gap then comes first.
    if ((flags & TcpFlag.ACK) !== 0) {
      const own = tcp[d];
      const peer = tcp[1 - d]!;
      if (own.hasHoleBefore(pkt.seq) && !peer.holdsAck && peer.settledBy(pkt.ack)) own.holdAck(pkt.seq, peer, pkt.ack);
      else peer.peerAck(pkt.ack, tsMs);
    }
    tcp[d].segment(
      pkt.seq,
      (flags & TcpFlag.SYN) !== 0,
      (flags & TcpFlag.FIN) !== 0,
      pkt.buffer,
      pkt.payloadOffset,
      pkt.payloadLength,
      cut,
      tsMs,
    );
    if ((flags & TcpFlag.RST) !== 0 || (tcp[0].hasEnded && tcp[1].hasEnded)) this.close(flow, tsMs);
  }

  private close(flow: Flow, tsMs: number): void {
    if (flow.closed) return;
    flow.closed = true;
    if (flow.tcp !== null) {
      // A direction holding the other's ack settles its holes, then applies it, first.
      const first = flow.tcp[1].holdsAck ? 1 : 0;
      flow.tcp[first].flush(tsMs);
      flow.tcp[1 - first]!.flush(tsMs);
    }
    flow.handler.close(tsMs);
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    this.position.phase = EntryPhase.Sweep;
    this.decoder.expire(nowMs);
    for (const flow of this.flows.live) {
      const idle = nowMs - flow.lastMs;
      if (flow.closed) {
        const idleLimit = flow.transport === IpProtocol.TCP ? this.options.tcpIdleTimeoutMs : this.options.udpIdleTimeoutMs;
        const linger = flow.ignored ? idleLimit : CLOSED_LINGER_MS;
        if (idle > linger) this.flows.remove(flow);
        continue;
      }
      const limit = flow.transport === IpProtocol.TCP ? this.options.tcpIdleTimeoutMs : this.options.udpIdleTimeoutMs;
      if (idle > limit) {
        this.stats.idleTimeouts++;
        this.close(flow, nowMs);
        this.flows.remove(flow);
      } else flow.handler.tick(nowMs);
    }
  }
}
