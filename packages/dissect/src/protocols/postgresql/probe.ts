/**
 * Recognising PostgreSQL without its port: the one judge of "could a message of this sender start
 * here", shared by detection (`probe`) and by the reader's search for the next message after a
 * loss (reader.ts). The bytes must speak for themselves (messages.ts has the grammar):
 *
 * - A connection's first message (§55.2.1): an untyped StartupMessage of protocol 3.x, at most
 *   10,000 bytes, whose name/value pairs are text and name a `user` (the server requires it); an
 *   SSLRequest or GSSENCRequest (8 bytes, their codes); a CancelRequest (16 bytes, its code). The
 *   codes are 32-bit constants: few byte streams begin with one by chance.
 * - A connection joined after its start: a typed message of the sender, whose length (under
 *   16 MiB: a letter then a zero byte) lands exactly where its body's grammar ends: a Query's
 *   text ends in its one NUL; a Parse, Bind, Execute, Describe or Close from the frontend; a
 *   RowDescription, DataRow, CommandComplete (its tag in capitals), ReadyForQuery, ErrorResponse
 *   (with severity, SQLSTATE and message), ParameterStatus, … from the backend. A message without
 *   a body (Sync, ParseComplete, …) is five fixed bytes, too little alone: the message after it
 *   must pass too. CopyData, PasswordMessage and FunctionCall, whose bodies have no grammar here,
 *   are never judged: they may well follow a recognised message, they may not start a stream.
 *
 * A message longer than the bytes a probe is shown (PROBE_LIMIT) is judged on its start: a Query
 * or Parse whose text so far is text, a DataRow whose value lengths so far fit.
 *
 * Where a letter means one message from each side (C: Close or CommandComplete, …) the backend's
 * reading is tried first: a CommandComplete's tag is capitals, a Close names a statement.
 */

import { PROBE_LIMIT, type ProbeVerdict } from '../../dissector.js';
import { isPlainText, withoutPartialUtf8Tail } from '../../utf8.js';
import { CODE, MAX_STARTUP_LENGTH, T, decodeParameterStatus, decodeStartup, stringEnd } from './messages.js';

/** The longest typed message a judge accepts: longer "lengths" are noise (a letter then 0x00). */
const MAX_JUDGED_LENGTH = 1 << 24;
/** Most columns a row may have (MaxTupleAttributeNumber in the server's source). */
const MAX_COLUMNS = 1664;
/** Messages with no body judged in a row before the judge asks for a message with one. */
const MAX_BODYLESS_RUN = 3;

export type Judged = 'yes' | 'no' | 'more';
export type Sender = 'client' | 'server';

const CLIENT_TYPES = new Set<number>([T.QUERY, T.PARSE, T.BIND, T.DESCRIBE, T.EXECUTE, T.CLOSE, T.SYNC, T.FLUSH, T.TERMINATE]);
const SERVER_TYPES = new Set<number>([
  T.AUTHENTICATION, T.PARAMETER_STATUS, T.BACKEND_KEY_DATA, T.READY_FOR_QUERY, T.ROW_DESCRIPTION, T.DATA_ROW, T.COMMAND_COMPLETE,
  T.EMPTY_QUERY, T.PORTAL_SUSPENDED, T.PARSE_COMPLETE, T.BIND_COMPLETE, T.CLOSE_COMPLETE, T.NO_DATA, T.PARAMETER_DESCRIPTION, T.ERROR,
  T.NOTICE, T.NOTIFICATION, T.COPY_IN, T.COPY_OUT, T.COPY_BOTH,
]);
const CLIENT_BODYLESS = new Set<number>([T.SYNC, T.FLUSH, T.TERMINATE]);
const SERVER_BODYLESS = new Set<number>([T.EMPTY_QUERY, T.PORTAL_SUSPENDED, T.PARSE_COMPLETE, T.BIND_COMPLETE, T.CLOSE_COMPLETE, T.NO_DATA]);

/** Detection: the first bytes of a direction. */
export function probe(data: Buffer): ProbeVerdict {
  if (data.length === 0) return 'more';
  if (data[0] === 0) {
    const v = judgeUntyped(data);
    return v === 'yes' ? 'client' : v;
  }
  const server = judgeTyped(data, 'server', PROBE_LIMIT);
  if (server === 'yes') return 'server';
  const client = judgeTyped(data, 'client', PROBE_LIMIT);
  if (client === 'yes') return 'client';
  return server === 'more' || client === 'more' ? 'more' : 'no';
}

/** A connection's first frontend message (untyped): a StartupMessage or one of the requests. */
export function judgeUntyped(data: Buffer): Judged {
  if (data[0] !== 0 || (data.length > 1 && data[1] !== 0)) return 'no';
  if (data.length < 8) return 'more';
  const length = data.readUInt32BE(0);
  const code = data.readUInt32BE(4);
  if (code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST) return length === 8 ? 'yes' : 'no';
  if (code === CODE.CANCEL_REQUEST) return length !== 16 ? 'no' : data.length < 16 ? 'more' : 'yes';
  if (code >>> 16 !== 3 || (code & 0xffff) > 9 || length <= 8 || length > MAX_STARTUP_LENGTH) return 'no';
  if (data.length < length) return 'more';
  const startup = decodeStartup(data.subarray(4, length));
  if (startup === null || startup.parameters['user'] === undefined) return 'no';
  // Names and values are text (the terminating NULs apart).
  return plainTexts(data.subarray(8, length - 1)) ? 'yes' : 'no';
}

