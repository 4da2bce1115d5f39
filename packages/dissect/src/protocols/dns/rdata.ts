/**
 * RDATA in presentation form: the text dig and zone files show for a record (RFC 1035 §5.1 and
 * each type's own RFC), one string per record so that every type reads and filters alike.
 *
 *   A      (RFC 1035 §3.4.1)  ADDRESS:32                          → 93.184.216.34
 *   AAAA   (RFC 3596 §2.2)    ADDRESS:128                         → 2001:db8::1 (RFC 5952)
 *   NS, CNAME, PTR, DNAME (RFC 1035 §3.3.11, §3.3.1, §3.3.12; RFC 6672 §2.1)
 *                             name                                → ns1.example.com
 *   MX     (RFC 1035 §3.3.9)  PREFERENCE:16 EXCHANGE:name         → 10 mail.example.com
 *   SOA    (RFC 1035 §3.3.13) MNAME RNAME SERIAL:32 REFRESH:32 RETRY:32 EXPIRE:32 MINIMUM:32
 *                                                                 → ns1.example.com hostmaster.example.com 1 3600 600 86400 300
 *   TXT    (RFC 1035 §3.3.14) <character-string>+                 → "v=spf1 -all" "second string"
 *   HINFO  (RFC 1035 §3.3.2)  CPU:<character-string> OS:<character-string>
 *   SRV    (RFC 2782)         PRIORITY:16 WEIGHT:16 PORT:16 TARGET:name → 0 5 5060 sip.example.com
 *   CAA    (RFC 8659 §4.1)    FLAGS:8 TAG-LENGTH:8 TAG VALUE      → 0 issue "ca.example.net"
 *   any other type, or RDATA that breaks its type's grammar: RFC 3597 §5's generic form,
 *                             `\# <length> <hex>`                 → \# 4 0a000001
 *
 *   <character-string> = len:8 octet{len}   (RFC 1035 §3.3), shown in double quotes with `"` and
 *                        `\` escaped and octets outside printable ASCII as `\DDD` (§5.1).
 *
 * Names inside RDATA may be compressed (RFC 1035 §4.1.4; RFC 3597 §4 keeps that to the types of
 * RFC 1035, but reading a pointer elsewhere is harmless); they must end inside the RDATA.
 */

import { formatIp, formatIpv4Word } from '../../layers/ip-format.js';
import { escapeOctet, readName } from './names.js';
import {
  TYPE_A, TYPE_AAAA, TYPE_CAA, TYPE_CNAME, TYPE_DNAME, TYPE_HINFO, TYPE_MX, TYPE_NS, TYPE_PTR, TYPE_SOA, TYPE_SRV, TYPE_TXT,
} from './registries.js';

/** The record's data as text, and whether it followed its type's grammar. */
export interface RdataText {
  text: string;
  ok: boolean;
}

const words = new Uint32Array(4);

/** Types with a grammar here: RDATA that breaks it makes the record malformed. */
const KNOWN = new Set([TYPE_A, TYPE_AAAA, TYPE_NS, TYPE_CNAME, TYPE_PTR, TYPE_DNAME, TYPE_MX, TYPE_SOA, TYPE_TXT, TYPE_HINFO, TYPE_SRV, TYPE_CAA]);

/** rdataText's answer: one object, filled anew by every call (one is read per record). */
const rdata: RdataText = { text: '', ok: true };

/**
 * RDATA `msg[start, end)` of a record of `type`. Never throws; bad RDATA comes back generic. The
 * answer is valid until the next call.
 */
export function rdataText(msg: Buffer, type: number, start: number, end: number): RdataText {
  const text = known(msg, type, start, end);
  rdata.text = text ?? generic(msg, start, end);
  rdata.ok = text !== null || !KNOWN.has(type);
  return rdata;
}

/** RFC 3597 §5: `\#`, the RDATA length, and the RDATA in hex (none when it is empty). */
export function generic(msg: Buffer, start: number, end: number): string {
  const n = end - start;
  return n === 0 ? '\\# 0' : `\\# ${n} ${msg.toString('hex', start, end)}`;
}

