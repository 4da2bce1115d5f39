/**
 * Recognising a TLS connection without its port: the first record of each direction is a
 * handshake record (content type 22, RFC 8446 §5.1) carrying the first handshake message, a
 * ClientHello (1) from the client or a ServerHello (2) from the server (RFC 8446 §4.1.1), with
 * lengths that agree:
 *
 *   16 | 03 00..04 | length:16 (≥ 4, ≤ 2^14 + 2048) | 01|02 | hs_length:24 (≥ 38) | 03 00..04
 *
 * A hello is at least 38 bytes (version 2, random 32, session id length 1, …) and starts with
 * its own legacy_version, 3.x. The hello may be longer than its record (it continues in the
 * next ones), so its length is only bounded, not compared with the record's. An SSLv2-compatible
 * ClientHello (RFC 5246 Appendix E.2, a 2-byte length with the top bit set) is not recognised:
 * no current client sends it.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { CONTENT_HANDSHAKE, MAX_RECORD } from './record-header.js';

const NEEDED = 11;
const MIN_HELLO = 38;
/** Handshake messages are at most 2^24 - 1 bytes; no hello comes close to 1 MiB. */
const MAX_HELLO = 1 << 20;

export function probe(data: Buffer): ProbeVerdict {
  if (data.length > 0 && data[0] !== CONTENT_HANDSHAKE) return 'no';
  if (data.length > 1 && data[1] !== 3) return 'no';
  if (data.length > 2 && data[2]! > 4) return 'no';
  if (data.length > 5 && data[5] !== 1 && data[5] !== 2) return 'no';
  if (data.length < NEEDED) return 'more';
  const recordLength = data.readUInt16BE(3);
  const helloLength = data.readUIntBE(6, 3);
  if (recordLength < 4 || recordLength > MAX_RECORD) return 'no';
  if (helloLength < MIN_HELLO || helloLength > MAX_HELLO) return 'no';
  if (recordLength >= 6 && (data[9] !== 3 || data[10]! > 4)) return 'no';
  return data[5] === 1 ? 'client' : 'server';
}
