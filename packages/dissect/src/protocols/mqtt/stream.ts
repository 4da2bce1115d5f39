/**
 * The MQTT connection dissector: a packet reader per direction (reader.ts), packets decoded by
 * the version CONNECT set (packets.ts), and exchanges made of them:
 *
 * - CONNECT and the CONNACK after it; PINGREQ and the next PINGRESP (§3.12).
 * - A PUBLISH and its acknowledgements, matched by Packet Identifier (§2.2.1, §4.3): QoS 0
 *   alone; QoS 1 with the PUBACK from the other side; QoS 2 with the PUBREC from the other
 *   side, the publisher's PUBREL and the PUBCOMP. Either side publishes: a client to the broker,
 *   the broker to a subscriber (that exchange's source is the broker). A PUBLISH sent again with
 *   DUP while its first copy waits is counted on it (§4.4).
 * - SUBSCRIBE and its SUBACK, UNSUBSCRIBE and its UNSUBACK, by Packet Identifier.
 * - DISCONNECT and AUTH alone.
 *
 * Packet Identifiers are the sender's (§2.2.1): each side has its own waiting exchanges. A 5.0
 * PUBLISH with a Topic Alias and an empty topic gets the topic the sender mapped to the alias
 * (§3.3.2.3.4). An exchange without its answer is emitted with DIS_ERR_NO_RESPONSE once the
 * response timeout passes, when the other side ends, or when the stream closes; an answer no
 * exchange waits for is an entry of its own with DIS_ERR_NO_REQUEST.
 */

import { ErrorCodes, type Malformed } from '@shoal/model';
import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { PacketType, decodePacket } from './packets.js';
import { MqttReader, type RawPacket } from './reader.js';
import { isFailure } from './reason-codes.js';
import { mqttTransaction, type Exchange, type Packet } from './shape.js';

/** Exchanges waiting per side beyond this are emitted unanswered, to bound memory. */
export const MAX_WAITING = 4096;
/** Topic aliases remembered per side (5.0 allows 65,535; the broker announces fewer). */
const MAX_ALIASES = 1024;

const NO_RESPONSE: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' });
const NO_REQUEST: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' });

interface Pending extends Exchange {
  first: Packet;
  /** The last packet of the exchange so far: the timeout counts from it. */
  lastTs: number;
}

interface Side {
  reader: MqttReader;
  /** Exchanges this side opened that wait for the other side, by Packet Identifier. */
  waiting: Map<number, Pending>;
  /** Topic Alias → topic, as this side set them. */
  aliases: Map<number, string>;
}

