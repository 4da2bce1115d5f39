/**
 * One DNS message, decoded with every bound checked (RFC 1035 §4.1). Never throws: a message
 * that breaks the grammar keeps what was read before the break and says why in `problem`.
 *
 *   message  = header question{QDCOUNT} rr{ANCOUNT} rr{NSCOUNT} rr{ARCOUNT}      ; §4.1
 *   header   = ID:16                                                              ; §4.1.1
 *              QR:1 OPCODE:4 AA:1 TC:1 RD:1 RA:1 Z:1 AD:1 CD:1 RCODE:4             ; AD, CD: RFC 4035 §3.2
 *              QDCOUNT:16 ANCOUNT:16 NSCOUNT:16 ARCOUNT:16
 *   question = QNAME:name QTYPE:16 QCLASS:16                                      ; §4.1.2
 *   rr       = NAME:name TYPE:16 CLASS:16 TTL:32 RDLENGTH:16 RDATA{RDLENGTH}      ; §4.1.3
 *   name     = see names.ts (labels, compression pointers: §4.1.4)
 *   RDATA    = see rdata.ts (per type)
 *
 * EDNS0 (RFC 6891 §6.1.2, §6.1.3): at most one OPT pseudo-record, in the additional section:
 *
 *   OPT      = NAME:root TYPE:41 CLASS:requestor's UDP payload size
 *              TTL:(EXTENDED-RCODE:8 VERSION:8 DO:1 Z:15) RDLENGTH:16
 *              RDATA:{OPTION-CODE:16 OPTION-LENGTH:16 OPTION-DATA{OPTION-LENGTH}}*
 *
 * The 12-bit response code is EXTENDED-RCODE (upper 8 bits) and the header's RCODE (lower 4).
 * The OPT record is shown as `edns`, not among the additional records (dig does the same).
 *
 * Over TCP each message is preceded by its length (RFC 1035 §4.2.2, RFC 7766 §8): framing.ts.
 */

import { ErrorCodes } from '@shoal/model';
import { readName } from './names.js';
import { generic, rdataText } from './rdata.js';
import { CLASS_IN, className, optionName, TYPE_OPT, typeName } from './registries.js';

export const HEADER_SIZE = 12;

export interface DnsQuestion {
  name: string;
  type: string;
  /** Absent for IN, the class of nearly every question. */
  class?: string;
}

export interface DnsRecord {
  name: string;
  type: string;
  /** Absent for IN. */
  class?: string;
  ttl: number;
  /** Presentation form of the RDATA (rdata.ts). */
  data: string;
}

export interface EdnsOption {
  code: number;
  /** The registry's name, when it has one. */
  name?: string;
  /** OPTION-DATA in hex. */
  data: string;
}

export interface Edns {
  /** Largest UDP payload the sender can receive (the OPT record's CLASS). */
  udpSize: number;
  version: number;
  /** DNSSEC OK (RFC 3225 §3). */
  do: boolean;
  /** The upper 8 bits of the response code, as sent. */
  extendedRcode: number;
  options: EdnsOption[];
}

/** Header flags in wire order, as dig names them. */
const FLAG_BITS: ReadonlyArray<[number, string]> = [
  [0x8000, 'qr'], [0x0400, 'aa'], [0x0200, 'tc'], [0x0100, 'rd'], [0x0080, 'ra'], [0x0040, 'z'], [0x0020, 'ad'], [0x0010, 'cd'],
];
const FLAG_MASK = FLAG_BITS.reduce((m, [bit]) => m | bit, 0);
/** The flag lists met so far, by their bits: a message's list is shared, never built twice. */
const flagLists = new Map<number, readonly string[]>();

function flagsOf(bits: number): string[] {
  const key = bits & FLAG_MASK;
  let list = flagLists.get(key);
  if (list === undefined) {
    list = Object.freeze(FLAG_BITS.filter(([bit]) => (key & bit) !== 0).map(([, name]) => name));
    flagLists.set(key, list);
  }
  return list as string[];
}

export interface DnsMessage {
  id: number;
  /** QR: a response. */
  response: boolean;
  opcode: number;
  /** The full response code: the header's 4 bits, with EDNS0's upper 8 when an OPT record came. */
  rcode: number;
  /** Shared by every message with the same bits (frozen): never change it. */
  flags: string[];
  /** TC: the message was truncated by its sender (a UDP answer too large; RFC 1035 §4.1.1). */
  truncated: boolean;
  /** The lists are never changed once decoded: an empty one is shared (frozen) by every message. */
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns: Edns | null;
  /** Why decoding stopped or what broke the grammar first (`DIS_ERR_*`), or null. */
  problem: string | null;
}

/** Every empty section; a section's first item makes a list of one (push would reserve 17). */
const NONE = Object.freeze([]) as never[];

function add<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item];
  list.push(item);
  return list;
}

