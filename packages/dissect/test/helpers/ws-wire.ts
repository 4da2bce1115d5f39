/**
 * Builds WebSocket frames and handshakes for tests, octet by octet as RFC 6455 §5.2 lays them
 * out, so that a test states what is on the wire. RFC 6455 §5.7 and RFC 7692 §7.2.3 give examples
 * as octets: tests write those by hand instead.
 */

export const TEXT = 0x1;
export const BINARY = 0x2;
export const CONT = 0x0;
export const CLOSE = 0x8;
export const PING = 0x9;
export const PONG = 0xa;

export interface FrameOptions {
  /** FIN; true unless said. */
  fin?: boolean;
  /** RSV1 (a compressed message's first frame). */
  rsv1?: boolean;
  /** The masking key (a client's frame), as 32 bits; none: not masked. */
  mask?: number;
}

/** One frame: header with the shortest length form, then the payload (masked with `mask`). */
export function frame(opcode: number, payload: Buffer | string, o: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const b0 = ((o.fin ?? true) ? 0x80 : 0) | (o.rsv1 === true ? 0x40 : 0) | opcode;
  const maskBit = o.mask !== undefined ? 0x80 : 0;
  let head: Buffer;
  if (data.length < 126) head = Buffer.from([b0, maskBit | data.length]);
  else if (data.length < 65536) {
    head = Buffer.from([b0, maskBit | 126, 0, 0]);
    head.writeUInt16BE(data.length, 2);
  } else {
    head = Buffer.from([b0, maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    head.writeUInt32BE(Math.floor(data.length / 2 ** 32), 2);
    head.writeUInt32BE(data.length >>> 0, 6);
  }
  if (o.mask === undefined) return Buffer.concat([head, data]);
  const key = Buffer.alloc(4);
  key.writeUInt32BE(o.mask >>> 0);
  const masked = Buffer.from(data.map((b, i) => b ^ key[i & 3]!));
  return Buffer.concat([head, key, masked]);
}

/** A client's frame, masked with a fixed key. */
export const cf = (opcode: number, payload: Buffer | string, o: Omit<FrameOptions, 'mask'> = {}): Buffer => frame(opcode, payload, { ...o, mask: 0x37fa213d });

/** A close body: the status code, then the reason (RFC 6455 §5.5.1). */
export function closeBody(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, Buffer.from(reason, 'utf8')]);
}

/** The opening handshake (§4.1, §4.2.2) of RFC 6455 §1.2, with the extensions the server accepted. */
export function handshake(path = '/chat', extensions?: string): { request: string; response: string } {
  const request =
    `GET ${path} HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
    (extensions !== undefined ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : '') +
    '\r\n';
  const response =
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
    (extensions !== undefined ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '') +
    '\r\n';
  return { request, response };
}
