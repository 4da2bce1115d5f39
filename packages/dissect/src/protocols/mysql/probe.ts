/**
 * Recognising MySQL without its port: the one judge of "could a packet of this sender start
 * here", shared by detection (`probe`) and by the reader's search for the next packet after a
 * loss (reader.ts). A packet header (a 3-byte length and a sequence number) says little alone, so
 * the payload must follow the grammar (packets.ts) exactly to the length:
 *
 * - The server's greeting (sequence 0): protocol 10, a printable version, the capabilities of
 *   4.1, the authentication data and plugin name where their lengths say; or an ERR at sequence 0
 *   (a connection refused: too many, host not allowed).
 * - The client's HandshakeResponse41 or SSLRequest (sequence 1): the capabilities of 4.1, a
 *   filler of zeros, a printable user.
 * - A command (sequence 0): COM_QUERY, COM_STMT_PREPARE and COM_INIT_DB whose text is text,
 *   COM_STMT_EXECUTE with its one iteration; a command of one byte or a statement id alone
 *   (COM_PING, COM_QUIT, COM_STMT_CLOSE, …) is too little: the packet after it must pass too.
 * - An answer (sequence 1 or more): an ERR with its '#' and five-character SQLSTATE and a text
 *   message; a result set's column count followed by its first column definition ("def").
 *
 * A packet longer than the bytes a probe is shown is judged on its start: a query whose text so
 * far is text.
 */

import { PROBE_LIMIT, type ProbeVerdict } from '../../dissector.js';
import { isPlainText as plainText, withoutPartialUtf8Tail } from '../../utf8.js';
import { CAP, COM, Cursor, decodeGreeting, decodeHandshakeResponse } from './packets.js';

export type Judged = 'yes' | 'no' | 'more';
export type Sender = 'client' | 'server';

/** The longest packet a judge accepts (a greeting, a handshake, a command's start). */
const MAX_JUDGED = 1 << 24;
/** Packets of one byte (or a statement id alone) judged in a row before the judge asks for more. */
const MAX_SHORT_RUN = 3;

/** Detection: the first bytes of a direction. */
export function probe(data: Buffer): ProbeVerdict {
  const server = judgePacket(data, 'server', PROBE_LIMIT);
  if (server === 'yes') return 'server';
  const client = judgePacket(data, 'client', PROBE_LIMIT);
  if (client === 'yes') return 'client';
  return server === 'more' || client === 'more' ? 'more' : 'no';
}

/**
 * Could a packet of `sender` start at `data[0]`? `limit`: the most bytes the caller can ever show.
 * `resync`: the reader's search inside a connection already known to be MySQL, which takes an OK
 * or a COM_STMT_PREPARE_OK as an answer's first packet too (too little to claim a stream by).
 */
export function judgePacket(data: Buffer, sender: Sender, limit: number, resync = false, run = 0): Judged {
  if (data.length < 5) return data.length >= limit ? 'no' : 'more';
  const length = data.readUIntLE(0, 3);
  const seq = data[3]!;
  if (length === 0 || length > MAX_JUDGED) return 'no';
  if (!plausibleHead(sender, length, seq, data[4]!, resync)) return 'no';
  const whole = data.length >= 4 + length;
  // Whole, or as much as the caller can show: the same bytes decide however they were cut.
  if (!whole && data.length < limit) return 'more';
  const payload = data.subarray(4, 4 + length);
  return sender === 'server' ? judgeServer(data, payload, seq, whole, limit, resync) : judgeClient(data, payload, seq, whole, limit, resync, run);
}

/**
 * The header and the first payload byte already rule most packets out, before the rest arrives:
 * a client's first packet is a command (sequence 0) or a handshake response (sequence 1, at least
 * 32 bytes); a server's is a greeting or an ERR (sequence 0), else an ERR, a column count of a
 * few bytes, or (only while resynchronising) an OK.
 */
function plausibleHead(sender: Sender, length: number, seq: number, first: number, resync: boolean): boolean {
  if (sender === 'client') return seq === 0 ? JUDGED_COMMANDS.has(first) : seq === 1 && length >= 32 && length <= MAX_HANDSHAKE;
  if (seq === 0) return first === 0x0a || first === 0xff;
  return first === 0xff || (resync && first === 0x00) || length <= 10;
}

/** The longest handshake response judged (its connection attributes are short). */
const MAX_HANDSHAKE = 64 * 1024;

const JUDGED_COMMANDS = new Set<number>([COM.QUERY, COM.STMT_PREPARE, COM.INIT_DB, COM.STMT_EXECUTE, COM.QUIT, COM.PING, COM.STATISTICS, COM.RESET_CONNECTION, COM.STMT_CLOSE, COM.STMT_RESET]);