/** The message in `msg` (exactly its bytes), or null when it is shorter than a header. */
export function decodeMessage(msg: Buffer): DnsMessage | null {
  if (msg.length < HEADER_SIZE) return null;
  const bits = msg.readUInt16BE(2);
  const m: DnsMessage = {
    id: msg.readUInt16BE(0),
    response: (bits & 0x8000) !== 0,
    opcode: (bits >> 11) & 0x0f,
    rcode: bits & 0x0f,
    flags: flagsOf(bits),
    truncated: (bits & 0x0200) !== 0,
    questions: NONE,
    answers: NONE,
    authorities: NONE,
    additionals: NONE,
    edns: null,
    problem: null,
  };
  new Reader(msg, m).sections();
  return m;
}

/** Reader.record: the record was the OPT pseudo-record, read into `edns`. */
const OPT_READ = 0;

/** Walks the sections in order; stops at the first break (what follows cannot be located). */
class Reader {
  private pos = HEADER_SIZE;

  constructor(
    private readonly msg: Buffer,
    private readonly m: DnsMessage,
  ) {}

  sections(): void {
    const msg = this.msg;
    const m = this.m;
    const qd = msg.readUInt16BE(4);
    for (let i = 0; i < qd; i++) if (!this.question()) return;
    const an = msg.readUInt16BE(6);
    for (let i = 0; i < an; i++) {
      const r = this.record(false);
      if (r === null) return;
      if (r !== OPT_READ) m.answers = add(m.answers, r);
    }
    const ns = msg.readUInt16BE(8);
    for (let i = 0; i < ns; i++) {
      const r = this.record(false);
      if (r === null) return;
      if (r !== OPT_READ) m.authorities = add(m.authorities, r);
    }
    const ar = msg.readUInt16BE(10);
    for (let i = 0; i < ar; i++) {
      const r = this.record(true);
      if (r === null) return;
      if (r !== OPT_READ) m.additionals = add(m.additionals, r);
    }
  }

  private question(): boolean {
    const name = this.name();
    if (name === null || !this.need(4)) return false;
    const q: DnsQuestion = { name, type: typeName(this.msg.readUInt16BE(this.pos)) };
    const cls = this.msg.readUInt16BE(this.pos + 2);
    if (cls !== CLASS_IN) q.class = className(cls);
    this.pos += 4;
    this.m.questions = add(this.m.questions, q);
    return true;
  }

  /** The next record: null when unreadable (decoding stops), OPT_READ for the OPT record (now `edns`). */
  private record(additional: boolean): DnsRecord | typeof OPT_READ | null {
    const msg = this.msg;
    const name = this.name();
    if (name === null || !this.need(10)) return null;
    const p = this.pos;
    const type = msg.readUInt16BE(p);
    const cls = msg.readUInt16BE(p + 2);
    const ttl = msg.readUInt32BE(p + 4);
    const length = msg.readUInt16BE(p + 8);
    this.pos += 10;
    if (!this.need(length)) return null;
    const start = this.pos;
    const end = start + length;
    this.pos = end;
    if (type === TYPE_OPT && additional && name === '.' && this.m.edns === null) {
      this.opt(cls, ttl, start, end);
      return OPT_READ;
    }
    // A second OPT, or one outside the additional section, is a FORMERR (RFC 6891 §6.1.1).
    if (type === TYPE_OPT) this.flag(ErrorCodes.DIS_ERR_SYNTAX);
    let data: string;
    if (type === TYPE_OPT) data = generic(msg, start, end);
    else {
      const rdata = rdataText(msg, type, start, end);
      if (!rdata.ok) this.flag(ErrorCodes.DIS_ERR_SYNTAX);
      data = rdata.text;
    }
    const r: DnsRecord = { name, type: typeName(type), ttl, data };
    if (cls !== CLASS_IN) r.class = className(cls);
    return r;
  }

  private opt(udpSize: number, ttl: number, start: number, end: number): void {
    const msg = this.msg;
    const extendedRcode = ttl >>> 24;
    let options: EdnsOption[] = NONE;
    let p = start;
    while (p < end) {
      if (p + 4 > end || p + 4 + msg.readUInt16BE(p + 2) > end) {
        this.flag(ErrorCodes.DIS_ERR_SYNTAX);
        break;
      }
      const code = msg.readUInt16BE(p);
      const length = msg.readUInt16BE(p + 2);
      const data = msg.toString('hex', p + 4, p + 4 + length);
      const name = optionName(code);
      options = add<EdnsOption>(options, name === undefined ? { code, data } : { code, name, data });
      p += 4 + length;
    }
    this.m.edns = { udpSize, version: (ttl >>> 16) & 0xff, do: (ttl & 0x8000) !== 0, extendedRcode, options };
    this.m.rcode |= extendedRcode << 4;
  }

  /** The name at the read position, moving past it; null (and the problem noted) if unreadable. */
  private name(): string | null {
    const read = readName(this.msg, this.pos, this.msg.length);
    if (!read.ok) {
      this.flag(read.cut ? ErrorCodes.DIS_ERR_TRUNCATED : ErrorCodes.DIS_ERR_SYNTAX);
      return null;
    }
    this.pos = read.end;
    return read.text;
  }

  /** Are `n` more bytes there? If not, the message was cut short. */
  private need(n: number): boolean {
    if (this.pos + n <= this.msg.length) return true;
    this.flag(ErrorCodes.DIS_ERR_TRUNCATED);
    return false;
  }

  private flag(code: string): void {
    if (this.m.problem === null) this.m.problem = code;
  }
}
