/**
 * Builds packets byte by byte for layer tests: each function writes one header as its RFC lays it
 * out, so a test states exactly what is on the wire. Checksums are left zero (Shoal ignores them).
 */

export function ipv4Bytes(dotted: string): number[] {
  return dotted.split('.').map(Number);
}

/** IPv6 address words from a fully written address (8 groups, no `::`). */
export function ipv6Bytes(full: string): number[] {
  return full.split(':').flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 0xff];
  });
}

export function udp(srcPort: number, dstPort: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

export function tcp(srcPort: number, dstPort: number, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, payload]);
}

export interface Ipv4Options {
  id?: number;
  moreFragments?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  offset?: number;
}

/** RFC 791 §3.1 header (no options) around `payload`. */
export function ipv4(src: string, dst: string, protocol: number, payload: Buffer, o: Ipv4Options = {}): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(o.id ?? 1, 4);
  h.writeUInt16BE(((o.moreFragments ?? false) ? 0x2000 : 0) | ((o.offset ?? 0) / 8), 6);
  h[8] = 64;
  h[9] = protocol;
  Buffer.from(ipv4Bytes(src)).copy(h, 12);
  Buffer.from(ipv4Bytes(dst)).copy(h, 16);
  return Buffer.concat([h, payload]);
}

/** RFC 8200 §3 header; `payload` may start with extension headers, `next` names the first. */
export function ipv6(src: string, dst: string, next: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = next;
  h[7] = 64;
  Buffer.from(ipv6Bytes(src)).copy(h, 8);
  Buffer.from(ipv6Bytes(dst)).copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** A hop-by-hop or destination-options header (RFC 8200 §4.3), padded to 8-byte units. */
export function ipv6Options(next: number, body: Buffer): Buffer {
  const total = Math.ceil((body.length + 2) / 8) * 8;
  const h = Buffer.alloc(total);
  h[0] = next;
  h[1] = total / 8 - 1;
  body.copy(h, 2);
  return h;
}

/** RFC 8200 §4.5 fragment header. */
export function ipv6Fragment(next: number, offset: number, more: boolean, id: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = next;
  h.writeUInt16BE(offset | (more ? 1 : 0), 2);
  h.writeUInt32BE(id, 4);
  return h;
}

/** Ethernet II with any stack of VLAN tags (`tags`: [tpid, vlanId] outermost first). */
export function ethernet(etherType: number, payload: Buffer, tags: [number, number][] = []): Buffer {
  const parts = [Buffer.from([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])];
  for (const [tpid, vid] of tags) {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(tpid, 0);
    t.writeUInt16BE(vid, 2);
    parts.push(t);
  }
  const et = Buffer.alloc(2);
  et.writeUInt16BE(etherType, 0);
  return Buffer.concat([...parts, et, payload]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): protocol first, 20-byte header. */
export function sll2(protocol: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt32BE(1, 4); // interface index
  h.writeUInt16BE(1, 8); // ARPHRD_ETHER
  h[11] = 6;
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): protocol at offset 14, 16-byte header. */
export function sll(protocol: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(1, 2);
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

/** BSD loopback (LINKTYPE_NULL): the address family in the capturing host's byte order. */
export function bsdLoopback(family: number, payload: Buffer, littleEndian = true): Buffer {
  const h = Buffer.alloc(4);
  if (littleEndian) h.writeUInt32LE(family, 0);
  else h.writeUInt32BE(family, 0);
  return Buffer.concat([h, payload]);
}

/** RFC 792 / RFC 4443 §2.1: type, code, a zero checksum, the 4 octets after them, then `body`. */
export function icmpMessage(type: number, code: number, rest: Buffer, body: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([type, code, 0, 0]), rest, body]);
}

/** An echo's rest of header: identifier and sequence number (RFC 792; RFC 4443 §4.1). */
export function echoIds(id: number, seq: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(seq, 2);
  return b;
}
