/**
 * Builds AMQP 0-9-1 frames for tests, octet by octet as amqp0-9-1.pdf §4.2 lays them out
 * (protocols/amqp/frames.ts), so that a test states what is on the wire.
 */

export const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
export const octet = (n: number): Buffer => Buffer.from([n]);
export const short = u16;
export const long = u32;
export const longlong = u64;
export const shortstr = (s: string): Buffer => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
export const longstr = (s: string): Buffer => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
export const emptyTable = (): Buffer => u32(0);
/** Bits packed into one octet, first bit lowest. */
export const bits = (...b: boolean[]): Buffer => Buffer.from([b.reduce((n, v, i) => n | (v ? 1 << i : 0), 0)]);

export function frame(type: number, channel: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(channel), u32(payload.length), payload, Buffer.from([0xce])]);
}

export const method = (channel: number, cls: number, m: number, ...args: Buffer[]): Buffer => frame(1, channel, Buffer.concat([u16(cls), u16(m), ...args]));

/** A basic content header with a content type, then the body in frames of at most `frameMax`. */
export function content(channel: number, body: Buffer | string, contentType = 'text/plain', frameMax = 131072): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const header = frame(2, channel, Buffer.concat([u16(60), u16(0), u64(b.length), u16(0x8000), shortstr(contentType)]));
  const bodies: Buffer[] = [];
  for (let at = 0; at < b.length; at += frameMax) bodies.push(frame(3, channel, b.subarray(at, at + frameMax)));
  return Buffer.concat([header, ...bodies]);
}

export const heartbeat = (): Buffer => frame(8, 0, Buffer.alloc(0));

export const channelOpen = (ch: number): Buffer => method(ch, 20, 10, shortstr(''));
export const channelOpenOk = (ch: number): Buffer => method(ch, 20, 11, longstr(''));
export const queueDeclare = (ch: number, queue: string, passive = false, noWait = false): Buffer => method(ch, 50, 10, short(0), shortstr(queue), bits(passive, false, false, false, noWait), emptyTable());
export const queueDeclareOk = (ch: number, queue: string, messages = 0, consumers = 0): Buffer => method(ch, 50, 11, shortstr(queue), long(messages), long(consumers));
export const channelClose = (ch: number, code: number, text: string, cls = 0, m = 0): Buffer => method(ch, 20, 40, short(code), shortstr(text), short(cls), short(m));
export const channelCloseOk = (ch: number): Buffer => method(ch, 20, 41);
export const publish = (ch: number, exchange: string, key: string): Buffer => method(ch, 60, 40, short(0), shortstr(exchange), shortstr(key), bits(false, false));
export const deliver = (ch: number, tag: number, consumerTag: string, exchange: string, key: string): Buffer => method(ch, 60, 60, shortstr(consumerTag), longlong(tag), bits(false), shortstr(exchange), shortstr(key));
export const ack = (ch: number, tag: number, multiple = false): Buffer => method(ch, 60, 80, longlong(tag), bits(multiple));
export const nack = (ch: number, tag: number, multiple = false): Buffer => method(ch, 60, 120, longlong(tag), bits(multiple, true));
export const consume = (ch: number, queue: string, noAck: boolean): Buffer => method(ch, 60, 20, short(0), shortstr(queue), shortstr(''), bits(false, noAck, false, false), emptyTable());
export const consumeOk = (ch: number, tag: string): Buffer => method(ch, 60, 21, shortstr(tag));
export const confirmSelect = (ch: number): Buffer => method(ch, 85, 10, bits(false));
export const confirmSelectOk = (ch: number): Buffer => method(ch, 85, 11);
export const get = (ch: number, queue: string): Buffer => method(ch, 60, 70, short(0), shortstr(queue), bits(false));
export const getEmpty = (ch: number): Buffer => method(ch, 60, 72, shortstr(''));