export class MqttStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly full: boolean;
  private readonly timeoutMs: number;
  private readonly sides: [Side, Side];
  /** The CONNECT waiting for its CONNACK, and PINGREQs for their PINGRESP. */
  private connect: Pending | null = null;
  private pings: Pending[] = [];
  private level = 4;
  private clientId: string | null = null;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.timeoutMs = session.options.responseTimeoutMs;
    const cap = Math.max(0, session.options.bodyCapBytes);
    const sides: Side[] = [];
    for (const d of [0, 1] as const) {
      sides[d] = { reader: new MqttReader(cap, { packet: (p) => this.packet(d, p), lost: () => undefined }), waiting: new Map(), aliases: new Map() };
    }
    this.sides = sides as [Side, Side];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.sides[direction].reader.push(chunk, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    try {
      this.sides[direction].reader.gap(length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    try {
      this.sides[direction].reader.end(timestampMs);
      // What waits for this side's answer will not get it.
      this.abandon((p) => p.first.fromClient !== (direction === this.session.clientDirection));
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.abandon((p) => timestampMs - p.lastTs > this.timeoutMs);
    } catch {
      // Nothing to repair: what failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    for (const side of this.sides) {
      try {
        side.reader.end(timestampMs);
      } catch {
        // Its packet in progress is lost; the rest is still emitted below.
      }
    }
    this.done = true;
    this.abandon(() => true);
  }

  // ---- packets -------------------------------------------------------------------------------

  private packet(direction: Direction, raw: RawPacket): void {
    const fromClient = direction === this.session.clientDirection;
    const d = decodePacket(raw.type, raw.flags, raw.body, raw.whole, this.level);
    const payloadSize = raw.type === PacketType.PUBLISH ? Math.max(0, raw.length - (raw.body.length - (d.payload?.length ?? 0))) : 0;
    const p: Packet = { raw, d, fromClient, payloadSize };
    const side = this.sides[direction];
    const other = this.sides[1 - direction]!;
    switch (raw.type) {
      case PacketType.CONNECT:
        if (d.level !== undefined) this.level = d.level;
        if (d.clientId !== undefined) this.clientId = d.clientId;
        if (this.connect !== null) this.emit(this.connect, NO_RESPONSE);
        this.connect = this.open(p);
        return;
      case PacketType.CONNACK:
        if (this.connect === null) this.lone(p);
        else this.answer(this.connect, p, () => (this.connect = null));
        return;
      case PacketType.PINGREQ:
        this.pings.push(this.open(p));
        if (this.pings.length > MAX_WAITING) this.emit(this.pings.shift()!, NO_RESPONSE);
        return;
      case PacketType.PINGRESP: {
        const ping = this.pings.shift();
        if (ping === undefined) this.lone(p);
        else this.answer(ping, p, () => undefined);
        return;
      }
      case PacketType.PUBLISH:
        this.publish(side, p);
        return;
      case PacketType.SUBSCRIBE:
      case PacketType.UNSUBSCRIBE:
        this.wait(side, p);
        return;
      case PacketType.PUBACK:
      case PacketType.PUBREC:
      case PacketType.SUBACK:
      case PacketType.UNSUBACK:
        this.acknowledge(other, p);
        return;
      case PacketType.PUBREL: {
        // The publisher releases what the other side received (§4.3.3).
        const flow = d.packetId === undefined ? undefined : side.waiting.get(d.packetId);
        if (flow === undefined || flow.answer === null || flow.release !== null) this.lone(p);
        else {
          flow.release = p;
          flow.lastTs = raw.endTs;
        }
        return;
      }
      case PacketType.PUBCOMP: {
        const flow = d.packetId === undefined ? undefined : other.waiting.get(d.packetId);
        if (flow === undefined || flow.release === null) this.lone(p);
        else {
          flow.complete = p;
          other.waiting.delete(d.packetId!);
          this.emit(flow, null);
        }
        return;
      }
      default:
        // DISCONNECT, AUTH: exchanges of one packet.
        this.emit(this.open(p), null);
    }
  }

  private publish(side: Side, p: Packet): void {
    const d = p.d;
    const alias = d.properties?.['topicAlias'];
    if (typeof alias === 'number') {
      if (d.topic === '') d.topic = side.aliases.get(alias) ?? '';
      else if (side.aliases.size < MAX_ALIASES || side.aliases.has(alias)) side.aliases.set(alias, d.topic!);
    }
    if (d.qos === 0 || d.packetId === undefined) {
      this.emit(this.open(p), null);
      return;
    }
    const waiting = side.waiting.get(d.packetId);
    if (waiting !== undefined && waiting.answer === null && d.dup === true && waiting.first.raw.type === PacketType.PUBLISH) {
      waiting.retransmissions++;
      waiting.lastTs = p.raw.endTs;
      return;
    }
    this.wait(side, p);
  }

  /** `p` opens an exchange that waits for the other side, by its Packet Identifier. */
  private wait(side: Side, p: Packet): void {
    const id = p.d.packetId ?? 0;
    const old = side.waiting.get(id);
    if (old !== undefined) {
      // The identifier is used again: what it named is over, answered or not.
      side.waiting.delete(id);
      this.emit(old, old.answer === null ? NO_RESPONSE : null);
    }
    if (side.waiting.size >= MAX_WAITING) {
      const [oldestId, oldest] = side.waiting.entries().next().value as [number, Pending];
      side.waiting.delete(oldestId);
      this.emit(oldest, NO_RESPONSE);
    }
    side.waiting.set(id, this.open(p));
  }

  /** An acknowledgement from one side of what the other (`opener`) sent. */
  private acknowledge(opener: Side, p: Packet): void {
    const id = p.d.packetId;
    const flow = id === undefined ? undefined : opener.waiting.get(id);
    const expected = flow === undefined ? undefined : answerOf(flow.first);
    if (flow === undefined || flow.answer !== null || expected !== p.raw.type) {
      this.lone(p);
      return;
    }
    flow.answer = p;
    flow.lastTs = p.raw.endTs;
    // A QoS 2 flow goes on after PUBREC, unless PUBREC says it failed (§4.3.3).
    if (p.raw.type === PacketType.PUBREC && !(p.d.reasonCode !== undefined && isFailure(p.d.reasonCode, p.raw.type, this.level))) return;
    opener.waiting.delete(id!);
    this.emit(flow, null);
  }

  private answer(flow: Pending, p: Packet, forget: () => void): void {
    flow.answer = p;
    forget();
    this.emit(flow, null);
  }

  private open(p: Packet): Pending {
    return { first: p, answer: null, release: null, complete: null, retransmissions: 0, missing: null, level: this.level, clientId: this.clientId, lastTs: p.raw.endTs };
  }

  /** An answer no exchange waits for. */
  private lone(p: Packet): void {
    this.session.emit(
      mqttTransaction({ first: null, answer: p, release: null, complete: null, retransmissions: 0, missing: NO_REQUEST, level: this.level, clientId: this.clientId }, this.full, this.session.clientDirection),
    );
  }

  private emit(x: Pending, missing: Malformed | null): void {
    x.missing = missing;
    x.level = this.level;
    this.session.emit(mqttTransaction(x, this.full, this.session.clientDirection));
  }

  /** Emit, unanswered (or as far as they got), the waiting exchanges that `which` selects. */
  private abandon(which: (p: Pending) => boolean): void {
    const out: Pending[] = [];
    if (this.connect !== null && which(this.connect)) {
      out.push(this.connect);
      this.connect = null;
    }
    const pings = this.pings.filter(which);
    if (pings.length > 0) this.pings = this.pings.filter((p) => !which(p));
    out.push(...pings);
    for (const side of this.sides) {
      for (const [id, p] of side.waiting) {
        if (!which(p)) continue;
        side.waiting.delete(id);
        out.push(p);
      }
    }
    out.sort((a, b) => a.first.raw.startTs - b.first.raw.startTs);
    for (const p of out) {
      try {
        this.emit(p, NO_RESPONSE);
      } catch {
        // A broken exchange must not hide the ones after it.
      }
    }
  }

  /** A bug surfaced as an exception: that direction's framing is lost; search for the next packet. */
  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.sides[direction].reader.gap(Number.MAX_SAFE_INTEGER, timestampMs);
    } catch {
      this.done = true;
    }
  }
}

/** The packet that answers `first` from the other side. */
function answerOf(first: Packet): number | undefined {
  switch (first.raw.type) {
    case PacketType.PUBLISH:
      return first.d.qos === 1 ? PacketType.PUBACK : PacketType.PUBREC;
    case PacketType.SUBSCRIBE:
      return PacketType.SUBACK;
    case PacketType.UNSUBSCRIBE:
      return PacketType.UNSUBACK;
    default:
      return undefined;
  }
}
