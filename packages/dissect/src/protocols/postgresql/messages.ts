/**
 * The PostgreSQL frontend/backend protocol, version 3 (PostgreSQL 15 documentation, chapter 55,
 * "Frontend/Backend Protocol"): the message grammar and the decoders of the messages' bodies.
 *
 * Every message but the first ones of a connection is typed (§55.7 "Message Formats"):
 *
 *   message        = type:Byte1 length:Int32 body{length - 4}     ; length counts itself, not the type
 *
 * The first message the frontend sends, and the one after a refused encryption request, has no
 * type (§55.2.1 "Start-up", §55.2.9, §55.2.10):
 *
 *   untyped        = length:Int32 code:Int32 rest{length - 8}
 *   StartupMessage = code 196608 (3.0)  rest = *( name:String value:String ) 0x00
 *   SSLRequest     = length 8, code 80877103    ; answered by one byte: 'S' (TLS follows) or 'N'
 *   GSSENCRequest  = length 8, code 80877104    ; answered by one byte: 'G' (GSSAPI follows) or 'N'
 *   CancelRequest  = length 16, code 80877102, processId:Int32 secretKey:Int32   ; on a new connection
 *
 * String is NUL-terminated text (§55.6). The typed messages, by sender (§55.7):
 *
 *   frontend  Q Query          query:String
 *             P Parse          statement:String query:String n:Int16 paramType:Int32{n}
 *             B Bind           portal:String statement:String n:Int16 format:Int16{n}
 *                              m:Int16 ( len:Int32 value:Byte{len} | len -1: NULL ){m} r:Int16 format:Int16{r}
 *             D Describe       'S'|'P' name:String           E Execute   portal:String maxRows:Int32
 *             C Close          'S'|'P' name:String           S Sync, H Flush, X Terminate (no body)
 *             F FunctionCall   oid:Int32 n:Int16 format:Int16{n} m:Int16 arguments r:Int16 (like Bind)
 *             p PasswordMessage, SASLInitialResponse (mechanism:String len:Int32 data), SASLResponse,
 *               GSSResponse: which one depends on the authentication request it answers (§55.3)
 *             d CopyData  c CopyDone  f CopyFail message:String
 *   backend   R Authentication code:Int32 ...: 0 Ok, 2 KerberosV5, 3 CleartextPassword, 5 MD5Password
 *               salt:Byte4, 7 GSS, 8 GSSContinue, 9 SSPI, 10 SASL mechanisms:String* 0x00,
 *               11 SASLContinue, 12 SASLFinal
 *             S ParameterStatus name:String value:String     K BackendKeyData processId:Int32 key:Int32
 *             Z ReadyForQuery status:Byte1 ('I' idle, 'T' in a transaction, 'E' in a failed one)
 *             T RowDescription n:Int16 ( name:String table:Int32 column:Int16 type:Int32 size:Int16
 *               modifier:Int32 format:Int16 ){n}
 *             D DataRow n:Int16 ( len:Int32 value:Byte{len} | len -1: NULL ){n}
 *             C CommandComplete tag:String     I EmptyQueryResponse     s PortalSuspended
 *             1 ParseComplete  2 BindComplete  3 CloseComplete  n NoData
 *             t ParameterDescription n:Int16 type:Int32{n}
 *             E ErrorResponse, N NoticeResponse  ( field:Byte1 value:String )* 0x00   (§55.8)
 *             A NotificationResponse processId:Int32 channel:String payload:String
 *             G CopyInResponse, H CopyOutResponse, W CopyBothResponse  format:Int8 n:Int16 format:Int16{n}
 *             d CopyData  c CopyDone     V FunctionCallResponse len:Int32 value:Byte{len}
 *             v NegotiateProtocolVersion minor:Int32 n:Int32 option:String{n}
 *
 * Several letters mean one message from the frontend and another from the backend (D, E, S, C,
 * H): the direction decides. The decoders below read a body (possibly only its first bytes: the
 * reader keeps a bounded prefix) and return null when it does not follow the grammar.
 */

import { utf8 } from '../../utf8.js';

