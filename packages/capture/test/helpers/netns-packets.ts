/**
 * A PacketSink for live-capture tests that keeps every packet (as a view into its batch) and
 * answers questions about them: does a packet hold these bytes, which IP protocol is it.
 */

import type { PacketSink } from '@shoal/model';

export interface LoggedPacket {
  linkType: number;
  timestampMs: number;
  bytes: Buffer;
  originalLength: number;
}

export class PacketLog implements PacketSink {
  readonly packets: LoggedPacket[] = [];
  /** When set, called once per packet after it is logged. */
  onEach: ((p: LoggedPacket) => void) | null = null;

  onPacket(linkType: number, timestampMs: number, data: Buffer, offset: number, capturedLength: number, originalLength: number): void {
    const p = { linkType, timestampMs, bytes: data.subarray(offset, offset + capturedLength), originalLength };
    this.packets.push(p);
    this.onEach?.(p);
  }

  /** True when one packet holds `text` (an HTTP request or status line fits in one segment). */
  has(text: string): boolean {
    return this.packets.some((p) => p.bytes.includes(text));
  }

  /**
   * True once the log holds the end of its TCP connection: a FIN from each side, then a packet
   * after the second FIN (the last ACK). The connection sends nothing after that, so a capture
   * that has it has the whole exchange.
   */
  tcpClosed(): boolean {
    let fins = 0;
    for (const p of this.packets) {
      if (fins >= 2) return true;
      const ip = ipv4Offset(p.linkType, p.bytes);
      if (ip < 0 || p.bytes[ip + 9] !== 6) continue;
      const flags = p.bytes[ip + (p.bytes[ip]! & 0x0f) * 4 + 13];
      if (flags !== undefined && (flags & 0x01) !== 0) fins++;
    }
    return false;
  }

  /** Packets carrying IPv4 with this protocol number (6 TCP, 17 UDP) and, if given, destination port. */
  count(protocol: number, dstPort?: number): number {
    let n = 0;
    for (const p of this.packets) {
      const ip = ipv4Offset(p.linkType, p.bytes);
      if (ip < 0 || p.bytes[ip + 9] !== protocol) continue;
      if (dstPort !== undefined) {
        const l4 = ip + (p.bytes[ip]! & 0x0f) * 4;
        if (p.bytes.length < l4 + 4 || p.bytes.readUInt16BE(l4 + 2) !== dstPort) continue;
      }
      n++;
    }
    return n;
  }
}

/** Where the IPv4 header starts in a packet of this link type, or -1 when it is not IPv4. */
export function ipv4Offset(linkType: number, b: Buffer): number {
  let type: number;
  let at: number;
  if (linkType === 1) {
    if (b.length < 14) return -1;
    type = b.readUInt16BE(12);
    at = 14;
    while ((type === 0x8100 || type === 0x88a8) && b.length >= at + 4) {
      type = b.readUInt16BE(at + 2);
      at += 4;
    }
  } else if (linkType === 276) {
    if (b.length < 20) return -1;
    type = b.readUInt16BE(0);
    at = 20;
  } else if (linkType === 113) {
    if (b.length < 16) return -1;
    type = b.readUInt16BE(14);
    at = 16;
  } else {
    return -1;
  }
  return type === 0x0800 && b.length >= at + 20 ? at : -1;
}
