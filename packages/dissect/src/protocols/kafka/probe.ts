/**
 * Recognising a Kafka request without its port: the one judge of "could a request start here",
 * shared by detection (`probe`) and by the client side's resynchronisation after a loss
 * (../size-framer.ts). A request is `Size:int32` then its header (header.ts); the bytes must agree:
 *
 * - the size is at least a header's and at most MAX_MESSAGE (the broker's default
 *   socket.request.max.bytes, 100 MiB);
 * - the API key is one of the protocol's (api-keys.ts) and its version at most a few above the
 *   highest defined;
 * - the client id (header v1 and v2) is null or printable ASCII and fits in the message; header
 *   v2's tagged fields parse;
 * - a message that fits in the probe's bytes is judged whole: when its body is decoded here, it
 *   must parse to its last byte (body.ts). A longer one is judged on the body's prefix.
 *
 * Responses carry no API key, only a correlation id: they are never claimed on their own (the
 * client's requests come first on a connection; after a loss the server side resynchronises on
 * a correlation id that a waiting request has, stream.ts). Other protocols fail early: text
 * protocols, TLS (0x16), MQTT and AMQP have a first byte that makes the size too large; a
 * PostgreSQL startup message (length, then 0x0003 0x0000) has a NUL where the client id is text.
 */

import { PROBE_LIMIT, type ProbeVerdict } from '../../dissector.js';
import { isFlexible, knownApi, requestHeaderVersion } from './api-keys.js';
import { grammarOf } from './apis/index.js';
import { decodeBody } from './body.js';
import { Cursor, KafkaDecodeError } from './cursor.js';
import { REQUEST_HEADER_FIXED, skipTaggedFields } from './header.js';

/** The largest message taken (socket.request.max.bytes's default). */
export const MAX_MESSAGE = 100 * 1024 * 1024;
/** Tagged fields a request header may plausibly carry (none is defined yet). */
const HEADER_TAGS = 8;

export function probe(data: Buffer): ProbeVerdict {
  return judgeRequest(data, data.length < PROBE_LIMIT);
}

/**
 * `client` when a request starts at `data[0]`, `no` when none can, `more` when the bytes stop
 * before it is clear (only when `moreMayCome`; else a message cut by the end of `data` is judged
 * on what is there).
 */
export function judgeRequest(data: Buffer, moreMayCome: boolean): ProbeVerdict {
  const n = data.length;
  // The size's first byte: at most MAX_MESSAGE >> 24.
  if (n >= 1 && data[0]! > MAX_MESSAGE >>> 24) return 'no';
  if (n < 4 + REQUEST_HEADER_FIXED) return partialHeader(data) ? (moreMayCome ? 'more' : 'no') : 'no';
  const size = data.readInt32BE(0);
  if (size < REQUEST_HEADER_FIXED || size > MAX_MESSAGE) return 'no';
  const apiKey = data.readInt16BE(4);
  const apiVersion = data.readInt16BE(6);
  if (!knownApi(apiKey, apiVersion)) return 'no';
  const end = Math.min(n, 4 + size);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const c = new Cursor(data, 4 + REQUEST_HEADER_FIXED, end);
  try {
    if (headerVersion >= 1) {
      const idLength = c.int16();
      if (idLength < -1 || 2 + REQUEST_HEADER_FIXED + idLength > size) return 'no';
      const shown = Math.min(Math.max(idLength, 0), c.left);
      if (!printable(data, c.pos, c.pos + shown)) return 'no';
      c.skip(Math.max(idLength, 0));
    }
    if (headerVersion === 2) {
      if (c.left > 0 && data[c.pos]! > HEADER_TAGS) return 'no';
      skipTaggedFields(c);
    }
  } catch (e) {
    if (!(e instanceof KafkaDecodeError)) throw e;
    // The header goes on past the bytes shown.
    return end < 4 + size && moreMayCome ? 'more' : 'no';
  }
  const whole = 4 + size <= n;
  if (!whole && moreMayCome && 4 + size <= PROBE_LIMIT) return 'more';
  return bodyFits(data, c.pos, end, apiKey, apiVersion, !whole) ? 'client' : 'no';
}

/** Fewer bytes than a header: the size so far is possible, and so is an API key's high byte. */
function partialHeader(data: Buffer): boolean {
  if (data.length >= 4) {
    const size = data.readInt32BE(0);
    if (size < REQUEST_HEADER_FIXED || size > MAX_MESSAGE) return false;
  }
  if (data.length >= 8) return knownApi(data.readInt16BE(4), data.readInt16BE(6));
  // API keys are below 256: the high byte of the key is 0.
  return data.length < 5 || data[4] === 0;
}

function bodyFits(data: Buffer, at: number, end: number, apiKey: number, apiVersion: number, cut: boolean): boolean {
  const grammar = grammarOf(apiKey);
  if (grammar === undefined || apiVersion > grammar.MAX_VERSION) return true;
  const body = decodeBody(grammar.request, data, at, end, {
    version: apiVersion,
    flexible: isFlexible(apiKey, apiVersion),
    build: false,
    cut,
    records: { keys: false, budget: 0 },
  });
  return body.problem === null;
}

function printable(data: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = data[i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}
