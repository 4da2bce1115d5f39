/**
 * The MySQL client/server protocol (MySQL Source Code Documentation, "Client/Server Protocol";
 * MariaDB Knowledge Base, "Clients & Connectors > Client/Server Protocol"), as MySQL 4.1 and later
 * and MariaDB speak it: the packet grammar and the decoders of the payloads.
 *
 *   packet      = length:int<3> sequence:int<1> payload{length}        ; little-endian length
 *
 * A payload of 2^24-1 bytes continues in the next packet ("Sending More Than 16Mb"). The sequence
 * number starts at 0 with each command (and with the server's greeting) and counts the packets of
 * one exchange, both sides together.
 *
 * Integers are little-endian. int<lenenc> (length-encoded): < 0xFB itself; 0xFC + int<2>; 0xFD +
 * int<3>; 0xFE + int<8>. string<lenenc> is an int<lenenc> length and the bytes; string<NUL> ends at
 * a NUL; string<EOF> runs to the end of the payload.
 *
 * Connection phase ("Connection Lifecycle"):
 *
 *   server  Handshake v10   0x0A server_version:string<NUL> connection_id:int<4>
 *                           auth_data_1:string<8> 0x00 capabilities_low:int<2> charset:int<1>
 *                           status:int<2> capabilities_high:int<2> auth_data_len:int<1>
 *                           reserved:string<6> (MariaDB: and its extended capabilities:int<4>,
 *                           else reserved) auth_data_2 auth_plugin:string<NUL>
 *   client  SSLRequest      capabilities:int<4> max_packet:int<4> charset:int<1> filler:string<23>
 *                           (with CLIENT_SSL; TLS follows)
 *           HandshakeResponse41  the same 32 bytes, then user:string<NUL>, auth_response
 *                           (string<lenenc> with PLUGIN_AUTH_LENENC_CLIENT_DATA, else int<1> length
 *                           and the bytes), database:string<NUL> with CONNECT_WITH_DB,
 *                           auth_plugin:string<NUL> with PLUGIN_AUTH, attributes with CONNECT_ATTRS
 *                           (int<lenenc> length, then key/value string<lenenc> pairs)
 *   server  OK | ERR | AuthSwitchRequest 0xFE plugin:string<NUL> data | AuthMoreData 0x01 data
 *   client  the authentication data a switch or more-data asks for
 *
 * Command phase: the client's packet of sequence 0 is a command, its first byte says which:
 *
 *   COM_QUIT 0x01, COM_INIT_DB 0x02 schema:string<EOF>, COM_QUERY 0x03 query:string<EOF>
 *   (with CLIENT_QUERY_ATTRIBUTES first parameter_count:int<lenenc> parameter_set_count:int<lenenc>),
 *   COM_FIELD_LIST 0x04, COM_STATISTICS 0x09, COM_PROCESS_KILL 0x0C, COM_PING 0x0E,
 *   COM_CHANGE_USER 0x11, COM_STMT_PREPARE 0x16 query:string<EOF>,
 *   COM_STMT_EXECUTE 0x17 statement_id:int<4> flags:int<1> iterations:int<4> [null_bitmap
 *   new_params_bound:int<1> [types:int<2>{n}] values], COM_STMT_SEND_LONG_DATA 0x18,
 *   COM_STMT_CLOSE 0x19 statement_id:int<4>, COM_STMT_RESET 0x1A, COM_SET_OPTION 0x1B,
 *   COM_STMT_FETCH 0x1C, COM_RESET_CONNECTION 0x1F.
 *
 * Answers:
 *
 *   OK   0x00 (0xFE when it ends a result set under CLIENT_DEPRECATE_EOF) affected_rows:int<lenenc>
 *        last_insert_id:int<lenenc> status:int<2> warnings:int<2> info (string<lenenc> with
 *        CLIENT_SESSION_TRACK, else string<EOF>) [session_state_changes]
 *   ERR  0xFF error_code:int<2> '#' sql_state:string<5> message:string<EOF>
 *   EOF  0xFE warnings:int<2> status:int<2>       (payload of 5 bytes)
 *   Result set: column_count:int<lenenc> [metadata_follows:int<1> with MariaDB's
 *        CLIENT_CACHE_METADATA] ColumnDefinition41{column_count} [EOF unless DEPRECATE_EOF]
 *        row* (EOF | OK 0xFE | ERR); SERVER_MORE_RESULTS_EXISTS in its status: another result
 *        follows. A text row is a string<lenenc> per column (0xFB: NULL); a binary row (the answer
 *        to COM_STMT_EXECUTE) is 0x00, a NULL bitmap of (columns + 9) / 8 bytes and the non-NULL
 *        values, each by its column's type.
 *   ColumnDefinition41: catalog schema table org_table name org_name (string<lenenc> each)
 *        [MariaDB extended metadata string<lenenc>] 0x0C charset:int<2> length:int<4> type:int<1>
 *        flags:int<2> decimals:int<1> filler:int<2>
 *   COM_STMT_PREPARE_OK: 0x00 statement_id:int<4> columns:int<2> params:int<2> 0x00
 *        warnings:int<2>, then the parameters' and the columns' definitions (each followed by EOF
 *        unless DEPRECATE_EOF)
 *   LOCAL INFILE request: 0xFB filename:string<EOF>; the client sends the file, then an empty packet.
 *
 * The decoders below read a payload (possibly only its first bytes: the reader keeps a bounded
 * prefix) and return null when it does not follow the grammar.
 */

