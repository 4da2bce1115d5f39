/** HTTP/2 frames and HPACK blocks as bytes, for tests that script a connection by hand. */

import zlib from 'node:zlib';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** One frame (RFC 9113 §4.1). */
export function frame(type: number, flags: number, stream: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const h = Buffer.alloc(9);
  h.writeUIntBE(p.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, p]);
}

/** A header block of literal fields without indexing and new names (RFC 7541 §6.2.2), no Huffman. */
export function block(fields: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from([0x00]), str(name), str(value));
  }
  return Buffer.concat(parts);
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'latin1');
  // Lengths under 127 fit the 7-bit prefix; longer ones continue (§5.1).
  if (b.length < 127) return Buffer.concat([Buffer.from([b.length]), b]);
  const len: number[] = [0x7f];
  let n = b.length - 127;
  while (n >= 128) {
    len.push((n & 0x7f) | 0x80);
    n >>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from(len), b]);
}

export const SETTINGS = frame(4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100]));
export const SETTINGS_ACK = frame(4, 1, 0);
export const END_STREAM = 0x1;
export const END_HEADERS = 0x4;
export const PADDED = 0x8;
export const PRIORITY = 0x20;

export const get = (path: string): Buffer => block([[':method', 'GET'], [':scheme', 'http'], [':path', path], [':authority', 'test']]);
export const status = (code: number, more: Array<[string, string]> = []): Buffer => block([[':status', String(code)], ...more]);
export const gzip = (text: string): Buffer => zlib.gzipSync(Buffer.from(text));

export function errorCode(code: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(code);
  return b;
}

export function goaway(lastStreamId: number, code: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(lastStreamId, 0);
  b.writeUInt32BE(code, 4);
  return b;
}
