/**
 * Recognising DNS without its port: the one judge of "could a DNS message start here", shared
 * by detection (`probe`) and by TCP resynchronisation after a gap (framing.ts). Ports only break
 * ties between claimants (index.ts), so the bytes must speak for themselves: a header whose
 * fields agree with each other (RFC 1035 §4.1.1) and a first question (or record) that parses.
 *
 * What the header must say, beyond "12 bytes":
 * - Z (reserved, must be zero, RFC 1035 §4.1.1) is zero; OPCODE is QUERY, NOTIFY or UPDATE
 *   (IQUERY is obsolete, RFC 3425; STATUS was never specified; DSO has no question, RFC 8490).
 * - A query carries exactly one question (RFC 9619 §4 for QUERY; NOTIFY and UPDATE have one
 *   too, RFC 1996 §3.7, RFC 2136 §2.3) and RCODE 0; a QUERY carries no answer or authority
 *   record and at most a few additional ones (OPT, TSIG, SIG(0)); a NOTIFY at most one answer.
 * - A response carries at most one question, and at least one question or answer unless it
 *   reports an error (a FORMERR or NOTIMP may come back bare); RCODE is an assigned one (0–11).
 * - The first question's name parses, its TYPE is not 0 and its CLASS is one of IN, CH, HS, NONE
 *   or ANY (the top bit is mDNS's unicast-response / cache-flush bit, RFC 6762 §5.4, §10.2).
 *
 * Over UDP the datagram must be exactly one message: every section parses and ends where the
 * datagram ends. Over TCP, where a message may be longer than the bytes a probe is shown, the
 * message is judged on its header and first question; until those have arrived the answer is
 * `more`.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { HEADER_SIZE } from './message.js';
import { NAME_CUT, skipName } from './names.js';
import { OPCODE_NOTIFY, OPCODE_QUERY, OPCODE_UPDATE } from './registries.js';

/** Additional records a plain query may carry: OPT, and a TSIG or SIG(0) signature. */
const QUERY_ADDITIONALS = 3;
/** Highest RCODE a header can carry that is assigned (DSOTYPENI, RFC 8490). */
const MAX_HEADER_RCODE = 11;
const CLASSES = new Set([1, 3, 4, 254, 255]);

/** Detection: one whole datagram (UDP, or no transport said) or the first bytes of a direction (TCP). */
export function probe(data: Buffer, layer4?: 'tcp' | 'udp'): ProbeVerdict {
  return layer4 === 'tcp' ? probeStream(data) : probeDatagram(data);
}

export function probeDatagram(data: Buffer): ProbeVerdict {
  const verdict = judgeStart(data, data.length);
  if (verdict !== 'client' && verdict !== 'server') return 'no';
  return walk(data) === data.length ? verdict : 'no';
}

/**
 * `data` starts with the 2-byte length of a message (RFC 1035 §4.2.2). Judged on the header and
 * first question only, even when the whole message is there: what decides must be the same
 * bytes however the stream was cut, and the first segment may hold the whole message or not.
 */
export function probeStream(data: Buffer): ProbeVerdict {
  if (data.length < 2) return 'more';
  const length = data.readUInt16BE(0);
  return judgeStart(data.subarray(2, 2 + length), length);
}

/**
 * Header and first question (or answer) of a message of `length` bytes, of which `msg` holds
 * the first ones. `more` while what decides has not arrived.
 */
function judgeStart(msg: Buffer, length: number): ProbeVerdict {
  if (length < HEADER_SIZE) return 'no';
  if (msg.length < HEADER_SIZE) return 'more';
  const role = judgeHeader(msg);
  if (role === 'no') return 'no';
  const qd = msg.readUInt16BE(4);
  const available = Math.min(msg.length, length);
  if (qd === 0 && msg.readUInt16BE(6) === 0) return role;
  const nameEnd = skipName(msg, HEADER_SIZE, available);
  if (nameEnd === NAME_CUT) return available < length ? 'more' : 'no';
  if (nameEnd < 0) return 'no';
  // A question: TYPE CLASS; a record: TYPE CLASS TTL RDLENGTH.
  const fixed = qd > 0 ? 4 : 10;
  if (nameEnd + fixed > available) return available < length ? 'more' : 'no';
  const type = msg.readUInt16BE(nameEnd);
  const cls = msg.readUInt16BE(nameEnd + 2) & 0x7fff;
  if (type === 0 || !CLASSES.has(cls)) return 'no';
  if (qd === 0 && nameEnd + fixed + msg.readUInt16BE(nameEnd + 8) > length) return 'no';
  return role;
}

function judgeHeader(msg: Buffer): 'client' | 'server' | 'no' {
  const bits = msg.readUInt16BE(2);
  const opcode = (bits >> 11) & 0x0f;
  const rcode = bits & 0x0f;
  if ((bits & 0x0040) !== 0) return 'no';
  if (opcode !== OPCODE_QUERY && opcode !== OPCODE_NOTIFY && opcode !== OPCODE_UPDATE) return 'no';
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  const ar = msg.readUInt16BE(10);
  if ((bits & 0x8000) === 0) {
    if (rcode !== 0 || qd !== 1) return 'no';
    if (opcode === OPCODE_QUERY && (an !== 0 || ns !== 0 || ar > QUERY_ADDITIONALS)) return 'no';
    if (opcode === OPCODE_NOTIFY && (an > 1 || ns !== 0)) return 'no';
    return 'client';
  }
  if (rcode > MAX_HEADER_RCODE || qd > 1) return 'no';
  if (qd === 0 && an === 0 && rcode === 0) return 'no';
  return 'server';
}

/**
 * Where the last section of the message in `msg` ends, or -1 when a part does not parse or
 * runs past its end. Names are skipped (not read), RDATA jumped over by its length.
 */
function walk(msg: Buffer): number {
  let pos = HEADER_SIZE;
  const qd = msg.readUInt16BE(4);
  const records = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  for (let i = 0; i < qd + records; i++) {
    pos = skipName(msg, pos, msg.length);
    if (pos < 0) return -1;
    if (i < qd) pos += 4;
    else {
      if (pos + 10 > msg.length) return -1;
      pos += 10 + msg.readUInt16BE(pos + 8);
    }
    if (pos > msg.length) return -1;
  }
  return pos;
}