import { utf8 } from '../../utf8.js';

/** Commands by their byte. */
export const COM = {
  SLEEP: 0x00,
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  CREATE_DB: 0x05,
  DROP_DB: 0x06,
  REFRESH: 0x07,
  SHUTDOWN: 0x08,
  STATISTICS: 0x09,
  PROCESS_INFO: 0x0a,
  CONNECT: 0x0b,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  TIME: 0x0f,
  DELAYED_INSERT: 0x10,
  CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12,
  TABLE_DUMP: 0x13,
  CONNECT_OUT: 0x14,
  REGISTER_SLAVE: 0x15,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  DAEMON: 0x1d,
  BINLOG_DUMP_GTID: 0x1e,
  RESET_CONNECTION: 0x1f,
} as const;

const COMMAND_NAMES: readonly string[] = Object.entries(COM)
  .sort(([, a], [, b]) => a - b)
  .map(([name]) => `COM_${name}`);

/** A command's name, `COM_QUERY`, …; `COM_0x<hex>` for an unknown byte. */
export function commandName(byte: number): string {
  return COMMAND_NAMES[byte] ?? `COM_0x${byte.toString(16).padStart(2, '0')}`;
}

/** Capability flags (the ones read here). */
export const CAP = {
  CONNECT_WITH_DB: 0x8,
  /** Bit 0 unset: a MariaDB client, whose extended capabilities follow in the filler. */
  CLIENT_MYSQL: 0x1,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  SESSION_TRACK: 0x800000,
  DEPRECATE_EOF: 0x1000000,
  QUERY_ATTRIBUTES: 0x8000000,
} as const;

/** MariaDB's extended capabilities (the upper 32 bits, `MARIADB_CLIENT_*`). */
export const MARIADB_CAP = {
  EXTENDED_METADATA: 0x8,
  CACHE_METADATA: 0x10,
} as const;

/** Server status flags (the ones read here). */
export const SERVER_MORE_RESULTS_EXISTS = 0x8;
export const SERVER_SESSION_STATE_CHANGED = 0x4000;

/** Column flag: the integer is unsigned. */
export const UNSIGNED_FLAG = 0x20;

// ---- primitives ---------------------------------------------------------------------------

