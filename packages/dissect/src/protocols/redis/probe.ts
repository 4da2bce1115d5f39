/**
 * Recognising Redis without its port (6379 only breaks ties). A client speaks first, so the
 * client's bytes decide:
 *
 * - A command in RESP (starts.ts): `*count CRLF $length CRLF name CRLF`, which almost nothing
 *   else spells. RESP2 pub/sub pushes and confirmations are arrays too, sent by the server (a
 *   capture that begins on a subscribed connection): their first value is `message`,
 *   `pmessage`, `smessage` (no command has those names), or a confirmation's kind followed by
 *   a channel and the count as an integer where a command would have a bulk string.
 * - A RESP3 push (`>count CRLF $length CRLF kind CRLF`): the server's, on a subscribed
 *   connection or one tracking keys.
 * - An inline command: one line whose first word is a command of Redis 7.0 (commands.ts),
 *   ending with LF within 64 KiB, free of control octets, and not an HTTP/1 request line (`GET
 *   /path HTTP/1.1` starts with a Redis command too).
 *
 * Any other reply is not claimed: `+OK` or `:1` alone say too little, and the client's next
 * command will.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { LONGEST_KNOWN, isKnownCommand } from './commands.js';
import { LINE_LIMIT } from './reader.js';
import { RespType } from './resp.js';
import { arraySender, commandStart, pushStart } from './starts.js';

const LF = 0x0a;
const CR = 0x0d;

export function probe(data: Buffer): ProbeVerdict {
  if (data.length === 0) return 'more';
  const first = data[0]!;
  if (first === RespType.ARRAY) {
    const name = { start: 0, end: 0, count: 0, next: 0 };
    const verdict = commandStart(data, name);
    if (verdict !== 'yes') return verdict;
    return arraySender(data, name);
  }
  if (first === RespType.PUSH) {
    const verdict = pushStart(data);
    return verdict === 'yes' ? 'server' : verdict;
  }
  return inlineCommand(data);
}

const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** A line that is an inline command (see above), or `more` until its LF arrives. */
function inlineCommand(data: Buffer): ProbeVerdict {
  let i = 0;
  // Command names here are letters and `_`, `-` (`bitfield_ro`, `restore-asking`).
  while (i < data.length && (isLetter(data[i]!) || (i > 0 && (data[i] === 0x5f || data[i] === 0x2d)))) i++;
  if (i === 0 || i > LONGEST_KNOWN) return 'no';
  if (i === data.length) return 'more';
  const after = data[i]!;
  if (after !== 0x20 && after !== CR && after !== LF) return 'no';
  if (!isKnownCommand(data.toString('latin1', 0, i))) return 'no';
  const lf = data.indexOf(LF, i);
  if (lf < 0) return data.length < LINE_LIMIT ? 'more' : 'no';
  const end = lf > 0 && data[lf - 1] === CR ? lf - 1 : lf;
  for (let k = i; k < end; k++) {
    const c = data[k]!;
    if (c < 0x20 && c !== 0x09) return 'no';
    if (c === 0x7f) return 'no';
  }
  if (/ HTTP\/\d/.test(data.toString('latin1', Math.max(i, end - 12), end))) return 'no';
  return 'client';
}
