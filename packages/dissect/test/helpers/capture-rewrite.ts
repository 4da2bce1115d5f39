/**
 * Rewrites a real capture into variants that stress TCP reassembly: the same bytes cut into other
 * segments, segments swapped, retransmitted, or lost. Used by the fixture generator (committed
 * out-of-order / retransmission / gap captures) and by tests at run time.
 *
 * The header walk here is written independently of src/layers on purpose: a test helper that
 * shared the decoder's bugs could not find them. Checksums are left stale (Shoal ignores them).
 */

import { CaptureFileReader, LinkType, PcapWriter, type PacketSink } from '@shoal/capture';

/** One captured packet, owning its bytes. */
export interface Packet {
  linkType: number;
  tsMs: number;
  data: Buffer;
  /** Length on the wire; more than data.length when the snap length cut the packet. */
  wireLen: number;
}

/** Where the headers of a TCP packet are, and what they say. */
export interface TcpView {
  ipOffset: number;
  ipVersion: 4 | 6;
  tcpOffset: number;
  payloadOffset: number;
  payloadLength: number;
  seq: number;
  ack: number;
  flags: number;
  /** `src>dst` with ports: one direction of one connection. */
  direction: string;
}

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

export function readCapture(path: string): Packet[] {
  const packets: Packet[] = [];
  const sink: PacketSink = {
    onPacket(linkType, tsMs, data, offset, caplen, wireLen) {
      packets.push({ linkType, tsMs, data: Buffer.from(data.subarray(offset, offset + caplen)), wireLen });
    },
  };
  const reader = CaptureFileReader.open(path);
  try {
    reader.readAll(sink);
  } finally {
    reader.close();
  }
  if (reader.warnings.length > 0) throw new Error(reader.warnings.map((w) => w.message).join('; '));
  return packets;
}

/** Writes a pcap (one link type per file, as pcap requires). */
export function writeCapture(path: string, packets: readonly Packet[], resolution: 'us' | 'ns' = 'us'): void {
  const linkType = packets[0]?.linkType ?? LinkType.ETHERNET;
  const writer = PcapWriter.toFile(path, { linkType, resolution });
  try {
    for (const p of packets) writer.onPacket(p.linkType, p.tsMs, p.data, 0, p.data.length, p.wireLen);
  } finally {
    writer.close();
  }
}

/** Hands packets to a sink, as a capture file reader would. */
export function replay(packets: readonly Packet[], sink: PacketSink): void {
  for (const p of packets) sink.onPacket(p.linkType, p.tsMs, p.data, 0, p.data.length, p.wireLen);
}

/** Offset of the IP header for the link types our fixtures use, or -1. */
function ipOffset(linkType: number, b: Buffer): number {
  let type: number;
  let at: number;
  switch (linkType) {
    case LinkType.ETHERNET:
      at = 12;
      if (b.length < at + 2) return -1;
      type = b.readUInt16BE(at);
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        at += 4; // 802.1Q / 802.1ad tag: TPID + TCI
        if (b.length < at + 2) return -1;
        type = b.readUInt16BE(at);
      }
      at += 2;
      break;
    case LinkType.LINUX_SLL:
      if (b.length < 16) return -1;
      type = b.readUInt16BE(14);
      at = 16;
      break;
    case LinkType.LINUX_SLL2:
      if (b.length < 20) return -1;
      type = b.readUInt16BE(0);
      at = 20;
      break;
    case LinkType.NULL:
    case LinkType.LOOP:
      return b.length > 4 ? 4 : -1;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return 0;
    default:
      return -1;
  }
  return type === 0x0800 || type === 0x86dd ? at : -1;
}