/** Type bytes, by name; frontend and backend letters that coincide share a constant. */
export const T = {
  QUERY: 0x51, // Q
  PARSE: 0x50, // P
  BIND: 0x42, // B
  DESCRIBE: 0x44, // D (frontend)
  EXECUTE: 0x45, // E (frontend)
  CLOSE: 0x43, // C (frontend)
  SYNC: 0x53, // S (frontend)
  FLUSH: 0x48, // H (frontend)
  TERMINATE: 0x58, // X
  FUNCTION_CALL: 0x46, // F
  PASSWORD: 0x70, // p
  COPY_DATA: 0x64, // d
  COPY_DONE: 0x63, // c
  COPY_FAIL: 0x66, // f
  AUTHENTICATION: 0x52, // R
  PARAMETER_STATUS: 0x53, // S (backend)
  BACKEND_KEY_DATA: 0x4b, // K
  READY_FOR_QUERY: 0x5a, // Z
  ROW_DESCRIPTION: 0x54, // T
  DATA_ROW: 0x44, // D (backend)
  COMMAND_COMPLETE: 0x43, // C (backend)
  EMPTY_QUERY: 0x49, // I
  PORTAL_SUSPENDED: 0x73, // s
  PARSE_COMPLETE: 0x31, // 1
  BIND_COMPLETE: 0x32, // 2
  CLOSE_COMPLETE: 0x33, // 3
  NO_DATA: 0x6e, // n
  PARAMETER_DESCRIPTION: 0x74, // t
  ERROR: 0x45, // E (backend)
  NOTICE: 0x4e, // N
  NOTIFICATION: 0x41, // A
  COPY_IN: 0x47, // G
  COPY_OUT: 0x48, // H (backend)
  COPY_BOTH: 0x57, // W
  FUNCTION_RESULT: 0x56, // V
  NEGOTIATE_VERSION: 0x76, // v
} as const;

/** The codes of the untyped messages (§55.7): protocol 3.0 and the three requests. */
export const CODE = {
  PROTOCOL_3: 3 << 16,
  SSL_REQUEST: 80877103,
  GSSENC_REQUEST: 80877104,
  CANCEL_REQUEST: 80877102,
} as const;

/** The longest StartupMessage the server accepts (MAX_STARTUP_PACKET_LENGTH in its source). */
export const MAX_STARTUP_LENGTH = 10000;

const FRONTEND_NAMES: Readonly<Record<number, string>> = {
  [T.QUERY]: 'Query',
  [T.PARSE]: 'Parse',
  [T.BIND]: 'Bind',
  [T.DESCRIBE]: 'Describe',
  [T.EXECUTE]: 'Execute',
  [T.CLOSE]: 'Close',
  [T.SYNC]: 'Sync',
  [T.FLUSH]: 'Flush',
  [T.TERMINATE]: 'Terminate',
  [T.FUNCTION_CALL]: 'FunctionCall',
  [T.PASSWORD]: 'PasswordMessage',
  [T.COPY_DATA]: 'CopyData',
  [T.COPY_DONE]: 'CopyDone',
  [T.COPY_FAIL]: 'CopyFail',
};

const BACKEND_NAMES: Readonly<Record<number, string>> = {
  [T.AUTHENTICATION]: 'Authentication',
  [T.PARAMETER_STATUS]: 'ParameterStatus',
  [T.BACKEND_KEY_DATA]: 'BackendKeyData',
  [T.READY_FOR_QUERY]: 'ReadyForQuery',
  [T.ROW_DESCRIPTION]: 'RowDescription',
  [T.DATA_ROW]: 'DataRow',
  [T.COMMAND_COMPLETE]: 'CommandComplete',
  [T.EMPTY_QUERY]: 'EmptyQueryResponse',
  [T.PORTAL_SUSPENDED]: 'PortalSuspended',
  [T.PARSE_COMPLETE]: 'ParseComplete',
  [T.BIND_COMPLETE]: 'BindComplete',
  [T.CLOSE_COMPLETE]: 'CloseComplete',
  [T.NO_DATA]: 'NoData',
  [T.PARAMETER_DESCRIPTION]: 'ParameterDescription',
  [T.ERROR]: 'ErrorResponse',
  [T.NOTICE]: 'NoticeResponse',
  [T.NOTIFICATION]: 'NotificationResponse',
  [T.COPY_IN]: 'CopyInResponse',
  [T.COPY_OUT]: 'CopyOutResponse',
  [T.COPY_BOTH]: 'CopyBothResponse',
  [T.COPY_DATA]: 'CopyData',
  [T.COPY_DONE]: 'CopyDone',
  [T.FUNCTION_RESULT]: 'FunctionCallResponse',
  [T.NEGOTIATE_VERSION]: 'NegotiateProtocolVersion',
};

