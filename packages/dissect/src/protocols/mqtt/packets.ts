/**
 * MQTT control packets, 3.1.1 (OASIS Standard, 2014) and 5.0 (OASIS Standard, 2019); §
 * numbers are 5.0's, which keeps 3.1.1's layout and adds properties and reason codes.
 *
 *   packet          = fixed-header variable-header payload                       §2.1
 *   fixed-header    = type:4 flags:4 remaining-length                            §2.1.1
 *   remaining-length= Variable Byte Integer: 7 bits a byte, high bit "more", ≤ 4 bytes  §1.5.5
 *   string          = length:16 UTF-8{length}                                     §1.5.4
 *   binary          = length:16 octets{length}                                    §1.5.6
 *   properties (5.0)= Variable Byte Integer length, then (identifier value)*       §2.2.2
 *
 *   CONNECT     1 0000  "MQTT" level:8 flags:8 keep-alive:16 [properties]
 *                       client-id [will-properties will-topic will-payload] [user] [password]  §3.1
 *   CONNACK     2 0000  ack-flags:8 return-code:8 [properties]                   §3.2
 *   PUBLISH     3 DUP QoS:2 RETAIN  topic [packet-id (QoS > 0)] [properties] payload   §3.3
 *   PUBACK      4 0000  packet-id [reason-code [properties]]                     §3.4
 *   PUBREC      5 0000  packet-id [reason-code [properties]]                     §3.5
 *   PUBREL      6 0010  packet-id [reason-code [properties]]                     §3.6
 *   PUBCOMP     7 0000  packet-id [reason-code [properties]]                     §3.7
 *   SUBSCRIBE   8 0010  packet-id [properties] (topic-filter options:8)+         §3.8
 *   SUBACK      9 0000  packet-id [properties] reason-code+                      §3.9
 *   UNSUBSCRIBE 10 0010 packet-id [properties] topic-filter+                     §3.10
 *   UNSUBACK    11 0000 packet-id [properties reason-code+] (3.1.1: nothing more) §3.11
 *   PINGREQ     12 0000                                                          §3.12
 *   PINGRESP    13 0000                                                          §3.13
 *   DISCONNECT  14 0000 [reason-code [properties]] (3.1.1: nothing)              §3.14
 *   AUTH        15 0000 reason-code [properties] (5.0 only)                      §3.15
 *
 * CONNECT's protocol level says which version the connection speaks (4: 3.1.1, 5: 5.0, 3: 3.1
 * as "MQIsdp"); the rest of the connection is decoded by it (properties only in 5.0). The
 * decoders read what they are given: a packet kept only in part decodes as far as it goes.
 */

import { isUtf8 } from 'node:buffer';
import { decodeProperties, type Properties } from './properties.js';

export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;

const NAMES = ['RESERVED', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

export const packetName = (type: number): string => NAMES[type] ?? 'RESERVED';

/** The largest Remaining Length (§1.5.5: four bytes of seven bits). */
export const MAX_REMAINING = 268_435_455;

/**
 * The flags a packet type must have (§2.1.3): PUBLISH's are its own (DUP, QoS, RETAIN, QoS 3
 * excluded), PUBREL, SUBSCRIBE and UNSUBSCRIBE carry 0010, every other type 0000; type 0 is
 * reserved, and AUTH is 5.0's.
 */
export function flagsFit(type: number, flags: number): boolean {
  if (type === PacketType.PUBLISH) return (flags & 0x06) !== 0x06;
  if (type === PacketType.PUBREL || type === PacketType.SUBSCRIBE || type === PacketType.UNSUBSCRIBE) return flags === 0x02;
  return type >= 1 && type <= 15 && flags === 0;
}

/**
 * A Variable Byte Integer at `buf[at]` (§1.5.5): its value and length, `more` when the bytes
 * end inside it, or null when its fourth byte still says "more" (malformed).
 */
export function varint(buf: Buffer, at: number, end = buf.length): { value: number; length: number } | 'more' | null {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + i >= end) return 'more';
    const b = buf[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return { value, length: i + 1 };
  }
  return null;
}

/** A cursor over a packet's kept octets; reads never throw: past the end they mark it `short`. */
export class Cursor {
  pos = 0;
  /** A read ran past the kept octets. */
  short = false;
  /** A string was not UTF-8. */
  badText = false;

  constructor(readonly buf: Buffer) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.buf.length) return this.fail(0);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    if (this.pos + 2 > this.buf.length) return this.fail(0);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    if (this.pos + 4 > this.buf.length) return this.fail(0);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  varint(): number {
    const v = varint(this.buf, this.pos);
    if (v === 'more' || v === null) return this.fail(0);
    this.pos += v.length;
    return v.value;
  }

  /** A length-prefixed byte sequence (§1.5.6), as far as it was kept. */
  binary(): Buffer {
    const n = this.u16();
    const end = Math.min(this.pos + n, this.buf.length);
    if (this.pos + n > this.buf.length) this.short = true;
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** A UTF-8 string (§1.5.4); octets that are not UTF-8 are replaced, and noted. */
  string(): string {
    const bytes = this.binary();
    if (!isUtf8(bytes)) this.badText = true;
    return bytes.toString('utf8');
  }

  /** The octets left. */
  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  private fail(v: number): number {
    this.short = true;
    this.pos = this.buf.length;
    return v;
  }
}