/** The TCP headers of `p`, or null for anything else (non-IP, UDP, IP fragments, cut packets). */
export function tcpView(p: Packet): TcpView | null {
  const b = p.data;
  const ip = ipOffset(p.linkType, b);
  if (ip < 0 || ip >= b.length || p.wireLen !== b.length) return null;
  const version = b[ip]! >> 4;
  let tcp: number;
  let ipEnd: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (b[ip]! & 0x0f) * 4;
    if (b.length < ip + ihl || b[ip + 9] !== 6 || (b.readUInt16BE(ip + 6) & 0x3fff) !== 0) return null;
    tcp = ip + ihl;
    ipEnd = Math.min(b.length, ip + b.readUInt16BE(ip + 2));
    src = b.subarray(ip + 12, ip + 16).join('.');
    dst = b.subarray(ip + 16, ip + 20).join('.');
  } else if (version === 6) {
    // Our fixtures carry no IPv6 extension headers; anything else is left alone.
    if (b.length < ip + 40 || b[ip + 6] !== 6) return null;
    tcp = ip + 40;
    ipEnd = Math.min(b.length, ip + 40 + b.readUInt16BE(ip + 4));
    src = b.subarray(ip + 8, ip + 24).toString('hex');
    dst = b.subarray(ip + 24, ip + 40).toString('hex');
  } else return null;
  if (ipEnd < tcp + 20) return null;
  const payloadOffset = tcp + (b[tcp + 12]! >> 4) * 4;
  if (payloadOffset > ipEnd) return null;
  return {
    ipOffset: ip,
    ipVersion: version,
    tcpOffset: tcp,
    payloadOffset,
    payloadLength: ipEnd - payloadOffset,
    seq: b.readUInt32BE(tcp + 4),
    ack: b.readUInt32BE(tcp + 8),
    flags: b[tcp + 13]!,
    direction: `${src}:${b.readUInt16BE(tcp)}>${dst}:${b.readUInt16BE(tcp + 2)}`,
  };
}

/** A TCP segment that carries data (a SYN's payload, if ever, is left alone). */
export function isData(v: TcpView | null): v is TcpView {
  return v !== null && v.payloadLength > 0 && (v.flags & SYN) === 0;
}

/** A copy of `p` whose TCP payload is `payload`, with lengths, sequence and flags set. */
function withPayload(p: Packet, v: TcpView, payload: Buffer, seq: number, flags: number): Packet {
  const data = Buffer.concat([p.data.subarray(0, v.payloadOffset), payload]);
  const ipLen = data.length - v.ipOffset;
  if (v.ipVersion === 4) data.writeUInt16BE(ipLen, v.ipOffset + 2);
  else data.writeUInt16BE(ipLen - 40, v.ipOffset + 4);
  data.writeUInt32BE(seq >>> 0, v.tcpOffset + 4);
  data[v.tcpOffset + 13] = flags;
  return { linkType: p.linkType, tsMs: p.tsMs, data, wireLen: data.length };
}

/**
 * Cuts the payload of every TCP data packet into `size`-byte segments (the last may be shorter).
 * Each piece keeps the packet's timestamp; FIN and PSH stay on the last piece only.
 */
export function resegment(packets: readonly Packet[], size: number): Packet[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`segment size must be ≥ 1, got ${size}`);
  const out: Packet[] = [];
  for (const p of packets) {
    const v = tcpView(p);
    if (!isData(v) || v.payloadLength <= size) {
      out.push(p);
      continue;
    }
    const payload = p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
    for (let at = 0; at < payload.length; at += size) {
      const last = at + size >= payload.length;
      const flags = last ? v.flags : v.flags & ~(FIN | PSH);
      out.push(withPayload(p, v, payload.subarray(at, at + size), v.seq + at, flags));
    }
  }
  return out;
}

/** Positions of the data segments of each connection direction, in capture order. */
export function dataSegments(packets: readonly Packet[]): Map<string, number[]> {
  const byDirection = new Map<string, number[]>();
  packets.forEach((p, i) => {
    const v = tcpView(p);
    if (!isData(v)) return;
    const list = byDirection.get(v.direction) ?? [];
    list.push(i);
    byDirection.set(v.direction, list);
  });
  return byDirection;
}

/** Directions whose first data bytes start with `prefix` (e.g. `HTTP/1.`: the server sides). */
export function directionsStartingWith(packets: readonly Packet[], prefix: string): Set<string> {
  const found = new Set<string>();
  for (const [direction, list] of dataSegments(packets)) {
    if (payloadOf(packets[list[0]!]!).toString('latin1', 0, prefix.length) === prefix) found.add(direction);
  }
  return found;
}

export interface ReorderOptions {
  /** Swap the pair starting at every `every`-th data segment of each direction (≥ 2). Default 2. */
  every?: number;
  /** Start at this data-segment index in each direction. Default 0. */
  first?: number;
  /**
   * 'own': each packet keeps its timestamp (the file goes back in time, but every byte keeps the
   * time it was sent, so entries must not change at all). 'monotonic': the moved segment takes
   * the timestamp of its new slot, as a capture point that saw it early would record.
   */
  timestamps?: 'own' | 'monotonic';
}

