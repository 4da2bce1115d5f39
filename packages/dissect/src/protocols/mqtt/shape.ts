/**
 * The entry JSON of an MQTT exchange (docs/entries.md, "MQTT").
 *
 * `request` is the packet that opened the exchange (CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE,
 * PINGREQ, DISCONNECT, AUTH), `response` the packet that answered it (CONNACK, PUBACK or PUBREC,
 * SUBACK, UNSUBACK, PINGRESP); a QoS 2 flow's PUBREL is the request's `release`, its PUBCOMP the
 * response's `complete`. Every packet: `type` (its name), and what its type carries:
 * - `packetId`; `reasonCode` and `reason` (5.0's reason code, a 3.1.1 CONNACK's return code, in
 *   words); `properties` (5.0, detail `full`), by name, User Properties as [name, value] pairs.
 * - CONNECT: `protocolName`, `protocolVersion` (`3.1`, `3.1.1`, `5.0`), `clientId`, `keepAlive`,
 *   `cleanSession` (3.1.1) or `cleanStart` (5.0), `username`, `passwordSize` (never the
 *   password), `will` `{ topic, qos, retain, payloadSize }`.
 * - CONNACK: `sessionPresent`.
 * - PUBLISH: `topic` (a 5.0 Topic Alias resolved), `qos`, `retain`, `dup`, `bodySize` (the
 *   payload's octets), `body` (detail `full`: the payload, text or base64 with `bodyEncoding`,
 *   cut at the body cap with `truncated`), `retransmissions` (copies sent again with DUP).
 * - SUBSCRIBE: `subscriptions` `[{ topic, qos, noLocal?, retainAsPublished?, retainHandling? }]`;
 *   UNSUBSCRIBE: `topics`; SUBACK and 5.0's UNSUBACK: `reasonCodes` and `reasons`, one a filter.
 * The request also has `method` (its type), `topic` and `path` (a PUBLISH's topic, the first
 * filter of a SUBSCRIBE or UNSUBSCRIBE), and `clientId` (the connection's, once its CONNECT was
 * seen). The response has `status`: `error` when a code says the operation failed (5.0 from
 * 0x80, a refused CONNECT, a failed subscription), else `ok`.
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { isText, withoutPartialUtf8Tail } from '../../utf8.js';
import { PacketType, packetName, type Decoded } from './packets.js';
import type { RawPacket } from './reader.js';
import { isFailure, reasonName } from './reason-codes.js';

const VERSIONS: Readonly<Record<number, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

const protocols = new Map<number, ProtocolInfo>();

/** The entries' protocol for a connection of `level` (unknown levels read as 3.1.1). */
export function protocolOf(level: number): ProtocolInfo {
  let p = protocols.get(level);
  if (p === undefined) {
    p = Object.freeze({ name: 'mqtt', version: VERSIONS[level] ?? '3.1.1', abbr: 'MQTT', layer4: 'tcp' as const });
    protocols.set(level, p);
  }
  return p;
}

/** One packet as read and decoded, with who sent it. */
export interface Packet {
  raw: RawPacket;
  d: Decoded;
  fromClient: boolean;
  /** The octets of a PUBLISH's payload on the wire (kept or not). */
  payloadSize: number;
}

/** What one entry holds. */
export interface Exchange {
  first: Packet | null;
  answer: Packet | null;
  release: Packet | null;
  complete: Packet | null;
  retransmissions: number;
  missing: Malformed | null;
  level: number;
  clientId: string | null;
}

/** Characters of a topic or client id a summary shows. */
const PREVIEW = 60;
const cut = (s: string): string => (s.length > PREVIEW ? `${s.slice(0, PREVIEW)}...` : s);