/** A reader over one payload; every read checks the end and sets `bad` past it. */
export class Cursor {
  bad = false;
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.buf.length) return this.fail();
    return this.buf[this.pos++]!;
  }

  u16(): number {
    if (this.pos + 2 > this.buf.length) return this.fail();
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    if (this.pos + 3 > this.buf.length) return this.fail();
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    if (this.pos + 4 > this.buf.length) return this.fail();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int<lenenc>, as a number (counts and lengths fit; an 8-byte one beyond 2^53 loses precision). */
  lenenc(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) {
      if (this.pos + 8 > this.buf.length) return this.fail();
      const v = Number(this.buf.readBigUInt64LE(this.pos));
      this.pos += 8;
      return v;
    }
    // 0xFB (NULL in a row) and 0xFF are no integers.
    return this.fail();
  }

  /** string<lenenc> as text, or null for a NULL (0xFB). */
  lenencText(cap = Infinity): string | null {
    if (this.buf[this.pos] === 0xfb) {
      this.pos++;
      return null;
    }
    const n = this.lenenc();
    return this.take(n, cap);
  }

  /** string<NUL> as text. */
  nulText(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) {
      this.fail();
      return '';
    }
    const s = end > this.pos ? utf8(this.buf, this.pos, end) : '';
    this.pos = end + 1;
    return s;
  }

  /** string<EOF> as text. */
  restText(): string {
    const s = this.pos < this.buf.length ? utf8(this.buf, this.pos, this.buf.length) : '';
    this.pos = this.buf.length;
    return s;
  }

  skip(n: number): void {
    if (this.pos + n > this.buf.length) this.fail();
    else this.pos += n;
  }

  /** `n` bytes as text, the first `cap` characters of them (then `...`). */
  take(n: number, cap = Infinity): string {
    const end = Math.min(this.buf.length, this.pos + n);
    const shown = Math.min(end, this.pos + (Number.isFinite(cap) ? cap * 4 : n));
    let s = shown > this.pos ? utf8(this.buf, this.pos, shown) : '';
    if (s.length > cap) s = `${s.slice(0, cap)}...`;
    else if (shown < end) s += '...';
    if (this.pos + n > this.buf.length) this.fail();
    this.pos = end;
    return s;
  }

  private fail(): number {
    this.bad = true;
    this.pos = this.buf.length;
    return 0;
  }
}

// ---- the connection phase -----------------------------------------------------------------

export interface Greeting {
  protocolVersion: number;
  serverVersion: string;
  connectionId: number;
  /** Capabilities: the lower 32 bits, and MariaDB's extended ones (0 from MySQL). */
  capabilities: number;
  mariadbCapabilities: number;
  authPlugin: string | null;
}

/** The server's Handshake v10. */
export function decodeGreeting(payload: Buffer): Greeting | null {
  const c = new Cursor(payload);
  const protocolVersion = c.u8();
  if (protocolVersion !== 10) return null;
  const serverVersion = c.nulText();
  const connectionId = c.u32();
  c.skip(9);
  let capabilities = c.u16();
  let mariadbCapabilities = 0;
  let authPlugin: string | null = null;
  if (c.left > 0) {
    c.skip(3);
    capabilities |= c.u16() << 16;
    const dataLength = c.u8();
    c.skip(6);
    const ext = c.u32();
    // MariaDB sends its extended capabilities there and leaves CLIENT_MYSQL unset.
    if ((capabilities & CAP.CLIENT_MYSQL) === 0) mariadbCapabilities = ext;
    c.skip(Math.max(13, dataLength - 8));
    if ((capabilities & CAP.PLUGIN_AUTH) !== 0 && c.left > 0) authPlugin = c.nulText();
  }
  if (c.bad) return null;
  return { protocolVersion, serverVersion, connectionId, capabilities: capabilities >>> 0, mariadbCapabilities, authPlugin };
}

export interface HandshakeResponse {
  capabilities: number;
  mariadbCapabilities: number;
  /** An SSLRequest: only the 32 bytes, TLS follows. */
  ssl: boolean;
  user: string | null;
  database: string | null;
  authPlugin: string | null;
  attributes: Record<string, string> | null;
}

/** The client's SSLRequest or HandshakeResponse41 (the authentication response is skipped, never kept). */
export function decodeHandshakeResponse(payload: Buffer): HandshakeResponse | null {
  if (payload.length < 32) return null;
  const c = new Cursor(payload);
  const capabilities = c.u32() >>> 0;
  if ((capabilities & CAP.PROTOCOL_41) === 0) return null;
  c.skip(4 + 1 + 19);
  const ext = c.u32();
  const mariadbCapabilities = (capabilities & CAP.CLIENT_MYSQL) === 0 ? ext : 0;
  const out: HandshakeResponse = { capabilities, mariadbCapabilities, ssl: false, user: null, database: null, authPlugin: null, attributes: null };
  if (payload.length === 32) {
    out.ssl = (capabilities & CAP.SSL) !== 0;
    return out;
  }
  out.user = c.nulText();
  if ((capabilities & CAP.PLUGIN_AUTH_LENENC_CLIENT_DATA) !== 0) c.skip(c.lenenc());
  else c.skip(c.u8());
  if ((capabilities & CAP.CONNECT_WITH_DB) !== 0 && c.left > 0) out.database = c.nulText();
  if ((capabilities & CAP.PLUGIN_AUTH) !== 0 && c.left > 0) out.authPlugin = c.nulText();
  if ((capabilities & CAP.CONNECT_ATTRS) !== 0 && c.left > 0) {
    const end = c.lenenc() + c.pos;
    const attributes: Record<string, string> = {};
    while (c.pos < end && !c.bad) {
      const key = c.lenencText() ?? '';
      attributes[key] = c.lenencText() ?? '';
    }
    out.attributes = attributes;
  }
  return c.bad ? null : out;
}