/** The name of a frontend message type, or null when the frontend sends no such type. */
export function frontendName(type: number): string | null {
  return FRONTEND_NAMES[type] ?? null;
}

/** The name of a backend message type, or null when the backend sends no such type. */
export function backendName(type: number): string | null {
  return BACKEND_NAMES[type] ?? null;
}

// ---- strings ------------------------------------------------------------------------------

/** Where the String at `at` ends (its NUL), or -1 when no NUL comes before `end`. */
export function stringEnd(body: Buffer, at: number, end = body.length): number {
  if (at >= end) return -1;
  const nul = body.indexOf(0, at);
  return nul < 0 || nul >= end ? -1 : nul;
}

/** A String as text (UTF-8, the usual client_encoding; others show as replacement characters). */
export const text = (body: Buffer, from: number, to: number): string => (from < to ? utf8(body, from, to) : '');

// ---- frontend bodies ---------------------------------------------------------------------

export interface StartupBody {
  /** `3.0`, or the minor version asked for. */
  protocolVersion: string;
  /** The name/value pairs: user, database, application_name, options, … */
  parameters: Record<string, string>;
}

/** A StartupMessage's body (after its length): code, then name/value Strings, then NUL. */
export function decodeStartup(body: Buffer): StartupBody | null {
  if (body.length < 5) return null;
  const code = body.readUInt32BE(0);
  const parameters: Record<string, string> = {};
  let at = 4;
  while (at < body.length && body[at] !== 0) {
    const nameEnd = stringEnd(body, at);
    if (nameEnd < 0) return null;
    const valueEnd = stringEnd(body, nameEnd + 1);
    if (valueEnd < 0) return null;
    parameters[text(body, at, nameEnd)] = text(body, nameEnd + 1, valueEnd);
    at = valueEnd + 1;
  }
  if (at !== body.length - 1) return null;
  return { protocolVersion: `${code >>> 16}.${code & 0xffff}`, parameters };
}

export interface ParseBody {
  statement: string;
  /** The query: whole, or the part the reader kept. */
  query: string;
  /** False when the kept bytes end inside the query (`query` is its start). */
  whole: boolean;
  paramTypes: number;
}

/** Parse: statement name, query, parameter types. `body` may be a prefix (the query cut). */
export function decodeParse(body: Buffer, cut: boolean): ParseBody | null {
  const nameEnd = stringEnd(body, 0);
  if (nameEnd < 0) return null;
  const queryEnd = stringEnd(body, nameEnd + 1);
  if (queryEnd < 0) {
    if (!cut) return null;
    return { statement: text(body, 0, nameEnd), query: text(body, nameEnd + 1, body.length), whole: false, paramTypes: 0 };
  }
  const paramTypes = queryEnd + 3 <= body.length ? body.readUInt16BE(queryEnd + 1) : 0;
  return { statement: text(body, 0, nameEnd), query: text(body, nameEnd + 1, queryEnd), whole: true, paramTypes };
}

export interface BindBody {
  portal: string;
  statement: string;
  /** Parameter values: text, `\x…` hex for binary ones, null for NULL; at most `maxValues`. */
  values: Array<string | null> | null;
  parameterCount: number;
}

