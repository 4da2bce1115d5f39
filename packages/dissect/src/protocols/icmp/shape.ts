/**
 * Messages → the transactions of ICMP entries.
 *
 * ## ICMP entry shape (protocol.name `icmp`)
 *
 * `protocol`: `{ name: 'icmp', version: '4', abbr: 'ICMP', layer4: 'icmp' }`, and for ICMPv6
 * `{ name: 'icmp', version: '6', abbr: 'ICMPv6', layer4: 'icmp' }`. Endpoints have port 0.
 *
 * Three kinds of entries:
 * - An echo: `request` the echo request, `response` the echo reply with the same identifier and
 *   sequence number from the other side (null when none came); elapsed time is the round trip.
 *   `src` sent the request.
 * - An error (destination unreachable, time exceeded, parameter problem, packet too big, source
 *   quench, redirect): `request` null, `response` the error, with the packet it quotes; `src` is
 *   the error's recipient (who sent the quoted packet), `dst` who sent the error (a router, or
 *   the destination itself).
 * - A flow: every other message of the flow (neighbor and router discovery, multicast listener
 *   reports, timestamps, …), counted per side when the flow ends, as for an L4 flow entry.
 *
 * An echo or error message has:
 * - `type`, `code`: the numbers; `typeName`, `codeName` in words (`destination unreachable`,
 *   `port unreachable`); `codeName` is absent when the type has only code 0.
 * - `id`, `seq` (echo): identifier and sequence number.
 * - `bodySize`: octets after the 8-octet header (an echo's data, an error's quote).
 * - `quoted` (error): the packet it is about, `{ protocol, src, dst, srcPort?, dstPort?,
 *   icmpType?, id?, seq? }` (`protocol` `tcp`, `udp`, `icmp` or a number; ports when the quote
 *   holds them; for a quoted ICMP message its type and an echo's identifier and sequence number).
 * - `mtu` ("fragmentation needed", "packet too big"), `pointer` (parameter problem), `gateway`
 *   (IPv4 redirect).
 *
 * A flow entry's `request` and `response` are `{ packets, bytes, messages: [{ type, code,
 * typeName, codeName?, count }] }` for the side that sent first and the other (null when it sent
 * none).
 *
 * `summary.text`: `echo request id=7 seq=1 -> echo reply`, `... -> no reply`, `(no request) ->
 * echo reply id=7 seq=1`; `destination unreachable: port unreachable (UDP 10.0.0.1:40000 ->
 * 10.0.0.2:9)`, `time exceeded: TTL exceeded in transit (ICMP 10.0.0.1 -> 10.0.1.9 echo request
 * id=7 seq=1)`; a flow: `neighbor solicitation x2, neighbor advertisement x2`.
 *
 * `requestSize` / `responseSize`: the ICMP messages' octets (header included), a flow's per side.
 * `malformed`: `DIS_ERR_NO_RESPONSE` (an echo request without reply within the response timeout
 * or the flow), `DIS_ERR_NO_REQUEST` (a reply whose request was not seen), `DIS_ERR_TRUNCATED` (a
 * message shorter than its 8-octet header).
 */

import { ErrorCodes, type Message, type ProtocolInfo } from '@shoal/model';
import type { Direction, Transaction } from '../../dissector.js';
import { Kind, type IcmpMessage } from './message.js';
import type { QuotedPacket } from './quoted.js';
import { codeName, typeName } from './types.js';

const PROTOCOL: Readonly<Record<4 | 6, ProtocolInfo>> = {
  4: Object.freeze({ name: 'icmp', version: '4', abbr: 'ICMP', layer4: 'icmp' } as const),
  6: Object.freeze({ name: 'icmp', version: '6', abbr: 'ICMPv6', layer4: 'icmp' } as const),
};

