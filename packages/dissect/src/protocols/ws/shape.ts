/**
 * Messages → the transaction of a WebSocket entry.
 *
 * ## WebSocket entry shape (protocol.name `ws`)
 *
 * `protocol`: `{ name: 'ws', version: '13', abbr: 'WS', layer4: 'tcp' }`.
 *
 * One entry per data message (text, binary), in `request` when the client sent it and in
 * `response` when the server did (the other side null); one per ping with the pong that answered
 * it, and one per close with the close that answered it, each side in its sender's place. Every
 * message has:
 * - `opcode`: `text`, `binary`, `close`, `ping`, `pong` (`continuation` for a message whose first
 *   frame was not seen, `reserved-<n>` for a reserved opcode).
 * - `frames`: frames it took (a fragmented message has several, RFC 6455 §5.4).
 * - `compressed`: RSV1 was set on its first frame (permessage-deflate, RFC 7692).
 * - `bodySize`: payload octets on the wire, all its frames (compressed ones: compressed; lost ones
 *   counted).
 * - `decodedSize`: a compressed message inflated whole: its size inflated.
 * - `decodeError`: why a compressed message could not be inflated (bytes lost, the compression
 *   window of earlier messages unknown, over the output bound).
 * - `body` (data and ping/pong messages with a payload): text messages as text; binary ones in
 *   base64 with `bodyEncoding: 'base64'`; ping and pong payloads as text when they are UTF-8
 *   without NUL, else base64. Unmasked and inflated, cut at the body cap.
 * - `truncated: true`: `body` is not the whole payload (the cap, bytes lost, the connection ended,
 *   a compressed message not decoded).
 * - `closeCode`, `closeCodeName`, `closeReason` (close): the status code (§7.4), in words, and
 *   the reason text; absent when the close had no body.
 *
 * Detail `summary` leaves out `body` and `bodyEncoding`; every other field is the same.
 *
 * `summary.text`: `->` for the client's message, `<-` for the server's: `-> text 11 B: hello
 * world` (the size once inflated; the start of the text, 60 characters at most), `<- binary 4096
 * B`, `-> ping, <- pong`, `<- ping, no pong`, `<- pong`, `-> close 1000 "bye", <- close 1000`,
 * `-> close 1001, no reply`.
 *
 * `timestamp`: the first frame's first octet (the first message's, for a pair); `endTimestamp`:
 * the last frame's last octet (the answer's). `requestSize` / `responseSize`: octets of the
 * client's / the server's frames, headers included; 0 for a side without a message.
 *
 * `malformed`: `DIS_ERR_SYNTAX` (a frame that breaks §5: a reserved opcode or RSV bit, RSV1
 * without permessage-deflate, a client frame not masked or a server frame masked, a control
 * frame fragmented or over 125 octets, a new message before the last one's final frame; text or
 * a close reason that is not UTF-8, a close body of one octet), `DIS_ERR_GAP` (octets of the
 * message lost in capture, or its first frame not seen), `DIS_ERR_TRUNCATED` (the connection
 * ended inside it), `DIS_ERR_NO_RESPONSE` (a ping no pong answered before the response timeout
 * or the end of the connection).
 */

import { isUtf8 } from 'node:buffer';
import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { isText, withoutPartialUtf8Tail } from '../../utf8.js';
import { closeCodeName } from './close-codes.js';
import { Opcode, opcodeName } from './frames.js';
import type { WsMessage } from './message.js';

export const PROTOCOL_WS: ProtocolInfo = Object.freeze({ name: 'ws', version: '13', abbr: 'WS', layer4: 'tcp' } as const);

/** Characters of a text message a summary shows. */
const PREVIEW = 60;

/**
 * The entry of `first` and the message that answered it (`reply`, of the other side), if any.
 * `full`: detail `full` (bodies). `unanswered`: a ping no pong answered.
 */