// ---- answers ------------------------------------------------------------------------------

export interface OkPacket {
  affectedRows: number;
  lastInsertId: number;
  status: number;
  warnings: number;
  info: string;
}

/** OK (0x00, or 0xFE ending a result set). */
export function decodeOk(payload: Buffer, sessionTrack: boolean): OkPacket | null {
  const c = new Cursor(payload, 1);
  const affectedRows = c.lenenc();
  const lastInsertId = c.lenenc();
  const status = c.u16();
  const warnings = c.u16();
  if (c.bad) return null;
  let info = '';
  if (c.left > 0) info = sessionTrack ? (c.lenencText(200) ?? '') : c.take(c.left, 200);
  return { affectedRows, lastInsertId, status, warnings, info: c.bad ? '' : info };
}

/** EOF (0xFE, 5 bytes): warnings and status. */
export function decodeEof(payload: Buffer): { warnings: number; status: number } | null {
  if (payload.length !== 5) return null;
  return { warnings: payload.readUInt16LE(1), status: payload.readUInt16LE(3) };
}

export interface ErrPacket {
  code: number;
  sqlState: string;
  message: string;
}

/** ERR: the code, the SQLSTATE (after '#', since 4.1) and the message. */
export function decodeErr(payload: Buffer): ErrPacket | null {
  if (payload.length < 3 || payload[0] !== 0xff) return null;
  const code = payload.readUInt16LE(1);
  if (payload[3] === 0x23 && payload.length >= 9) return { code, sqlState: payload.toString('latin1', 4, 9), message: text(payload, 9, payload.length) };
  return { code, sqlState: '', message: text(payload, 3, payload.length) };
}

const text = (b: Buffer, from: number, to: number): string => (from < to ? utf8(b, from, to) : '');

export interface ColumnDef {
  name: string;
  type: number;
  flags: number;
}

/** ColumnDefinition41: the name, the type and the flags (with MariaDB's extended metadata skipped). */
export function decodeColumn(payload: Buffer): ColumnDef | null {
  const c = new Cursor(payload);
  for (let i = 0; i < 4; i++) c.skip(c.lenenc());
  const name = c.lenencText(200) ?? '';
  c.skip(c.lenenc());
  // The fixed fields announce their length, 0x0C; before them MariaDB may put extended metadata.
  let fixed = c.lenenc();
  if (fixed !== 0x0c && !c.bad) {
    c.skip(fixed);
    fixed = c.lenenc();
  }
  c.skip(2 + 4);
  const type = c.u8();
  const flags = c.u16();
  return c.bad || fixed !== 0x0c ? null : { name, type, flags };
}

export interface PrepareOk {
  statementId: number;
  columns: number;
  params: number;
  warnings: number;
}

/** COM_STMT_PREPARE_OK. */
export function decodePrepareOk(payload: Buffer): PrepareOk | null {
  if (payload.length < 12 || payload[0] !== 0) return null;
  return { statementId: payload.readUInt32LE(1), columns: payload.readUInt16LE(5), params: payload.readUInt16LE(7), warnings: payload.readUInt16LE(10) };
}

/** A text row: a value per column, NULL as null (each cut at `cap` characters). */
export function decodeTextRow(payload: Buffer, columns: number, cap: number, max: number): Array<string | null> {
  const c = new Cursor(payload);
  const out: Array<string | null> = [];
  for (let i = 0; i < columns && out.length < max && c.left > 0; i++) out.push(c.lenencText(cap));
  return out;
}

/**
 * A binary row (0x00, NULL bitmap with an offset of 2 bits, values): each value by its column's
 * type (binaryValue); `columns` give the types and flags.
 */