/**
 * Could a typed message of `sender` start at `data[0]`? `limit`: the most bytes the caller can
 * ever show; a message longer than that is judged on its start once that many are here.
 */
export function judgeTyped(data: Buffer, sender: Sender, limit: number, run = 0): Judged {
  const type = data[0]!;
  if (!(sender === 'client' ? CLIENT_TYPES : SERVER_TYPES).has(type)) return 'no';
  if (data.length > 1 && data[1] !== 0) return 'no';
  if (data.length < 5) return 'more';
  const length = data.readUInt32BE(1);
  if (length < 4 || length > MAX_JUDGED_LENGTH) return 'no';
  const total = 1 + length;
  if ((sender === 'client' ? CLIENT_BODYLESS : SERVER_BODYLESS).has(type)) {
    if (length !== 4) return 'no';
    if (run >= MAX_BODYLESS_RUN) return 'no';
    // Five fixed bytes are too little alone: the next message decides.
    if (data.length === total) return data.length >= limit ? 'no' : 'more';
    return judgeTyped(data.subarray(total), sender, limit - total, run + 1);
  }
  if (data.length < total) {
    if (data.length < limit) return 'more';
    return judgeStart(type, data.subarray(5), sender) ? 'yes' : 'no';
  }
  return judgeBody(type, data.subarray(5, total), sender) ? 'yes' : 'no';
}

/** Whole bodies: their grammar, exactly to their end. */
function judgeBody(type: number, body: Buffer, sender: Sender): boolean {
  return sender === 'client' ? judgeClientBody(type, body) : judgeServerBody(type, body);
}

function judgeClientBody(type: number, body: Buffer): boolean {
  switch (type) {
    case T.QUERY:
      return stringEnd(body, 0) === body.length - 1 && plainText(body.subarray(0, body.length - 1));
    case T.PARSE: {
      const nameEnd = stringEnd(body, 0);
      const queryEnd = stringEnd(body, nameEnd + 1);
      if (nameEnd < 0 || queryEnd < 0 || queryEnd + 3 > body.length) return false;
      if (!plainText(body.subarray(0, nameEnd)) || !plainText(body.subarray(nameEnd + 1, queryEnd))) return false;
      return queryEnd + 3 + 4 * body.readUInt16BE(queryEnd + 1) === body.length;
    }
    case T.BIND:
      return bindFits(body);
    case T.EXECUTE: {
      const end = stringEnd(body, 0);
      return end >= 0 && end + 5 === body.length && plainText(body.subarray(0, end)) && body.readInt32BE(end + 1) >= 0;
    }
    case T.DESCRIBE:
    case T.CLOSE:
      return (body[0] === 0x53 || body[0] === 0x50) && stringEnd(body, 1) === body.length - 1 && plainText(body.subarray(1, body.length - 1));
    default:
      return false;
  }
}

/** Bind: names, formats (0 or 1), values whose lengths land on the result formats, exactly. */
function bindFits(body: Buffer): boolean {
  const portalEnd = stringEnd(body, 0);
  const stmtEnd = stringEnd(body, portalEnd + 1);
  if (portalEnd < 0 || stmtEnd < 0 || !plainTexts(body.subarray(0, stmtEnd))) return false;
  let at = stmtEnd + 1;
  const formats = (): boolean => {
    if (at + 2 > body.length) return false;
    const n = body.readUInt16BE(at);
    at += 2;
    if (at + 2 * n > body.length) return false;
    for (let i = 0; i < n; i++, at += 2) if (body.readUInt16BE(at) > 1) return false;
    return true;
  };
  if (!formats()) return false;
  if (at + 2 > body.length) return false;
  const values = body.readUInt16BE(at);
  at += 2;
  for (let i = 0; i < values; i++) {
    if (at + 4 > body.length) return false;
    const len = body.readInt32BE(at);
    if (len < -1) return false;
    at += 4 + Math.max(0, len);
  }
  return formats() && at === body.length;
}

