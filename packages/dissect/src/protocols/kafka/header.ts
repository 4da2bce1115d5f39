/**
 * Request and response headers (Kafka protocol guide, "Headers"; RequestHeader.json,
 * ResponseHeader.json). Every message is `Size:int32` then the header and the body; the size
 * prefix is the framer's (../size-framer.ts), these read what follows it:
 *
 *   Request Header v0 => request_api_key:int16 request_api_version:int16 correlation_id:int32
 *   Request Header v1 => v0 client_id:NULLABLE_STRING
 *   Request Header v2 => v1 TAG_BUFFER
 *   Response Header v0 => correlation_id:int32
 *   Response Header v1 => correlation_id:int32 TAG_BUFFER
 *
 * The client id stays a NULLABLE_STRING (INT16 length) in v2: only the tagged fields are new.
 * Which version a message has follows from its API key and version (api-keys.ts).
 */

import { apiKeyName, requestHeaderVersion } from './api-keys.js';
import { Cursor, KafkaDecodeError } from './cursor.js';

export interface RequestHeader {
  apiKey: number;
  apiKeyName: string;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  headerVersion: 0 | 1 | 2;
  /** Where the body starts in the message. */
  bodyAt: number;
}

/** Bytes of a request header before the client id. */
export const REQUEST_HEADER_FIXED = 8;

/** The request header at the start of `msg`, or null when it does not fit in the bytes. */
export function readRequestHeader(msg: Buffer): RequestHeader | null {
  if (msg.length < REQUEST_HEADER_FIXED) return null;
  const apiKey = msg.readInt16BE(0);
  const apiVersion = msg.readInt16BE(2);
  const correlationId = msg.readInt32BE(4);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const c = new Cursor(msg, REQUEST_HEADER_FIXED, msg.length);
  try {
    const clientId = headerVersion >= 1 ? c.string(false) : null;
    if (headerVersion === 2) skipTaggedFields(c);
    return { apiKey, apiKeyName: apiKeyName(apiKey), apiVersion, correlationId, clientId, headerVersion, bodyAt: c.pos };
  } catch (e) {
    if (e instanceof KafkaDecodeError) return null;
    throw e;
  }
}

/** Where the body of a response starts, after the correlation id (and tagged fields, header v1); -1 when cut. */
export function responseBodyAt(msg: Buffer, headerVersion: 0 | 1): number {
  const c = new Cursor(msg, 4, msg.length);
  try {
    if (headerVersion === 1) skipTaggedFields(c);
    return c.pos;
  } catch (e) {
    if (e instanceof KafkaDecodeError) return -1;
    throw e;
  }
}

/** TAG_BUFFER: a count, then per field its tag, size and bytes. */
export function skipTaggedFields(c: Cursor): void {
  const n = c.uvarint();
  for (let i = 0; i < n; i++) {
    c.uvarint();
    c.skip(c.uvarint());
  }
}