/** An echo request and its reply (either may be missing); `client` sent the request. */
export function echoTransaction(req: IcmpMessage | null, res: IcmpMessage | null, client: Direction): Transaction {
  const first = (req ?? res)!;
  const tx: Transaction = {
    protocol: PROTOCOL[first.version],
    timestamp: first.ts,
    endTimestamp: (res ?? first).ts,
    summary: { text: req !== null ? `${named(req)} -> ${res !== null ? typeName(res.version, res.type) : 'no reply'}` : `(no request) -> ${named(first)}` },
    request: req === null ? null : shapeMessage(req),
    response: res === null ? null : shapeMessage(res),
    requestSize: req?.wireSize ?? 0,
    responseSize: res?.wireSize ?? 0,
    client,
  };
  if (req !== null && req.truncated) tx.malformed = { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'request' };
  else if (res !== null && res.truncated) tx.malformed = { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'response' };
  else if (res === null) tx.malformed = { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  else if (req === null) tx.malformed = { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  return tx;
}

/** An error message; `client` is its recipient. */
export function errorTransaction(m: IcmpMessage, client: Direction): Transaction {
  const code = codeName(m.version, m.type, m.code);
  const about = m.quoted === undefined ? '' : ` (${describeQuoted(m.quoted)})`;
  const tx: Transaction = {
    protocol: PROTOCOL[m.version],
    timestamp: m.ts,
    endTimestamp: m.ts,
    summary: { text: `${typeName(m.version, m.type)}${code === null ? '' : `: ${code}`}${about}` },
    request: null,
    response: shapeMessage(m),
    requestSize: 0,
    responseSize: m.wireSize,
    client,
  };
  if (m.truncated) tx.malformed = { code: ErrorCodes.DIS_ERR_TRUNCATED, at: 'response' };
  return tx;
}

/** What one side of a flow sent, other than echoes and errors. */
export interface FlowSide {
  packets: number;
  bytes: number;
  /** By `type/code`, in order of first appearance. */
  messages: Map<string, { type: number; code: number; count: number }>;
  firstTs: number;
  lastTs: number;
}

/** The other messages of a flow; `client` sent first. */
export function flowTransaction(version: 4 | 6, sides: [FlowSide | null, FlowSide | null], client: Direction): Transaction {
  const [mine, theirs] = [sides[client], sides[1 - client]!] as [FlowSide, FlowSide | null];
  const kinds = (side: FlowSide): string[] => [...side.messages.values()].map((m) => `${label(version, m.type, m.code)} x${m.count}`);
  return {
    protocol: PROTOCOL[version],
    timestamp: mine.firstTs,
    endTimestamp: Math.max(mine.lastTs, theirs?.lastTs ?? 0),
    summary: { text: [...kinds(mine), ...(theirs === null ? [] : kinds(theirs))].join(', ') },
    request: shapeSide(version, mine),
    response: theirs === null ? null : shapeSide(version, theirs),
    requestSize: mine.bytes,
    responseSize: theirs?.bytes ?? 0,
    client,
  };
}

function shapeSide(version: 4 | 6, side: FlowSide): Message {
  const messages = [...side.messages.values()].map((m) => {
    const out: Record<string, unknown> = { type: m.type, code: m.code, typeName: typeName(version, m.type) };
    const code = codeName(version, m.type, m.code);
    if (code !== null) out['codeName'] = code;
    out['count'] = m.count;
    return out;
  });
  return { packets: side.packets, bytes: side.bytes, messages };
}

function shapeMessage(m: IcmpMessage): Message {
  const out: Message = { type: m.type, code: m.code, typeName: typeName(m.version, m.type) };
  const code = codeName(m.version, m.type, m.code);
  if (code !== null) out.codeName = code;
  if (m.id !== undefined) {
    out.id = m.id;
    out.seq = m.seq;
  }
  out.bodySize = m.bodySize;
  if (m.kind === Kind.ERROR && m.quoted !== undefined) out.quoted = m.quoted;
  if (m.mtu !== undefined) out.mtu = m.mtu;
  if (m.pointer !== undefined) out.pointer = m.pointer;
  if (m.gateway !== undefined) out.gateway = m.gateway;
  return out;
}

/** An echo's type, identifier and sequence number: `echo request id=7 seq=1`. */
const named = (m: IcmpMessage): string => `${typeName(m.version, m.type)}${m.id === undefined ? '' : ` id=${m.id} seq=${m.seq}`}`;

function label(version: 4 | 6, type: number, code: number): string {
  const name = codeName(version, type, code);
  return name === null ? typeName(version, type) : `${typeName(version, type)} (${name})`;
}

function describeQuoted(q: QuotedPacket): string {
  const host = (ip: string, port: number | undefined): string => (port === undefined ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  const proto = /^\d+$/.test(q.protocol) ? `protocol ${q.protocol}` : q.protocol.toUpperCase();
  const icmp = q.icmpType === undefined ? '' : ` ${q.icmpType}${q.id === undefined ? '' : ` id=${q.id} seq=${q.seq}`}`;
  return `${proto} ${host(q.src, q.srcPort)} -> ${host(q.dst, q.dstPort)}${icmp}`;
}
