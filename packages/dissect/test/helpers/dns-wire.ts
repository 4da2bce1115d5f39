/**
 * Builds DNS messages for tests, field by field as RFC 1035 §4.1 lays them out, so that a test
 * states what is on the wire. Names are written whole (no compression): tests of compression
 * write their bytes by hand.
 */

export const QR = 0x8000;
export const AA = 0x0400;
export const TC = 0x0200;
export const RD = 0x0100;
export const RA = 0x0080;

export interface Question {
  name: string;
  type: number;
  class?: number;
}

export interface Rr extends Question {
  ttl?: number;
  rdata: Buffer;
}

export interface MessageSpec {
  id: number;
  /** The second 16-bit word: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE. */
  flags: number;
  questions?: Question[];
  answers?: Rr[];
  authorities?: Rr[];
  additionals?: Rr[];
}

/** A name as labels, each after its length, ending with the root (`.` alone is the root). */
export function name(text: string): Buffer {
  if (text === '.') return Buffer.from([0]);
  const parts = text.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number): Buffer => Buffer.from([(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

function rr(r: Rr): Buffer {
  return Buffer.concat([name(r.name), u16(r.type), u16(r.class ?? 1), u32(r.ttl ?? 300), u16(r.rdata.length), r.rdata]);
}

export function message(m: MessageSpec): Buffer {
  const q = m.questions ?? [];
  const sections = [m.answers ?? [], m.authorities ?? [], m.additionals ?? []];
  return Buffer.concat([
    u16(m.id),
    u16(m.flags),
    u16(q.length),
    ...sections.map((s) => u16(s.length)),
    ...q.map((x) => Buffer.concat([name(x.name), u16(x.type), u16(x.class ?? 1)])),
    ...sections.flat().map(rr),
  ]);
}

/** A recursive query for `qname`/`type`, with extra additional records (an OPT, say). */
export function query(id: number, qname: string, type: number, additionals: Rr[] = []): Buffer {
  return message({ id, flags: RD, questions: [{ name: qname, type }], additionals });
}

/** The response to that query: `rcode`, these answers. */
export function response(id: number, qname: string, type: number, answers: Rr[], rcode = 0, more: Partial<MessageSpec> = {}): Buffer {
  return message({ id, flags: QR | RD | RA | rcode, questions: [{ name: qname, type }], answers, ...more });
}

/** RFC 1035 §4.2.2: the message after its 2-byte length. */
export function framed(msg: Buffer): Buffer {
  return Buffer.concat([u16(msg.length), msg]);
}

export const a = (dotted: string): Buffer => Buffer.from(dotted.split('.').map(Number));
export const txt = (...strings: string[]): Buffer =>
  Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s, 'latin1')]), Buffer.from(s, 'latin1')])));

/** An OPT pseudo-record (RFC 6891 §6.1.2): payload size, extended rcode, version, DO, options. */
export function opt(udpSize: number, o: { extendedRcode?: number; version?: number; do?: boolean; options?: Array<[number, Buffer]> } = {}): Rr {
  const options = (o.options ?? []).map(([code, data]) => Buffer.concat([u16(code), u16(data.length), data]));
  const ttl = ((o.extendedRcode ?? 0) << 24) | ((o.version ?? 0) << 16) | (o.do === true ? 0x8000 : 0);
  return { name: '.', type: 41, class: udpSize, ttl: ttl >>> 0, rdata: Buffer.concat(options) };
}