function judgeClient(data: Buffer, payload: Buffer, seq: number, whole: boolean, limit: number, resync: boolean, run: number): Judged {
  if (seq === 1) return whole && handshakeFits(payload) ? 'yes' : 'no';
  if (seq !== 0) return 'no';
  const command = payload[0]!;
  switch (command) {
    case COM.QUERY:
    case COM.STMT_PREPARE:
      return payload.length > 1 && plainText(queryText(payload, whole)) ? 'yes' : 'no';
    case COM.INIT_DB:
      return whole && payload.length > 1 && payload.length <= 65 && plainText(payload.subarray(1)) ? 'yes' : 'no';
    case COM.STMT_EXECUTE:
      // Statement id, flags (cursor type; MariaDB's bulk bits), one iteration.
      return whole && payload.length >= 10 && payload[5]! < 0x10 && payload.readUInt32LE(6) === 1 ? 'yes' : 'no';
    case COM.QUIT:
    case COM.PING:
    case COM.STATISTICS:
    case COM.RESET_CONNECTION:
    case COM.STMT_CLOSE:
    case COM.STMT_RESET: {
      const short = command === COM.STMT_CLOSE || command === COM.STMT_RESET ? 5 : 1;
      if (payload.length !== short || run >= MAX_SHORT_RUN) return 'no';
      // Too little alone: the next command decides.
      const next = data.subarray(4 + short);
      if (next.length === 0) return data.length >= limit ? 'no' : 'more';
      return judgePacket(next, 'client', limit - 4 - short, resync, run + 1);
    }
    default:
      return 'no';
  }
}

/** A query's text, after the query attributes a client with CLIENT_QUERY_ATTRIBUTES puts first (none: 0x00 0x01). */
function queryText(payload: Buffer, whole: boolean): Buffer {
  const at = payload[0] === COM.QUERY && payload[1] === 0 && payload[2] === 1 ? 3 : 1;
  const text = payload.subarray(at);
  return whole ? text : withoutPartialUtf8Tail(text);
}

/** HandshakeResponse41 or SSLRequest: 4.1 capabilities, a filler of zeros (MariaDB's extended capabilities after 19), a user. */
function handshakeFits(payload: Buffer): boolean {
  if (payload.length < 32) return false;
  for (let i = 9; i < 28; i++) if (payload[i] !== 0) return false;
  const hs = decodeHandshakeResponse(payload);
  if (hs === null) return false;
  if (hs.ssl) return true;
  return hs.user !== null && hs.user !== '' && plainText(Buffer.from(hs.user)) && (hs.capabilities & CAP.PROTOCOL_41) !== 0;
}

function judgeServer(data: Buffer, payload: Buffer, seq: number, whole: boolean, limit: number, resync: boolean): Judged {
  if (!whole) return 'no';
  const first = payload[0]!;
  if (first === 0xff) return errFits(payload) ? 'yes' : 'no';
  if (seq === 0) return first === 0x0a && greetingFits(payload) ? 'yes' : 'no';
  if (resync && seq === 1 && first === 0x00) return okFits(payload) || (payload.length === 12 && payload[9] === 0) ? 'yes' : 'no';
  // A result set: its column count, then its first column definition.
  const c = new Cursor(payload);
  const columns = c.lenenc();
  if (c.bad || columns === 0 || columns > 4096 || c.left > 1) return 'no';
  const next = data.subarray(4 + payload.length);
  if (next.length < 8) return data.length >= limit ? 'no' : 'more';
  return next[3] === seq + 1 && next.subarray(4, 8).equals(CATALOG) ? 'yes' : 'no';
}

/** The catalog of every column definition: string<lenenc> "def". */
const CATALOG = Buffer.from([3, 0x64, 0x65, 0x66]);

/** An OK: two counts, a status without undefined bits, and text after them, if anything. */
function okFits(payload: Buffer): boolean {
  const c = new Cursor(payload, 1);
  c.lenenc();
  c.lenenc();
  const status = c.u16();
  c.u16();
  return !c.bad && status < 0x8000 && (c.left === 0 || plainText(payload.subarray(c.pos)));
}

function errFits(payload: Buffer): boolean {
  if (payload.length < 10 || payload[3] !== 0x23) return false;
  const code = payload.readUInt16LE(1);
  return code >= 1000 && code < 10000 && /^[0-9A-Z]{5}$/.test(payload.toString('latin1', 4, 9)) && plainText(payload.subarray(9));
}

function greetingFits(payload: Buffer): boolean {
  const g = decodeGreeting(payload);
  return g !== null && g.serverVersion !== '' && plainText(Buffer.from(g.serverVersion)) && (g.capabilities & CAP.PROTOCOL_41) !== 0;
}