/** A decoded packet: the fields entries show (shape.ts), by type. */
export interface Decoded {
  packetId?: number;
  /** CONNECT */
  protocolName?: string;
  level?: number;
  clientId?: string;
  keepAlive?: number;
  cleanStart?: boolean;
  username?: string;
  passwordSize?: number;
  will?: { topic: string; qos: number; retain: boolean; payloadSize: number; properties?: Properties };
  /** CONNACK */
  sessionPresent?: boolean;
  /** CONNACK's return code (3.1.1) or any 5.0 packet's reason code. */
  reasonCode?: number;
  /** PUBLISH */
  topic?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  payload?: Buffer;
  /** SUBSCRIBE, UNSUBSCRIBE */
  filters?: { topic: string; qos?: number; noLocal?: boolean; retainAsPublished?: boolean; retainHandling?: number }[];
  /** SUBACK, UNSUBACK (5.0) */
  reasonCodes?: number[];
  properties?: Properties;
  /** Why the packet breaks the grammar, if it does. */
  problem?: string;
}

/**
 * The fields of a packet of `type` with `flags` from its kept octets `body` (`whole`: all of
 * them), for a connection speaking `level` (4: 3.1.1, 5: 5.0).
 */
export function decodePacket(type: number, flags: number, body: Buffer, whole: boolean, level: number): Decoded {
  const c = new Cursor(body);
  const v5 = level >= 5;
  const d: Decoded = {};
  switch (type) {
    case PacketType.CONNECT:
      decodeConnect(c, d);
      break;
    case PacketType.CONNACK:
      d.sessionPresent = (c.u8() & 0x01) !== 0;
      d.reasonCode = c.u8();
      if (v5 && c.left > 0) d.properties = decodeProperties(c);
      break;
    case PacketType.PUBLISH: {
      d.qos = (flags >> 1) & 0x03;
      d.dup = (flags & 0x08) !== 0;
      d.retain = (flags & 0x01) !== 0;
      d.topic = c.string();
      if (d.qos > 0) d.packetId = c.u16();
      if (v5) d.properties = decodeProperties(c);
      d.payload = c.rest();
      break;
    }
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      d.packetId = c.u16();
      // 5.0: the reason code and properties may be left out (Success, none), §3.4.2.1.
      if (v5 && c.left > 0) d.reasonCode = c.u8();
      if (v5 && c.left > 0) d.properties = decodeProperties(c);
      break;
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE: {
      d.packetId = c.u16();
      if (v5) d.properties = decodeProperties(c);
      d.filters = [];
      while (c.left > 0 && !c.short) {
        const topic = c.string();
        if (type === PacketType.UNSUBSCRIBE) d.filters.push({ topic });
        else {
          const o = c.u8();
          const f: { topic: string; qos: number; noLocal?: boolean; retainAsPublished?: boolean; retainHandling?: number } = { topic, qos: o & 0x03 };
          if (v5) {
            f.noLocal = (o & 0x04) !== 0;
            f.retainAsPublished = (o & 0x08) !== 0;
            f.retainHandling = (o >> 4) & 0x03;
          }
          d.filters.push(f);
        }
      }
      if (d.filters.length === 0 && whole) d.problem = 'no topic filter (§3.8.3, §3.10.3)';
      break;
    }
    case PacketType.SUBACK:
    case PacketType.UNSUBACK:
      d.packetId = c.u16();
      if (v5) d.properties = decodeProperties(c);
      if (type === PacketType.SUBACK || v5) d.reasonCodes = [...c.rest()];
      break;
    case PacketType.DISCONNECT:
    case PacketType.AUTH:
      if (c.left > 0) d.reasonCode = c.u8();
      if (c.left > 0) d.properties = decodeProperties(c);
      break;
  }
  if (d.problem === undefined && whole) {
    if (c.short) d.problem = 'its fields run past its Remaining Length';
    else if (c.badText) d.problem = 'a string that is not UTF-8 (§1.5.4)';
    else if (c.left > 0 && type !== PacketType.PUBLISH) d.problem = 'octets after its last field';
  }
  return d;
}

function decodeConnect(c: Cursor, d: Decoded): void {
  d.protocolName = c.string();
  d.level = c.u8();
  const flags = c.u8();
  d.keepAlive = c.u16();
  const v5 = d.level >= 5;
  if (v5) d.properties = decodeProperties(c);
  d.cleanStart = (flags & 0x02) !== 0;
  d.clientId = c.string();
  if ((flags & 0x04) !== 0) {
    const properties = v5 ? decodeProperties(c) : undefined;
    const topic = c.string();
    const payload = c.binary();
    d.will = { topic, qos: (flags >> 3) & 0x03, retain: (flags & 0x20) !== 0, payloadSize: payload.length };
    if (properties !== undefined) d.will.properties = properties;
  }
  if ((flags & 0x80) !== 0) d.username = c.string();
  // The password is never shown: its size only.
  if ((flags & 0x40) !== 0) d.passwordSize = c.binary().length;
  if ((flags & 0x01) !== 0) d.problem = 'the reserved flag of CONNECT is set (§3.1.2.3)';
}