/** Bind: portal, statement, parameters (as text when `values`, else only counted). */
export function decodeBind(body: Buffer, values: boolean, valueCap: number): BindBody | null {
  const portalEnd = stringEnd(body, 0);
  if (portalEnd < 0) return null;
  const stmtEnd = stringEnd(body, portalEnd + 1);
  if (stmtEnd < 0) return null;
  const out: BindBody = { portal: text(body, 0, portalEnd), statement: text(body, portalEnd + 1, stmtEnd), values: null, parameterCount: 0 };
  let at = stmtEnd + 1;
  if (at + 2 > body.length) return out;
  const formats = body.readUInt16BE(at);
  at += 2;
  const formatAt = at;
  at += 2 * formats;
  if (at + 2 > body.length) return out;
  out.parameterCount = body.readUInt16BE(at);
  at += 2;
  if (!values) return out;
  const list: Array<string | null> = [];
  for (let i = 0; i < out.parameterCount && list.length < MAX_VALUES; i++) {
    if (at + 4 > body.length) break;
    const len = body.readInt32BE(at);
    at += 4;
    if (len < 0) {
      list.push(null);
      continue;
    }
    // One format for all (formats 1), one per parameter, or text for all (0).
    const fmtAt = formats === 1 ? formatAt : formatAt + 2 * i;
    const binary = formats > 0 && fmtAt + 2 <= body.length && body.readUInt16BE(fmtAt) === 1;
    list.push(valueText(body, at, Math.min(at + len, body.length), binary, valueCap));
    at += len;
  }
  out.values = list;
  return out;
}

/** Values of a Bind or a DataRow shown at most. */
export const MAX_VALUES = 100;

/** A value as text: UTF-8 for the text format, `\x` and hex (as bytea prints) for binary; cut at `cap` characters. */
export function valueText(body: Buffer, from: number, to: number, binary: boolean, cap: number): string {
  if (binary) {
    const shown = Math.min(to, from + Math.ceil(cap / 2));
    return `\\x${body.toString('hex', from, shown)}${shown < to ? '...' : ''}`;
  }
  const value = text(body, from, Math.min(to, from + cap * 4));
  return value.length > cap ? `${value.slice(0, cap)}...` : value;
}

/** Describe and Close: what ('S' statement or 'P' portal) and its name. */
export function decodeTarget(body: Buffer): { portal: boolean; name: string } | null {
  if (body.length < 2 || (body[0] !== 0x53 && body[0] !== 0x50)) return null;
  const end = stringEnd(body, 1);
  if (end !== body.length - 1) return null;
  return { portal: body[0] === 0x50, name: text(body, 1, end) };
}

/** Execute: the portal and the most rows to return (0: all). */
export function decodeExecute(body: Buffer): { portal: string; maxRows: number } | null {
  const end = stringEnd(body, 0);
  if (end < 0 || end + 5 !== body.length) return null;
  return { portal: text(body, 0, end), maxRows: body.readInt32BE(end + 1) };
}

/** The mechanism of a SASLInitialResponse (a `p` answering AuthenticationSASL). */
export function saslMechanism(body: Buffer): string | null {
  const end = stringEnd(body, 0);
  return end <= 0 ? null : text(body, 0, end);
}

// ---- backend bodies ----------------------------------------------------------------------

/** Authentication request codes (§55.7, AuthenticationXXX) in words. */
export const AUTH_NAMES: Readonly<Record<number, string>> = {
  0: 'ok',
  2: 'KerberosV5',
  3: 'cleartext password',
  5: 'MD5',
  7: 'GSSAPI',
  8: 'GSSAPI continue',
  9: 'SSPI',
  10: 'SASL',
  11: 'SASL continue',
  12: 'SASL final',
};

/** AuthenticationSASL: the mechanisms the server offers. */
export function saslMechanisms(body: Buffer): string[] {
  const out: string[] = [];
  let at = 4;
  while (at < body.length && body[at] !== 0) {
    const end = stringEnd(body, at);
    if (end < 0) break;
    out.push(text(body, at, end));
    at = end + 1;
  }
  return out;
}

/** ParameterStatus: name and value. */
export function decodeParameterStatus(body: Buffer): [string, string] | null {
  const nameEnd = stringEnd(body, 0);
  if (nameEnd < 0) return null;
  const valueEnd = stringEnd(body, nameEnd + 1);
  if (valueEnd !== body.length - 1) return null;
  return [text(body, 0, nameEnd), text(body, nameEnd + 1, valueEnd)];
}

/** ReadyForQuery's status in words. */
export function transactionStatus(status: number): string {
  if (status === 0x49) return 'idle';
  if (status === 0x54) return 'in transaction';
  if (status === 0x45) return 'failed transaction';
  return `unknown (${String.fromCharCode(status)})`;
}