/**
 * Swaps pairs of consecutive data segments of one direction: the later segment B is moved to
 * just before the earlier one, A. B's acknowledgement number is set to A's: B now travels ahead
 * of data of the other direction that its ack covered, and a capture cannot see an ack for
 * bytes not yet sent (the engine would rightly call them lost).
 */
export function reorder(packets: readonly Packet[], opts: ReorderOptions = {}): Packet[] {
  const every = opts.every ?? 2;
  if (every < 2) throw new RangeError('reorder: every must be ≥ 2 so that pairs do not overlap');
  const moveBefore = new Map<number, number>(); // position of A → position of B
  const moved = new Set<number>();
  for (const list of dataSegments(packets).values()) {
    for (let k = opts.first ?? 0; k + 1 < list.length; k += every) {
      moveBefore.set(list[k]!, list[k + 1]!);
      moved.add(list[k + 1]!);
    }
  }
  const out: Packet[] = [];
  packets.forEach((p, i) => {
    if (moved.has(i)) return;
    const j = moveBefore.get(i);
    if (j !== undefined) {
      const b = packets[j]!;
      const vA = tcpView(p)!;
      const vB = tcpView(b)!;
      const data = Buffer.from(b.data);
      if ((vB.flags & ACK) !== 0 && (vA.flags & ACK) !== 0) data.writeUInt32BE(vA.ack, vB.tcpOffset + 8);
      out.push({ ...b, data, tsMs: opts.timestamps === 'monotonic' ? p.tsMs : b.tsMs });
    }
    out.push(p);
  });
  return out;
}

export interface DuplicateOptions {
  /** Retransmit every `every`-th data segment of each direction. Default 3. */
  every?: number;
  /** The copy comes this many packets after the original (0: right after it). Default 0. */
  lag?: number;
  /**
   * Retransmit the segment together with the next data segment of its direction as one larger
   * segment (a sender that re-packetizes on retransmission): placed before that next segment,
   * the copy is half old bytes (to trim) and half new ones (to deliver).
   */
  merge?: boolean;
}

/** Adds retransmissions. A copy takes the timestamp of the packet it follows (time only grows). */
export function duplicate(packets: readonly Packet[], opts: DuplicateOptions = {}): Packet[] {
  const every = opts.every ?? 3;
  const lag = opts.lag ?? 0;
  const copiesAfter = new Map<number, Packet[]>();
  for (const list of dataSegments(packets).values()) {
    for (let k = 0; k < list.length; k += every) {
      const i = list[k]!;
      const p = packets[i]!;
      const v = tcpView(p)!;
      let copy: Packet = { ...p, data: Buffer.from(p.data) };
      const next = list[k + 1];
      if (opts.merge === true && next !== undefined) {
        const n = packets[next]!;
        const vn = tcpView(n)!;
        if (((vn.seq - v.seq) >>> 0) === v.payloadLength) {
          const both = Buffer.concat([
            p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength),
            n.data.subarray(vn.payloadOffset, vn.payloadOffset + vn.payloadLength),
          ]);
          copy = withPayload(p, v, both, v.seq, vn.flags);
        }
      }
      const target = Math.min(i + lag, packets.length - 1);
      const list2 = copiesAfter.get(target) ?? [];
      list2.push(copy);
      copiesAfter.set(target, list2);
    }
  }
  const out: Packet[] = [];
  packets.forEach((p, i) => {
    out.push(p);
    for (const c of copiesAfter.get(i) ?? []) out.push({ ...c, tsMs: Math.max(c.tsMs, p.tsMs) });
  });
  return out;
}

/**
 * Removes data segments chosen by `pick(view, indexInDirection, packet)`: a capture that lost
 * them (the endpoints still had them: the peer's ACKs go past the hole).
 */
export function drop(packets: readonly Packet[], pick: (v: TcpView, index: number, p: Packet) => boolean): Packet[] {
  const gone = new Set<number>();
  for (const list of dataSegments(packets).values()) {
    list.forEach((i, k) => {
      if (pick(tcpView(packets[i]!)!, k, packets[i]!)) gone.add(i);
    });
  }
  return packets.filter((_, i) => !gone.has(i));
}

/** The TCP payload bytes of `p` (empty for anything that is not TCP). */
export function payloadOf(p: Packet): Buffer {
  const v = tcpView(p);
  return v === null ? Buffer.alloc(0) : p.data.subarray(v.payloadOffset, v.payloadOffset + v.payloadLength);
}
