import { LinkType } from '@shoal/model';

/** Copies of one packet seen on several interfaces arrive microseconds apart; RTOs are ≥ 200 ms. */
export const DUPLICATE_WINDOW_MS = 10;
/** Recent packets remembered; at 400k packets/s, 10 ms is 4000 packets. */
const RING = 8192;
/** Bytes of the IP packet hashed: IP and TCP/UDP headers, whose checksums cover the rest. */
const HASHED_BYTES = 64;

/** Offset of the IP header for the link types a capture delivers, or -1 when unknown. */
function ipOffset(linkType: number, data: Buffer, offset: number, caplen: number): number {
  switch (linkType) {
    case LinkType.ETHERNET: {
      let at = offset + 12;
      // Up to two VLAN tags (802.1Q, 802.1ad) before the EtherType.
      for (let tags = 0; tags < 2 && at + 2 <= offset + caplen; tags++) {
        const type = data.readUInt16BE(at);
        if (type !== 0x8100 && type !== 0x88a8) break;
        at += 4;
      }
      return at + 2;
    }
    case LinkType.LINUX_SLL:
      return offset + 16;
    case LinkType.LINUX_SLL2:
      return offset + 20;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return offset;
    case LinkType.NULL:
    case LinkType.LOOP:
      return offset + 4;
    default:
      return -1;
  }
}

/**
 * Recognises the same IP packet delivered twice within a few milliseconds: a capture on `any`
 * sees a bridged packet on each port and on the bridge, and two captures (root and a pod's
 * namespace) can both see one packet when their kernel filters could not be made disjoint.
 * The link header differs between the copies, the IP packet does not (bridging keeps the TTL),
 * so the key is a 53-bit hash of the IP packet's first bytes and its length.
 *
 * A true retransmission with identical bytes inside the window (possible with IPv6, which has
 * no IP ID) is dropped too; it carries nothing new, and TCP reassembly would discard it anyway.
 */
export class DuplicateFilter {
  /** Off when only one capture on one interface runs: then no packet can arrive twice. */
  enabled = false;
  duplicates = 0;
  private readonly seen = new Map<number, number>();
  /** Keys in arrival order with the time stored for them, to forget the oldest. */
  private readonly ring = new Float64Array(RING);
  private readonly ringTimes = new Float64Array(RING);
  private next = 0;

  /** True when this packet is a copy of one delivered within the window (and counts it). */
  isDuplicate(linkType: number, tsMs: number, data: Buffer, offset: number, caplen: number): boolean {
    if (!this.enabled) return false;
    const ip = ipOffset(linkType, data, offset, caplen);
    const end = offset + caplen;
    if (ip < 0 || ip >= end) return false;
    const key = hashKey(data, ip, Math.min(end, ip + HASHED_BYTES), end - ip);
    const previous = this.seen.get(key);
    if (previous !== undefined && Math.abs(tsMs - previous) <= DUPLICATE_WINDOW_MS) {
      this.duplicates++;
      return true;
    }
    // Forget the key leaving the ring, unless it was seen again since (a newer slot has it).
    const old = this.ring[this.next]!;
    if (this.seen.get(old) === this.ringTimes[this.next]) this.seen.delete(old);
    this.ring[this.next] = key;
    this.ringTimes[this.next] = tsMs;
    this.next = (this.next + 1) % RING;
    this.seen.set(key, tsMs);
    return false;
  }
}

/** FNV-1a (32 bits) and a second multiplicative hash (21 bits) of data[from, to) and the length. */
function hashKey(data: Buffer, from: number, to: number, length: number): number {
  let a = 0x811c9dc5 ^ length;
  let b = 0x9e3779b1 ^ length;
  for (let i = from; i < to; i++) {
    const byte = data[i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b + byte, 0x85ebca6b) ^ (b >>> 13);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