export function decodeBinaryRow(payload: Buffer, columns: readonly ColumnDef[], cap: number, max: number): Array<string | null> {
  const c = new Cursor(payload, 1);
  const bitmap = Math.floor((columns.length + 7 + 2) / 8);
  const nulls = c.pos;
  c.skip(bitmap);
  const out: Array<string | null> = [];
  for (let i = 0; i < columns.length && out.length < max && !c.bad; i++) {
    const bit = i + 2;
    if ((payload[nulls + (bit >> 3)]! & (1 << (bit & 7))) !== 0) out.push(null);
    else out.push(binaryValue(c, columns[i]!.type, (columns[i]!.flags & UNSIGNED_FLAG) !== 0, cap));
  }
  return out;
}

/** COM_STMT_EXECUTE's parameters, when their count is known (from the prepare) and their types sent or remembered. */
export function decodeExecuteParams(payload: Buffer, count: number, known: readonly number[] | null, cap: number, max: number): { values: Array<string | null>; types: number[] } | null {
  const c = new Cursor(payload, 10);
  const nulls = c.pos;
  c.skip(Math.floor((count + 7) / 8));
  const bound = c.u8();
  let types: number[];
  if (bound === 1) {
    types = [];
    for (let i = 0; i < count; i++) types.push(c.u16());
  } else if (known !== null && known.length === count) types = [...known];
  else return null;
  const values: Array<string | null> = [];
  for (let i = 0; i < count && values.length < max && !c.bad; i++) {
    if ((payload[nulls + (i >> 3)]! & (1 << (i & 7))) !== 0) values.push(null);
    else values.push(binaryValue(c, types[i]! & 0xff, (types[i]! & 0x8000) !== 0, cap));
  }
  return c.bad ? null : { values, types };
}

/** Column types (enum_field_types) read by binaryValue. */
const T = {
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
} as const;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** One value of the binary protocol, as text ("Binary Protocol Value"). */
function binaryValue(c: Cursor, type: number, unsigned: boolean, cap: number): string {
  const b = c.buf;
  const at = c.pos;
  switch (type) {
    case T.TINY:
      c.skip(1);
      return c.bad ? '' : String(unsigned ? b.readUInt8(at) : b.readInt8(at));
    case T.SHORT:
    case T.YEAR:
      c.skip(2);
      return c.bad ? '' : String(unsigned ? b.readUInt16LE(at) : b.readInt16LE(at));
    case T.LONG:
    case T.INT24:
      c.skip(4);
      return c.bad ? '' : String(unsigned ? b.readUInt32LE(at) : b.readInt32LE(at));
    case T.LONGLONG:
      c.skip(8);
      return c.bad ? '' : String(unsigned ? b.readBigUInt64LE(at) : b.readBigInt64LE(at));
    case T.FLOAT:
      c.skip(4);
      return c.bad ? '' : String(b.readFloatLE(at));
    case T.DOUBLE:
      c.skip(8);
      return c.bad ? '' : String(b.readDoubleLE(at));
    case T.NULL:
      return 'NULL';
    case T.DATE:
    case T.DATETIME:
    case T.TIMESTAMP: {
      const n = c.u8();
      const start = c.pos;
      c.skip(n);
      if (c.bad) return '';
      if (n === 0) return '0000-00-00';
      let s = `${pad(b.readUInt16LE(start), 4)}-${pad(b[start + 2]!)}-${pad(b[start + 3]!)}`;
      if (n >= 7) s += ` ${pad(b[start + 4]!)}:${pad(b[start + 5]!)}:${pad(b[start + 6]!)}`;
      if (n >= 11) s += `.${pad(b.readUInt32LE(start + 7), 6)}`;
      return s;
    }
    case T.TIME: {
      const n = c.u8();
      const start = c.pos;
      c.skip(n);
      if (c.bad) return '';
      if (n === 0) return '00:00:00';
      const hours = b.readUInt32LE(start + 1) * 24 + b[start + 5]!;
      let s = `${b[start] === 1 ? '-' : ''}${pad(hours)}:${pad(b[start + 6]!)}:${pad(b[start + 7]!)}`;
      if (n >= 12) s += `.${pad(b.readUInt32LE(start + 8), 6)}`;
      return s;
    }
    default:
      // Strings, decimals, blobs, JSON, enums, sets, bits, geometry: string<lenenc>.
      return c.lenencText(cap) ?? '';
  }
}