/** Text of a type this module knows, or null when unknown or when the RDATA breaks its grammar. */
function known(msg: Buffer, type: number, start: number, end: number): string | null {
  const n = end - start;
  switch (type) {
    case TYPE_A:
      if (n !== 4) return null;
      return formatIpv4Word(msg.readUInt32BE(start));
    case TYPE_AAAA:
      if (n !== 16) return null;
      for (let i = 0; i < 4; i++) words[i] = msg.readUInt32BE(start + 4 * i);
      return formatIp(6, words);
    case TYPE_NS:
    case TYPE_CNAME:
    case TYPE_PTR:
    case TYPE_DNAME:
      return names(msg, start, end, 0, 1);
    case TYPE_MX:
      return n < 3 ? null : prefixed(`${msg.readUInt16BE(start)}`, names(msg, start + 2, end, 0, 1));
    case TYPE_SRV:
      if (n < 7) return null;
      return prefixed(`${msg.readUInt16BE(start)} ${msg.readUInt16BE(start + 2)} ${msg.readUInt16BE(start + 4)}`, names(msg, start + 6, end, 0, 1));
    case TYPE_SOA:
      return names(msg, start, end, 20, 2);
    case TYPE_TXT:
      return n === 0 ? null : strings(msg, start, end, -1);
    case TYPE_HINFO:
      return strings(msg, start, end, 2);
    case TYPE_CAA:
      return caa(msg, start, end);
    default:
      return null;
  }
}

const prefixed = (head: string, rest: string | null): string | null => (rest === null ? null : `${head} ${rest}`);

/**
 * `count` names from `start`, then exactly `fixed` bytes of 32-bit numbers (SOA's five), which
 * must end the RDATA.
 */
function names(msg: Buffer, start: number, end: number, fixed: number, count: number): string | null {
  const parts: string[] = [];
  let pos = start;
  for (let i = 0; i < count; i++) {
    const name = readName(msg, pos, end);
    if (!name.ok) return null;
    parts.push(name.text);
    pos = name.end;
  }
  if (end - pos !== fixed) return null;
  for (; pos < end; pos += 4) parts.push(String(msg.readUInt32BE(pos)));
  return parts.join(' ');
}

/** `count` character-strings filling the RDATA exactly (-1: one or more). */
function strings(msg: Buffer, start: number, end: number, count: number): string | null {
  const parts: string[] = [];
  let pos = start;
  while (pos < end) {
    const len = msg[pos]!;
    if (pos + 1 + len > end) return null;
    parts.push(quoted(msg, pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return count < 0 || parts.length === count ? parts.join(' ') : null;
}

/** RFC 8659 §4.1.1: flags, a tag of 1–15 letters and digits, and the value (the rest). */
function caa(msg: Buffer, start: number, end: number): string | null {
  if (end - start < 2) return null;
  const tagLength = msg[start + 1]!;
  const tagEnd = start + 2 + tagLength;
  if (tagLength === 0 || tagLength > 15 || tagEnd > end) return null;
  for (let i = start + 2; i < tagEnd; i++) if (!isAlnum(msg[i]!)) return null;
  return `${msg[start]!} ${msg.toString('latin1', start + 2, tagEnd)} ${quoted(msg, tagEnd, end)}`;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Inside a quoted string only `"` and `\` need a backslash (RFC 1035 §5.1). */
const isStringSpecial = (c: number): boolean => c === 0x22 || c === 0x5c;

/** `msg[from, to)` as a quoted character-string; a space needs no escape inside quotes. */
function quoted(msg: Buffer, from: number, to: number): string {
  let out = '"';
  let run = from;
  for (let i = from; i < to; i++) {
    const c = msg[i]!;
    if (c >= 0x20 && c < 0x7f && !isStringSpecial(c)) continue;
    if (run < i) out += msg.toString('latin1', run, i);
    out += escapeOctet(c, isStringSpecial);
    run = i + 1;
  }
  if (run < to) out += msg.toString('latin1', run, to);
  return `${out}"`;
}
