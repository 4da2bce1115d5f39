/**
 * A content header frame's payload (amqp0-9-1.pdf §4.2.6.1):
 *
 *   class-id:16 weight:16 body-size:64 property-flags:16 [more flags...] property-list
 *
 * Property flags are read from the high bit down, one bit a property in the class's order; the
 * lowest bit of a flags word says another word follows. The basic class's properties (§1.8.1),
 * the only class with content: content-type, content-encoding, headers (a table), delivery-mode,
 * priority, correlation-id, reply-to, expiration, message-id, timestamp, type, user-id, app-id,
 * cluster-id (reserved).
 */

import { Cursor, type FieldValue } from './fields.js';

type PropertyType = 'shortstr' | 'table' | 'octet' | 'longlong';

const BASIC: readonly [string, PropertyType][] = [
  ['contentType', 'shortstr'],
  ['contentEncoding', 'shortstr'],
  ['headers', 'table'],
  ['deliveryMode', 'octet'],
  ['priority', 'octet'],
  ['correlationId', 'shortstr'],
  ['replyTo', 'shortstr'],
  ['expiration', 'shortstr'],
  ['messageId', 'shortstr'],
  ['timestamp', 'longlong'],
  ['type', 'shortstr'],
  ['userId', 'shortstr'],
  ['appId', 'shortstr'],
  ['clusterId', 'shortstr'],
];

export interface ContentHeader {
  classId: number;
  bodySize: number;
  properties: Record<string, FieldValue>;
  short: boolean;
}

export function decodeContentHeader(payload: Buffer): ContentHeader {
  const c = new Cursor(payload);
  const classId = c.short16();
  c.short16();
  const bodySize = c.longlong();
  const flags: number[] = [];
  for (let word = c.short16(); ; word = c.short16()) {
    flags.push(word);
    if ((word & 1) === 0 || c.short || flags.length > 4) break;
  }
  const properties: Record<string, FieldValue> = {};
  BASIC.forEach(([name, type], i) => {
    const word = flags[Math.floor(i / 15)] ?? 0;
    if ((word & (1 << (15 - (i % 15)))) === 0) return;
    properties[name] = type === 'shortstr' ? c.shortstr() : type === 'table' ? c.table() : type === 'octet' ? c.octet() : c.longlong();
  });
  return { classId, bodySize, properties, short: c.short };
}
