/**
 * The entry JSON of an AMQP 0-9-1 exchange (docs/entries.md, "AMQP").
 *
 * `request` is the method that opened the exchange, `response` the method that answered it: a
 * synchronous method and its `-ok` (or the channel.close or connection.close the peer answered an
 * error with); a delivery and the consumer's basic.ack, basic.nack or basic.reject; a publish on a
 * channel in confirm mode and the broker's basic.ack or basic.nack. Every method: `method`
 * (`basic.publish`), `channel`, its arguments by name (`exchange`, `routingKey`, `queue`,
 * `consumerTag`, `deliveryTag`, `replyCode`, `replyText`, … ; tables such as `arguments` and
 * `serverProperties` in detail `full` only; the credentials of start-ok and secure(-ok) as their
 * size only), and for a method with content (basic.publish, basic.deliver, basic.get-ok,
 * basic.return): `bodySize`, `properties` (detail `full`: content-type, headers, delivery-mode,
 * …), `body` (detail `full`: text, or base64 with `bodyEncoding`, cut at the body cap with
 * `truncated`). The request also has `path` (a queue method's queue; else an exchange, a publish
 * to the default exchange's routing key, a consumer's queue; a connection's virtual host), the
 * response `status` (`error` for a close with a reply code of 300
 * or more, or a basic.nack; else `ok`).
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { isText, withoutPartialUtf8Tail } from '../../utf8.js';
import type { Args } from './methods.js';
import { Method, methodName } from './methods.js';
import type { FieldValue } from './fields.js';

export const PROTOCOL_AMQP: ProtocolInfo = Object.freeze({ name: 'amqp', version: '0-9-1', abbr: 'AMQP', layer4: 'tcp' } as const);

/** One method as read, with its content when it carries some. */
export interface AmqpMessage {
  key: number;
  channel: number;
  args: Args;
  fromClient: boolean;
  startTs: number;
  endTs: number;
  /** Octets of its frames on the wire (8 + payload each). */
  wireSize: number;
  content: { properties: Record<string, FieldValue>; bodySize: number; body: Buffer; received: number } | null;
  problem: string | null;
}

export interface Exchange {
  first: AmqpMessage | null;
  answer: AmqpMessage | null;
  missing: Malformed | null;
  /** A delivery nobody acknowledged (not an error: an auto-ack consumer, or one still holding it). */
  unacknowledged?: boolean;
}

/** Arguments that are tables: shown in detail `full` only. */
const TABLES = new Set(['arguments', 'serverProperties', 'clientProperties']);
const PREVIEW = 60;
const cut = (s: string): string => (s.length > PREVIEW ? `${s.slice(0, PREVIEW)}...` : s);

export function amqpTransaction(x: Exchange, full: boolean, clientDirection: 0 | 1): Transaction {
  const lead = x.first ?? x.answer!;
  const last = x.answer ?? lead;
  const tx: Transaction = {
    protocol: PROTOCOL_AMQP,
    timestamp: lead.startTs,
    endTimestamp: Math.max(lead.endTs, last.endTs),
    summary: { text: summaryText(x) },
    request: x.first === null ? null : { ...messageJson(x.first, full), ...pathOf(x.first) },
    response: x.answer === null ? null : { ...messageJson(x.answer, full), status: failed(x.answer) ? 'error' : 'ok' },
    requestSize: x.first?.wireSize ?? 0,
    responseSize: x.answer?.wireSize ?? 0,
  };
  // The entry's source opened the exchange: the broker for its deliveries and its own requests.
  const openerIsClient = x.first !== null ? x.first.fromClient : !x.answer!.fromClient;
  if (!openerIsClient) tx.client = (1 - clientDirection) as 0 | 1;
  if (x.first !== null) {
    tx.summary.method = methodName(x.first.key);
    const path = targetOf(x.first);
    if (path !== undefined) tx.summary.path = path;
  }
  const problem = x.first?.problem ?? x.answer?.problem ?? null;
  if (problem !== null) tx.malformed = { code: problem, at: x.first?.problem != null ? 'request' : 'response' };
  else if (x.missing !== null) tx.malformed = x.missing;
  return tx;
}

/** The answer says the operation failed: a close with an error reply code (§1.2: 3xx to 5xx), a nack. */
function failed(m: AmqpMessage): boolean {
  if (m.key === Method.CHANNEL_CLOSE || m.key === Method.CONNECTION_CLOSE) return Number(m.args['replyCode'] ?? 0) >= 300;
  return m.key === Method.BASIC_NACK;
}

/**
 * What an exchange is about: a queue method's queue; else an exchange (a publish to the default
 * exchange: its routing key, the queue's name), a consumer's queue; a connection's virtual host.
 */
function targetOf(m: AmqpMessage): string | undefined {
  const a = m.args;
  const s = (v: FieldValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (m.key >>> 16 === 50) return s(a['queue']) ?? s(a['exchange']);
  return s(a['exchange']) ?? s(a['destination']) ?? s(a['queue']) ?? s(a['routingKey']) ?? s(a['virtualHost']);
}

function pathOf(m: AmqpMessage): Message {
  const path = targetOf(m);
  return path === undefined ? {} : { path };
}

function messageJson(m: AmqpMessage, full: boolean): Message {
  const out: Message = { method: methodName(m.key), channel: m.channel };
  for (const [name, value] of Object.entries(m.args)) {
    if (TABLES.has(name) && !full) continue;
    out[name] = value;
  }
  if (m.content !== null) {
    out['bodySize'] = m.content.bodySize;
    if (full) {
      if (Object.keys(m.content.properties).length > 0) out['properties'] = m.content.properties;
      shapeBody(out, m.content.body, m.content.body.length < m.content.bodySize);
    }
  }
  return out;
}

function shapeBody(out: Message, body: Buffer, truncated: boolean): void {
  if (body.length === 0) {
    if (truncated) out['truncated'] = true;
    return;
  }
  const text = truncated ? withoutPartialUtf8Tail(body) : body;
  if (isText(text)) out['body'] = text.toString('utf8');
  else {
    out['body'] = body.toString('base64');
    out['bodyEncoding'] = 'base64';
  }
  if (truncated) out['truncated'] = true;
}

// ---- summary ---------------------------------------------------------------------------------

function describe(m: AmqpMessage, asAnswer: boolean): string {
  const a = m.args;
  let text = methodName(m.key);
  if (!asAnswer) {
    const target = targetOf(m);
    if (target !== undefined) text += ` ${cut(target)}`;
  }
  if (m.key === Method.CHANNEL_CLOSE || m.key === Method.CONNECTION_CLOSE) text += ` ${String(a['replyCode'])} ${cut(String(a['replyText'] ?? ''))}`;
  if (m.content !== null) text += ` (${m.content.bodySize} B)`;
  if (asAnswer && typeof a['messageCount'] === 'number' && typeof a['consumerCount'] === 'number') text += ` (${a['messageCount']} messages, ${a['consumerCount']} consumers)`;
  return text;
}

function summaryText(x: Exchange): string {
  if (x.first === null) return `(no request) -> ${describe(x.answer!, true)}`;
  const left = describe(x.first, false);
  if (x.answer !== null) return `${left} -> ${describe(x.answer, true)}`;
  if (x.unacknowledged === true) return `${left} -> not acknowledged`;
  return x.missing?.code === ErrorCodes.DIS_ERR_NO_RESPONSE ? `${left} -> no response` : left;
}
