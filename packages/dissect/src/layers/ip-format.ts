/** Text forms of addresses held as 32-bit words (see DecodedPacket): once per flow, and per DNS address record. */

import { latin1 } from '../latin1.js';

export function formatIp(version: number, words: Uint32Array): string {
  return version === 4 ? formatIpv4(words[0]!) : formatIpv6(words);
}

/**
 * The few addresses a capture sees again and again (a client's, its resolver's), formatted once:
 * a UDP conversation per DNS query formats both ends anew otherwise. Bounded: emptied when full.
 */
const recentIpv4 = new Map<number, string>();
const RECENT_IPV4_MAX = 4096;

/** formatIp of an IPv4 address given as its 32-bit word, from the recent ones when it is one. */
export function formatIpv4Word(word: number): string {
  let text = recentIpv4.get(word);
  if (text === undefined) {
    if (recentIpv4.size >= RECENT_IPV4_MAX) recentIpv4.clear();
    text = formatIpv4(word);
    recentIpv4.set(word, text);
  }
  return text;
}

/** Where an IPv4 address is spelled out: at most 15 characters. */
const dotted = Buffer.alloc(15);

/** One flat string (a template would join seven pieces): DNS answers format one per record. */
function formatIpv4(w: number): string {
  let o = 0;
  for (let shift = 24; shift >= 0; shift -= 8) {
    const b = (w >>> shift) & 0xff;
    if (b >= 100) dotted[o++] = 0x30 + Math.floor(b / 100);
    if (b >= 10) dotted[o++] = 0x30 + (Math.floor(b / 10) % 10);
    dotted[o++] = 0x30 + (b % 10);
    if (shift > 0) dotted[o++] = 0x2e;
  }
  return latin1(dotted, 0, o);
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(words: Uint32Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(words[i]! >>> 16, words[i]! & 0xffff);
  // IPv4-mapped addresses (::ffff:a.b.c.d) keep the dotted tail, RFC 5952 §5.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(words[3]!)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
