/**
 * Recognising a MongoDB request without its port: the one judge of "could a request start here",
 * shared by detection (`probe`) and by the client side's resynchronisation after a loss. A
 * request is a standard header (wire.ts) whose fields agree:
 *
 * - messageLength covers at least the header and at most MAX_MESSAGE (the server's
 *   maxMessageSizeBytes, 48,000,000);
 * - responseTo is 0 (a request answers nothing) and the opcode is one a client sends;
 * - OP_MSG: no reserved required flag bit, a first section of kind 0 or 1 whose document length
 *   fits; OP_QUERY: a collection name of printable ASCII with a dot; OP_COMPRESSED: a known
 *   original opcode and compressor;
 * - a message that fits in the probe's bytes is read whole (wire.ts, bson.ts) and must parse.
 *
 * Replies are never claimed on their own (the client's requests come first; after a loss the
 * server side resynchronises on a responseTo that a waiting request has).
 */

import { PROBE_LIMIT, type ProbeVerdict } from '../../dissector.js';
import { HEADER_AFTER_LENGTH, OP_COMPRESSED, OP_MSG, OP_QUERY, readMessage, REQUEST_OPCODES } from './wire.js';

export const MAX_MESSAGE = 48_000_000;
const HEADER = 4 + HEADER_AFTER_LENGTH;

export function probe(data: Buffer): ProbeVerdict {
  return judgeRequest(data, data.length < PROBE_LIMIT);
}

export function judgeRequest(data: Buffer, moreMayCome: boolean): ProbeVerdict {
  const n = data.length;
  const more: ProbeVerdict = moreMayCome ? 'more' : 'no';
  if (n >= 4) {
    const length = data.readInt32LE(0);
    if (length < HEADER + 1 || length > MAX_MESSAGE) return 'no';
  }
  // responseTo: every byte 0.
  for (let i = 8; i < Math.min(n, 12); i++) if (data[i] !== 0) return 'no';
  if (n < HEADER + 5) return n >= HEADER && !REQUEST_OPCODES.has(data.readInt32LE(12)) ? 'no' : more;
  const op = data.readInt32LE(12);
  if (!REQUEST_OPCODES.has(op)) return 'no';
  if (!bodyStartFits(data, op)) return 'no';
  const length = data.readInt32LE(0);
  if (length > n) {
    if (moreMayCome && length <= PROBE_LIMIT) return 'more';
    return op === OP_MSG || op === OP_QUERY || op === OP_COMPRESSED ? 'client' : 'no';
  }
  const m = readMessage(data.subarray(4, length), false, 200);
  return m !== null && m.problem === null ? 'client' : 'no';
}

/** The first bytes of the body agree with the opcode (what fits of them). */
function bodyStartFits(data: Buffer, op: number): boolean {
  const at = HEADER;
  if (op === OP_MSG) {
    const flags = data.readUInt32LE(at);
    if ((flags & 0xfffc) !== 0) return false;
    const kind = data[at + 4];
    if (kind === undefined) return true;
    return kind === 0 || kind === 1;
  }
  if (op === OP_QUERY) {
    let dot = false;
    for (let i = at + 4; i < data.length; i++) {
      const c = data[i]!;
      if (c === 0) return dot;
      if (c < 0x20 || c > 0x7e) return false;
      if (c === 0x2e) dot = true;
    }
    return true;
  }
  if (op === OP_COMPRESSED) {
    if (data.length >= at + 4 && !REQUEST_OPCODES.has(data.readInt32LE(at))) return false;
    return data.length < at + 9 || data[at + 8]! <= 3;
  }
  // The opcodes servers removed in 6.0: only a collection name after a zero int32 to judge by.
  return data.readInt32LE(at) === 0;
}