function judgeServerBody(type: number, body: Buffer): boolean {
  switch (type) {
    case T.AUTHENTICATION:
      return authFits(body);
    case T.PARAMETER_STATUS: {
      const pair = decodeParameterStatus(body);
      return pair !== null && pair[0] !== '' && plainTexts(body.subarray(0, body.length - 1));
    }
    case T.BACKEND_KEY_DATA:
      return body.length === 8;
    case T.READY_FOR_QUERY:
      return body.length === 1 && (body[0] === 0x49 || body[0] === 0x54 || body[0] === 0x45);
    case T.ROW_DESCRIPTION:
      return rowDescriptionFits(body);
    case T.DATA_ROW:
      return dataRowFits(body, true);
    case T.COMMAND_COMPLETE:
      return stringEnd(body, 0) === body.length - 1 && COMMAND_TAG.test(body.toString('latin1', 0, body.length - 1));
    case T.ERROR:
    case T.NOTICE:
      return fieldsFit(body);
    case T.NOTIFICATION: {
      const channelEnd = stringEnd(body, 4);
      return channelEnd > 4 && stringEnd(body, channelEnd + 1) === body.length - 1 && plainTexts(body.subarray(4, body.length - 1));
    }
    case T.PARAMETER_DESCRIPTION:
      return body.length >= 2 && body.length === 2 + 4 * body.readUInt16BE(0);
    case T.COPY_IN:
    case T.COPY_OUT:
    case T.COPY_BOTH: {
      if (body.length < 3 || body[0]! > 1 || body.length !== 3 + 2 * body.readUInt16BE(1)) return false;
      for (let at = 3; at < body.length; at += 2) if (body.readUInt16BE(at) > 1) return false;
      return true;
    }
    default:
      return false;
  }
}

/** A CommandComplete tag: capitals and spaces, then up to two counts (`INSERT 0 1`, `SELECT 3`). */
const COMMAND_TAG = /^[A-Z]+(?: [A-Z]+)*(?: [0-9]+){0,2}$/;

/** Authentication: a known code with the body that code has. */
function authFits(body: Buffer): boolean {
  if (body.length < 4) return false;
  const code = body.readUInt32BE(0);
  switch (code) {
    case 0:
    case 2:
    case 3:
    case 7:
    case 9:
      return body.length === 4;
    case 5:
      return body.length === 8;
    case 10: {
      // Mechanism names, then an empty one.
      let at = 4;
      let names = 0;
      while (at < body.length && body[at] !== 0) {
        const end = stringEnd(body, at);
        if (end < 0 || !plainText(body.subarray(at, end))) return false;
        at = end + 1;
        names++;
      }
      return names > 0 && at === body.length - 1;
    }
    case 11:
    case 12:
      // SCRAM's messages are printable attribute lists (RFC 5802 §7).
      return body.length > 4 && plainText(body.subarray(4));
    default:
      return false;
  }
}

function rowDescriptionFits(body: Buffer): boolean {
  if (body.length < 2) return false;
  const n = body.readUInt16BE(0);
  if (n > MAX_COLUMNS) return false;
  let at = 2;
  for (let i = 0; i < n; i++) {
    const end = stringEnd(body, at);
    if (end < 0 || end + 19 > body.length || !plainText(body.subarray(at, end))) return false;
    if (body.readUInt16BE(end + 17) > 1) return false;
    at = end + 19;
  }
  return at === body.length;
}

/** DataRow: value lengths that land on its end (`whole`), or that fit so far (a start). */
function dataRowFits(body: Buffer, whole: boolean): boolean {
  if (body.length < 2) return !whole;
  const n = body.readUInt16BE(0);
  if (n > MAX_COLUMNS) return false;
  let at = 2;
  for (let i = 0; i < n; i++) {
    if (at + 4 > body.length) return !whole;
    const len = body.readInt32BE(at);
    if (len < -1) return false;
    at += 4 + Math.max(0, len);
  }
  return whole ? at === body.length : true;
}

/** ErrorResponse, NoticeResponse: fields with a severity, a SQLSTATE of five characters and a message. */
function fieldsFit(body: Buffer): boolean {
  let at = 0;
  let seen = 0;
  while (at < body.length && body[at] !== 0) {
    const code = body[at]!;
    const end = stringEnd(body, at + 1);
    if (end < 0 || code < 0x41 || code > 0x7a) return false;
    if (code === 0x43 && !/^[0-9A-Z]{5}$/.test(body.toString('latin1', at + 1, end))) return false;
    if (code === 0x53) seen |= 1;
    else if (code === 0x43) seen |= 2;
    else if (code === 0x4d) seen |= 4;
    at = end + 1;
  }
  return seen === 7 && at === body.length - 1;
}

/** The start of a message longer than the judge is shown: only texts and rows can be judged so. */
function judgeStart(type: number, start: Buffer, sender: Sender): boolean {
  if (sender === 'server') return type === T.DATA_ROW && dataRowFits(start, false);
  if (type === T.QUERY) return stringEnd(start, 0) < 0 && plainText(withoutPartialUtf8Tail(start));
  if (type !== T.PARSE) return false;
  // A statement name, then the query's text so far.
  const nameEnd = stringEnd(start, 0);
  return nameEnd >= 0 && stringEnd(start, nameEnd + 1) < 0 && plainText(start.subarray(0, nameEnd)) && plainText(withoutPartialUtf8Tail(start.subarray(nameEnd + 1)));
}

/** UTF-8 text without control characters other than tab, line feed and carriage return. */
const plainText = (bytes: Buffer): boolean => isPlainText(bytes);

/** Several Strings, each text as plainText says. */
const plainTexts = (bytes: Buffer): boolean => isPlainText(bytes, true);
