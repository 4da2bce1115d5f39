import { createHash } from 'node:crypto';
import { COPY_TOLERANCE_MS } from '../feed/cross-node-copies.js';

/** Packets remembered while waiting for their copy from another worker. */
const MAX_REMEMBERED = 200_000;

/**
 * Bytes before the IP header for the link types the workers write (pcap LINKTYPE_* numbers),
 * or undefined for a link type whose packets are not compared.
 */
function linkHeaderBytes(linkType: number, data: Buffer): number | undefined {
  switch (linkType) {
    case 1: {
      // Ethernet, with 802.1Q / 802.1ad tags before the EtherType
      let at = 12;
      while (at + 2 <= data.length && (data.readUInt16BE(at) === 0x8100 || data.readUInt16BE(at) === 0x88a8)) at += 4;
      return at + 2;
    }
    case 113:
      return 16; // Linux cooked capture (SLL)
    case 276:
      return 20; // SLL2
    case 0:
      return 4; // BSD loopback
    case 12:
    case 101:
    case 228:
    case 229:
      return 0; // raw IP
    default:
      return undefined;
  }
}

/**
 * What a packet is on the wire between its two ends, whichever node captured it: the IP packet
 * with the fields routers change (IPv4 TTL and header checksum, IPv6 hop limit) blanked, without
 * the link header (each node's capture sees other MAC addresses). Undefined when it is not IP.
 */
export function packetKey(linkType: number, data: Buffer): string | undefined {
  const at = linkHeaderBytes(linkType, data);
  if (at === undefined || data.length <= at) return undefined;
  const ip = Buffer.from(data.subarray(at));
  const version = ip[0]! >> 4;
  if (version === 4 && ip.length >= 20) {
    ip[8] = 0;
    ip.writeUInt16BE(0, 10);
  } else if (version === 6 && ip.length >= 40) {
    ip[7] = 0;
  } else return undefined;
  return createHash('sha256').update(ip).digest('base64');
}

interface Seen {
  worker: string;
  tsUs: number;
  paired: boolean;
}

/**
 * A packet between pods on two nodes is captured on both, so two workers export it for the same
 * stream: the merged pcap keeps it once (tshark would show every second copy as a retransmission
 * or a duplicate ACK). A packet is a copy when another worker already gave the same packet
 * (packetKey) within COPY_TOLERANCE_MS. Each packet pairs with at most one copy from another
 * worker, so a real retransmission (the same bytes sent again) stays, and one worker's packets
 * are never compared with each other. Fed in time order (the merge's); memory is bounded by the
 * tolerance window and MAX_REMEMBERED.
 */
export class PacketCopies {
  private readonly seen = new Map<string, Seen[]>();
  private readonly order: { key: string; tsUs: number }[] = [];
  private head = 0;
  copies = 0;

  constructor(private readonly linkType: number) {}

  isCopy(worker: string, tsUs: number, data: Buffer): boolean {
    this.forget(tsUs);
    const key = packetKey(this.linkType, data);
    if (key === undefined) return false;
    const list = this.seen.get(key);
    if (list !== undefined) {
      for (const s of list) {
        if (!s.paired && s.worker !== worker && Math.abs(s.tsUs - tsUs) <= COPY_TOLERANCE_MS * 1000) {
          s.paired = true;
          this.copies++;
          return true;
        }
      }
      list.push({ worker, tsUs, paired: false });
    } else this.seen.set(key, [{ worker, tsUs, paired: false }]);
    this.order.push({ key, tsUs });
    return false;
  }

  /** Drops what is older than the tolerance before `nowUs` (or the oldest, past the bound). */
  private forget(nowUs: number): void {
    while (this.head < this.order.length && (this.order[this.head]!.tsUs < nowUs - COPY_TOLERANCE_MS * 1000 || this.order.length - this.head > MAX_REMEMBERED)) {
      const { key } = this.order[this.head++]!;
      const list = this.seen.get(key);
      if (list !== undefined && list.length > 1) list.shift();
      else this.seen.delete(key);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}