export function wsTransaction(first: WsMessage, reply: WsMessage | null, full: boolean, unanswered = false): Transaction {
  const client = first.fromClient ? first : reply;
  const server = first.fromClient ? reply : first;
  const last = reply ?? first;
  const tx: Transaction = {
    protocol: PROTOCOL_WS,
    timestamp: first.startTs,
    endTimestamp: Math.max(last.endTs, first.endTs),
    summary: { text: summaryText(first, reply) },
    request: client === null ? null : shapeMessage(client, full),
    response: server === null ? null : shapeMessage(server, full),
    requestSize: client === null ? 0 : client.wireSize,
    responseSize: server === null ? 0 : server.wireSize,
  };
  const malformed: Malformed | undefined =
    first.problem ?? reply?.problem ?? (unanswered ? { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: first.fromClient ? 'response' : 'request' } : undefined);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function shapeMessage(m: WsMessage, full: boolean): Message {
  const out: Message = { opcode: opcodeName(m.opcode), frames: m.frames, compressed: m.compressed, bodySize: m.size };
  if (m.decodedSize !== undefined) out.decodedSize = m.decodedSize;
  if (m.decodeError !== undefined) out.decodeError = m.decodeError;
  if (m.opcode === Opcode.CLOSE) {
    const close = closeOf(m);
    if (close !== null) {
      out.closeCode = close.code;
      out.closeCodeName = closeCodeName(close.code);
      out.closeReason = close.reason;
    }
  } else if (m.data !== null && m.data.length > 0 && full) {
    shapeBody(out, m);
  }
  if (m.truncated) out.truncated = true;
  return out;
}

function shapeBody(out: Message, m: WsMessage): void {
  const data = m.truncated ? withoutPartialUtf8Tail(m.data!) : m.data!;
  const asText = m.opcode === Opcode.TEXT ? isUtf8(data) : (m.opcode === Opcode.PING || m.opcode === Opcode.PONG) && isText(data);
  if (asText && data.length > 0) out.body = data.toString('utf8');
  else {
    out.body = m.data!.toString('base64');
    out.bodyEncoding = 'base64';
  }
}

/** A close body (§5.5.1): the status code and the reason, or null without one. */
function closeOf(m: WsMessage): { code: number; reason: string } | null {
  if (m.data === null || m.data.length < 2) return null;
  return { code: m.data.readUInt16BE(0), reason: m.data.toString('utf8', 2) };
}

function summaryText(first: WsMessage, reply: WsMessage | null): string {
  const own = describe(first);
  if (reply !== null) return `${own}, ${describe(reply)}`;
  if (first.opcode === Opcode.PING) return `${own}, no pong`;
  if (first.opcode === Opcode.CLOSE) return `${own}, no reply`;
  return own;
}

/** One message in a summary: its direction, opcode and what it says in brief. */
function describe(m: WsMessage): string {
  const head = `${m.fromClient ? '->' : '<-'} ${opcodeName(m.opcode)}`;
  if (m.opcode === Opcode.CLOSE) {
    const close = closeOf(m);
    if (close === null) return head;
    return close.reason === '' ? `${head} ${close.code}` : `${head} ${close.code} ${JSON.stringify(close.reason.slice(0, PREVIEW))}`;
  }
  if (m.opcode === Opcode.PING || m.opcode === Opcode.PONG) return head;
  const sized = `${head} ${m.decodedSize ?? m.size} B`;
  if (m.opcode !== Opcode.TEXT || m.data === null || m.data.length === 0) return sized;
  // At most PREVIEW characters take 4 octets each.
  const start = withoutPartialUtf8Tail(m.data.subarray(0, PREVIEW * 4));
  if (!isUtf8(start)) return sized;
  let text = start.toString('utf8');
  let more = m.truncated || start.length < m.data.length;
  if (text.length > PREVIEW) {
    // Not between the two halves of a surrogate pair.
    const code = text.charCodeAt(PREVIEW - 1);
    text = text.slice(0, code >= 0xd800 && code <= 0xdbff ? PREVIEW - 1 : PREVIEW);
    more = true;
  }
  return `${sized}: ${oneLine(text)}${more ? '...' : ''}`;
}

/** Control characters (line breaks, tabs, NUL) as single spaces: a summary is one line. */
function oneLine(text: string): string {
  let out = '';
  let from = 0;
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const control = code < 0x20 || code === 0x7f;
    if (control) {
      out += text.slice(from, i) + (space ? '' : ' ');
      from = i + 1;
    }
    space = control;
  }
  return from === 0 ? text : out + text.slice(from);
}