export interface Column {
  name: string;
  /** The type's OID (types.ts names the built-in ones). */
  typeOid: number;
  /** 1: binary; 0 (text) is the default. */
  format: number;
}

/** RowDescription: the columns (at most MAX_VALUES), or null when it does not parse. */
export function decodeRowDescription(body: Buffer): Column[] | null {
  if (body.length < 2) return null;
  const n = body.readUInt16BE(0);
  const out: Column[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const end = stringEnd(body, at);
    if (end < 0 || end + 19 > body.length) return null;
    if (out.length < MAX_VALUES) out.push({ name: text(body, at, end), typeOid: body.readUInt32BE(end + 7), format: body.readUInt16BE(end + 17) });
    at = end + 19;
  }
  return at === body.length ? out : null;
}

/**
 * DataRow values (as valueText shows them, each column's format from `formats`), at most
 * MAX_VALUES; `body` may be a prefix, whose last value is then cut.
 */
export function decodeDataRow(body: Buffer, formats: readonly number[], valueCap: number): Array<string | null> | null {
  if (body.length < 2) return null;
  const n = body.readUInt16BE(0);
  const out: Array<string | null> = [];
  let at = 2;
  for (let i = 0; i < n && out.length < MAX_VALUES && at + 4 <= body.length; i++) {
    const len = body.readInt32BE(at);
    at += 4;
    if (len < 0) {
      out.push(null);
      continue;
    }
    out.push(valueText(body, at, Math.min(at + len, body.length), formats[i] === 1, valueCap));
    at += len;
  }
  return out;
}

/** ErrorResponse and NoticeResponse field codes (§55.8) and the keys an entry shows them under. */
const FIELD_KEYS: Readonly<Record<number, string>> = {
  0x53: 'severity', // S (localised)
  0x56: 'severity', // V (never localised: preferred)
  0x43: 'code', // C: SQLSTATE
  0x4d: 'message', // M
  0x44: 'detail', // D
  0x48: 'hint', // H
  0x50: 'position', // P
  0x70: 'internalPosition', // p
  0x71: 'internalQuery', // q
  0x57: 'where', // W
  0x73: 'schema', // s
  0x74: 'table', // t
  0x63: 'column', // c
  0x64: 'dataType', // d
  0x6e: 'constraint', // n
  0x46: 'file', // F
  0x4c: 'line', // L
  0x52: 'routine', // R
};

/** The fields of an ErrorResponse or NoticeResponse by their keys; unknown codes are skipped (§55.8). */
export function decodeFields(body: Buffer): Record<string, string> | null {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = body[at]!;
    const end = stringEnd(body, at + 1);
    if (end < 0) return null;
    const key = FIELD_KEYS[code];
    // V (the unlocalised severity) wins over S whatever their order.
    if (key !== undefined && !(code === 0x53 && out['severity'] !== undefined)) out[key] = text(body, at + 1, end);
    at = end + 1;
  }
  return at === body.length - 1 ? out : null;
}

/** CommandComplete: the tag. */
export function decodeTag(body: Buffer): string | null {
  const end = stringEnd(body, 0);
  return end === body.length - 1 ? text(body, 0, end) : null;
}

/** NotificationResponse: who notified, on which channel, with what payload. */
export function decodeNotification(body: Buffer): { processId: number; channel: string; payload: string } | null {
  if (body.length < 6) return null;
  const channelEnd = stringEnd(body, 4);
  if (channelEnd < 0) return null;
  const payloadEnd = stringEnd(body, channelEnd + 1);
  if (payloadEnd !== body.length - 1) return null;
  return { processId: body.readInt32BE(0), channel: text(body, 4, channelEnd), payload: text(body, channelEnd + 1, payloadEnd) };
}

/** Copy{In,Out,Both}Response: the overall format and the columns. */
export function decodeCopyResponse(body: Buffer): { binary: boolean; columns: number } | null {
  if (body.length < 3) return null;
  const columns = body.readUInt16BE(1);
  return body.length === 3 + 2 * columns ? { binary: body[0] === 1, columns } : null;
}
