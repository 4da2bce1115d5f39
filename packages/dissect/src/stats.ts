/**
 * Every counter `shoal dissect --stats` prints and the worker exports. Nothing is dropped without
 * a counter saying how much and why.
 */
export type ShedReason =
  /** A TCP segment or its part that was already delivered (retransmission). */
  | 'tcp_retransmission'
  /** Bytes of a segment overlapping data already delivered, trimmed off. */
  | 'tcp_overlap'
  /** Out-of-order bytes that did not fit the per-flow or global budget and forced a gap. */
  | 'tcp_ooo_budget'
  /** Data before the first byte we could place (segment ahead of a mid-stream join point). */
  | 'tcp_after_close'
  /** IP fragments dropped because the reassembly budget was full. */
  | 'ip_fragment_budget'
  /** IP fragments of a datagram that never completed in time. */
  | 'ip_fragment_timeout'
  /** Bytes that the snap length cut off the packet in the capture. */
  | 'snaplen'
  /** Packets with a broken IP or transport header. */
  | 'bad_header'
  /** Packets of a link type this build does not decode. */
  | 'unknown_link_type'
  /** Bytes no dissector recognised at the start of a stream that a dissector claimed later (mid-stream join). */
  | 'detect_discarded';

/** The plain counters of DissectStats. */
const COUNTERS = [
  'packets', 'bytes', 'nonIp', 'ipv4', 'ipv6', 'tcpPackets', 'udpPackets', 'otherTransport', 'ipFragments',
  'ipDatagramsReassembled', 'tcpFlows', 'udpFlows', 'gaps', 'gapBytes', 'midstreamJoins', 'idleTimeouts', 'entries', 'malformed',
] as const satisfies readonly (keyof DissectStats)[];

export class DissectStats {
  packets = 0;
  bytes = 0;
  /** Packets that were not IPv4/IPv6 (ARP, LLDP, …): counted, not an error. */
  nonIp = 0;
  ipv4 = 0;
  ipv6 = 0;
  tcpPackets = 0;
  udpPackets = 0;
  /** IP packets of other transports (ICMP, SCTP, …). */
  otherTransport = 0;
  ipFragments = 0;
  ipDatagramsReassembled = 0;
  tcpFlows = 0;
  udpFlows = 0;
  /** Holes in TCP streams reported to dissectors, and the bytes they covered. */
  gaps = 0;
  gapBytes = 0;
  /** Streams joined without seeing the handshake. */
  midstreamJoins = 0;
  /** Flows closed because they were idle longer than the idle timeout. */
  idleTimeouts = 0;
  entries = 0;
  malformed = 0;
  readonly entriesByProtocol = new Map<string, number>();
  readonly shedBytes = new Map<ShedReason, number>();
  readonly shedPackets = new Map<ShedReason, number>();

  shed(reason: ShedReason, bytes: number, packets = 1): void {
    this.shedBytes.set(reason, (this.shedBytes.get(reason) ?? 0) + bytes);
    this.shedPackets.set(reason, (this.shedPackets.get(reason) ?? 0) + packets);
  }

  countEntry(protocol: string, malformed: boolean): void {
    this.entries++;
    if (malformed) this.malformed++;
    this.entriesByProtocol.set(protocol, (this.entriesByProtocol.get(protocol) ?? 0) + 1);
  }

  /** Adds `other`'s counts to these (the shards of one capture: DissectEngine.packetStats). */
  add(other: DissectStats): void {
    for (const key of COUNTERS) this[key] += other[key];
    for (const [protocol, n] of other.entriesByProtocol) this.entriesByProtocol.set(protocol, (this.entriesByProtocol.get(protocol) ?? 0) + n);
    for (const [reason, n] of other.shedBytes) this.shedBytes.set(reason, (this.shedBytes.get(reason) ?? 0) + n);
    for (const [reason, n] of other.shedPackets) this.shedPackets.set(reason, (this.shedPackets.get(reason) ?? 0) + n);
  }

  toJSON(): Record<string, unknown> {
    return {
      packets: this.packets,
      bytes: this.bytes,
      nonIp: this.nonIp,
      ipv4: this.ipv4,
      ipv6: this.ipv6,
      tcpPackets: this.tcpPackets,
      udpPackets: this.udpPackets,
      otherTransport: this.otherTransport,
      ipFragments: this.ipFragments,
      ipDatagramsReassembled: this.ipDatagramsReassembled,
      flows: this.tcpFlows + this.udpFlows,
      tcpFlows: this.tcpFlows,
      udpFlows: this.udpFlows,
      midstreamJoins: this.midstreamJoins,
      idleTimeouts: this.idleTimeouts,
      gaps: this.gaps,
      gapBytes: this.gapBytes,
      entries: this.entries,
      malformed: this.malformed,
      entriesByProtocol: Object.fromEntries([...this.entriesByProtocol].sort()),
      shedBytes: Object.fromEntries([...this.shedBytes].sort()),
      shedPackets: Object.fromEntries([...this.shedPackets].sort()),
    };
  }
}