export function mqttTransaction(x: Exchange, full: boolean, clientDirection: 0 | 1): Transaction {
  const lead = x.first ?? x.answer!;
  const parts = [x.first, x.answer, x.release, x.complete].filter((p): p is Packet => p !== null);
  const request = x.first === null ? null : requestJson(x, full);
  const response = x.answer === null ? null : responseJson(x, full);
  const tx: Transaction = {
    protocol: protocolOf(x.level),
    timestamp: lead.raw.startTs,
    endTimestamp: Math.max(...parts.map((p) => p.raw.endTs)),
    summary: { text: summaryText(x) },
    request,
    response,
    requestSize: (x.first?.raw.wireSize ?? 0) + (x.release?.raw.wireSize ?? 0),
    responseSize: (x.answer?.raw.wireSize ?? 0) + (x.complete?.raw.wireSize ?? 0),
  };
  // The entry's source is whoever opened the exchange: a broker delivering a PUBLISH, too.
  const openerIsClient = x.first !== null ? x.first.fromClient : !x.answer!.fromClient;
  if (!openerIsClient) tx.client = (1 - clientDirection) as 0 | 1;
  if (x.first !== null) {
    tx.summary.method = packetName(x.first.raw.type);
    const topic = topicOf(x.first);
    if (topic !== undefined) tx.summary.path = topic;
  }
  const malformed = problemOf(x, parts);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function problemOf(x: Exchange, parts: Packet[]): Malformed | undefined {
  for (const p of parts) {
    const at = p === x.first || p === x.release ? 'request' : 'response';
    if (p.raw.problem !== null) return { code: p.raw.problem, at };
    if (p.d.problem !== undefined) return { code: ErrorCodes.DIS_ERR_SYNTAX, at };
  }
  return x.missing ?? undefined;
}

/** The topic an exchange is about: a PUBLISH's, or a (UN)SUBSCRIBE's first filter. */
function topicOf(p: Packet): string | undefined {
  return p.d.topic ?? p.d.filters?.[0]?.topic;
}

function packetJson(p: Packet, level: number, full: boolean): Message {
  const d = p.d;
  const out: Message = { type: packetName(p.raw.type) };
  if (d.packetId !== undefined) out['packetId'] = d.packetId;
  if (p.raw.type === PacketType.CONNECT) {
    out['protocolName'] = d.protocolName;
    out['protocolVersion'] = VERSIONS[d.level ?? 0] ?? `level ${d.level}`;
    out['clientId'] = d.clientId;
    out['keepAlive'] = d.keepAlive;
    out[(d.level ?? 4) >= 5 ? 'cleanStart' : 'cleanSession'] = d.cleanStart;
    if (d.username !== undefined) out['username'] = d.username;
    if (d.passwordSize !== undefined) out['passwordSize'] = d.passwordSize;
    if (d.will !== undefined) out['will'] = { topic: d.will.topic, qos: d.will.qos, retain: d.will.retain, payloadSize: d.will.payloadSize };
  }
  if (d.sessionPresent !== undefined) out['sessionPresent'] = d.sessionPresent;
  if (p.raw.type === PacketType.PUBLISH) {
    out['topic'] = d.topic;
    out['qos'] = d.qos;
    out['retain'] = d.retain;
    out['dup'] = d.dup;
    out['bodySize'] = p.payloadSize;
    if (full && d.payload !== undefined && d.payload.length > 0) shapeBody(out, d.payload, d.payload.length < p.payloadSize);
  }
  if (d.filters !== undefined) {
    if (p.raw.type === PacketType.SUBSCRIBE) out['subscriptions'] = d.filters;
    else out['topics'] = d.filters.map((f) => f.topic);
  }
  if (d.reasonCode !== undefined) {
    out['reasonCode'] = d.reasonCode;
    out['reason'] = reasonName(d.reasonCode, p.raw.type, level);
  }
  if (d.reasonCodes !== undefined) {
    out['reasonCodes'] = d.reasonCodes;
    out['reasons'] = d.reasonCodes.map((c) => reasonName(c, p.raw.type, level));
  }
  if (full && d.properties !== undefined && Object.keys(d.properties).length > 0) out['properties'] = d.properties;
  return out;
}

function shapeBody(out: Message, payload: Buffer, truncated: boolean): void {
  const text = truncated ? withoutPartialUtf8Tail(payload) : payload;
  if (isText(text)) out['body'] = text.toString('utf8');
  else {
    out['body'] = payload.toString('base64');
    out['bodyEncoding'] = 'base64';
  }
  if (truncated) out['truncated'] = true;
}

function requestJson(x: Exchange, full: boolean): Message {
  const first = x.first!;
  const out: Message = { method: packetName(first.raw.type), ...packetJson(first, x.level, full) };
  const topic = topicOf(first);
  if (topic !== undefined) {
    out['topic'] = topic;
    out['path'] = topic;
  }
  if (x.clientId !== null && out['clientId'] === undefined) out['clientId'] = x.clientId;
  if (x.retransmissions > 0) out['retransmissions'] = x.retransmissions;
  if (x.release !== null) out['release'] = packetJson(x.release, x.level, full);
  return out;
}

/** A packet's codes say the operation failed. */
function failed(p: Packet | null, level: number): boolean {
  if (p === null) return false;
  const codes = p.d.reasonCodes ?? (p.d.reasonCode !== undefined ? [p.d.reasonCode] : []);
  return codes.some((c) => isFailure(c, p.raw.type, level));
}

function responseJson(x: Exchange, full: boolean): Message {
  const out: Message = packetJson(x.answer!, x.level, full);
  out['status'] = failed(x.answer, x.level) || failed(x.complete, x.level) || failed(x.release, x.level) ? 'error' : 'ok';
  if (x.complete !== null) out['complete'] = packetJson(x.complete, x.level, full);
  return out;
}

// ---- summary ---------------------------------------------------------------------------------

function summaryText(x: Exchange): string {
  if (x.first === null) {
    const a = x.answer!;
    return `(no request) -> ${packetName(a.raw.type)}${a.d.packetId !== undefined ? ` ${a.d.packetId}` : ''}`;
  }
  const left = describeFirst(x.first);
  if (x.answer === null) return isAnswered(x.first) ? `${left} -> no response` : left;
  return `${left} -> ${describeAnswer(x)}`;
}

/** Packets that are answered: all but a PUBLISH of QoS 0, DISCONNECT and AUTH. */
function isAnswered(p: Packet): boolean {
  const type = p.raw.type;
  if (type === PacketType.PUBLISH) return (p.d.qos ?? 0) > 0;
  return type !== PacketType.DISCONNECT && type !== PacketType.AUTH;
}

function describeFirst(p: Packet): string {
  const d = p.d;
  const name = packetName(p.raw.type);
  switch (p.raw.type) {
    case PacketType.CONNECT:
      return `${name} ${cut(d.clientId ?? '')} (${VERSIONS[d.level ?? 0] ?? `level ${d.level}`})`.replace(/ {2}/, ' ');
    case PacketType.PUBLISH:
      return `${name} ${cut(d.topic ?? '')} (QoS ${d.qos}${d.retain === true ? ', retained' : ''}, ${p.payloadSize} B)`;
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE: {
      const filters = d.filters ?? [];
      const more = filters.length > 1 ? ` (+${filters.length - 1} more)` : '';
      return `${name} ${cut(filters[0]?.topic ?? '')}${more}`;
    }
    case PacketType.DISCONNECT:
    case PacketType.AUTH: {
      const from = p.fromClient ? '' : ' (from the server)';
      return d.reasonCode !== undefined && d.reasonCode !== 0 ? `${name}${from}: ${reasonName(d.reasonCode, p.raw.type, 5)}` : `${name}${from}`;
    }
    default:
      return name;
  }
}

function describeAnswer(x: Exchange): string {
  const a = x.answer!;
  const d = a.d;
  switch (a.raw.type) {
    case PacketType.CONNACK:
      return reasonName(d.reasonCode ?? 0, a.raw.type, x.level);
    case PacketType.SUBACK:
      return (d.reasonCodes ?? []).map((c) => reasonName(c, a.raw.type, x.level)).join(', ');
    case PacketType.PUBREC: {
      if (failed(a, x.level)) return `PUBREC ${reasonName(d.reasonCode!, a.raw.type, x.level)}`;
      const release = x.release === null ? 'no PUBREL' : 'PUBREL';
      const complete = x.complete === null ? (x.release === null ? '' : ', no PUBCOMP') : ', PUBCOMP';
      return `PUBREC, ${release}${complete}`;
    }
    default: {
      const name = packetName(a.raw.type);
      return d.reasonCode !== undefined && d.reasonCode !== 0 ? `${name} ${reasonName(d.reasonCode, a.raw.type, x.level)}` : name;
    }
  }
}
