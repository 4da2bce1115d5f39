/**
 * Rewrites a real capture into variants that stress TCP reassembly: the same bytes cut into other
 * segments, segments swapped, retransmitted, or lost. Used by the fixture generator (committed
 * out-of-order / retransmission / gap captures) and by tests at run time.
 *
 * Checksums are left stale: Shoal ignores them, as captures with checksum offload require.
 */

import { LinkType, type PacketSink } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { isData, payloadOf, tcpView, type Packet, type TcpView } from './tcp-view.js';

export { isData, payloadOf, tcpView, type Packet, type TcpView } from './tcp-view.js';

const FIN = 0x01;
const PSH = 0x08;
const ACK = 0x10;

/** Every packet of a pcap or pcapng file, copied out of the reader's chunks. */
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
  /**
   * After a swapped pair, the next pair starts `every` data segments on (≥ 2, default 2); a pair
   * that may not be swapped (see reorder()) is passed over one segment at a time.
   */
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

/** Whether data of another direction lies strictly between positions a and b. */
function otherDataBetween(views: readonly (TcpView | null)[], a: number, b: number, direction: string): boolean {
  for (let i = a + 1; i < b; i++) {
    const v = views[i]!;
    if (isData(v) && v.direction !== direction) return true;
  }
  return false;
}

/**
 * Swaps pairs of consecutive data segments of one direction: the later segment B is moved to
 * just before the earlier one, A. Only pairs with no data of the other direction between them
 * are swapped: B could be an answer to that data, and no capture point sees an answer before its
 * question. B's acknowledgement number is set to A's, for the same reason (an ack for bytes not
 * yet seen would rightly make the engine call them lost).
 */
export function reorder(packets: readonly Packet[], opts: ReorderOptions = {}): Packet[] {
  const every = opts.every ?? 2;
  if (every < 2) throw new RangeError('reorder: every must be ≥ 2 so that pairs do not overlap');
  const views = packets.map(tcpView);
  const moveBefore = new Map<number, number>(); // position of A → position of B
  const moved = new Set<number>();
  for (const [direction, list] of dataSegments(packets)) {
    let k = opts.first ?? 0;
    while (k + 1 < list.length) {
      const a = list[k]!;
      const b = list[k + 1]!;
      if (otherDataBetween(views, a, b, direction)) {
        k++;
        continue;
      }
      moveBefore.set(a, b);
      moved.add(b);
      k += every;
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
   * the copy is half old bytes (to trim) and half new ones (to deliver). Pairs with data of the
   * other direction between them are resent unmerged.
   */
  merge?: boolean;
}

/** Adds retransmissions. A copy takes the timestamp of the packet it follows (time only grows). */
export function duplicate(packets: readonly Packet[], opts: DuplicateOptions = {}): Packet[] {
  const every = opts.every ?? 3;
  const lag = opts.lag ?? 0;
  const views = packets.map(tcpView);
  const copiesAfter = new Map<number, Packet[]>();
  for (const list of dataSegments(packets).values()) {
    for (let k = 0; k < list.length; k += every) {
      const i = list[k]!;
      const p = packets[i]!;
      const v = tcpView(p)!;
      let copy: Packet = { ...p, data: Buffer.from(p.data) };
      const next = list[k + 1];
      // As in reorder(): the next segment's bytes must not travel ahead of data they answer.
      if (opts.merge === true && next !== undefined && !otherDataBetween(views, i, next, v.direction)) {
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
