/**
 * MySQL packets as bytes, for tests (the grammar: src/protocols/mysql/packets.ts): a packet from
 * its sequence number and payload, and the common payloads by name.
 */

const le = (n: number, bytes: number): Buffer => {
  const b = Buffer.alloc(bytes);
  b.writeUIntLE(n, 0, bytes);
  return b;
};
const nul = (s: string): Buffer => Buffer.concat([Buffer.from(s), Buffer.from([0])]);
/** int<lenenc>. */
export const lenenc = (n: number): Buffer => (n < 0xfb ? Buffer.from([n]) : n < 0x10000 ? Buffer.concat([Buffer.from([0xfc]), le(n, 2)]) : Buffer.concat([Buffer.from([0xfd]), le(n, 3)]));
/** string<lenenc>. */
export const lenencStr = (s: string): Buffer => Buffer.concat([lenenc(Buffer.byteLength(s)), Buffer.from(s)]);

/** A packet: length, sequence number, payload. */
export const packet = (seq: number, ...payload: Buffer[]): Buffer => {
  const p = Buffer.concat(payload);
  return Buffer.concat([le(p.length, 3), Buffer.from([seq]), p]);
};

/** Capability flags used here (packets.ts CAP). */
export const CAPS = { PROTOCOL_41: 0x200, SECURE: 0x8000, CONNECT_WITH_DB: 0x8, PLUGIN_AUTH: 0x80000, SSL: 0x800, DEPRECATE_EOF: 0x1000000, MULTI_RESULTS: 0x20000 } as const;
const BASE = CAPS.PROTOCOL_41 | CAPS.SECURE | CAPS.PLUGIN_AUTH | CAPS.MULTI_RESULTS | 0x1;

/** The server's Handshake v10 (a MySQL server: CLIENT_MYSQL set, so no MariaDB extended capabilities). */
export function greeting(version = '8.0.36', connectionId = 42, extra = 0): Buffer {
  const caps = BASE | CAPS.CONNECT_WITH_DB | CAPS.SSL | CAPS.DEPRECATE_EOF | extra;
  return packet(0, Buffer.from([10]), nul(version), le(connectionId, 4), Buffer.alloc(8, 0x41), Buffer.from([0]), le(caps & 0xffff, 2), Buffer.from([0x2d]), le(2, 2), le(caps >>> 16, 2), Buffer.from([21]), Buffer.alloc(10), Buffer.alloc(12, 0x42), Buffer.from([0]), nul('mysql_native_password'));
}

/** HandshakeResponse41 (sequence 1), asking for `extra` capabilities too; the scramble is 20 bytes of junk. */
export function handshakeResponse(user: string, database: string | null, extra = 0): Buffer {
  const caps = BASE | (database !== null ? CAPS.CONNECT_WITH_DB : 0) | extra;
  return packet(1, le(caps, 4), le(1 << 24, 4), Buffer.from([0x2d]), Buffer.alloc(23), nul(user), Buffer.from([20]), Buffer.alloc(20, 0x55), database !== null ? nul(database) : Buffer.alloc(0), nul('mysql_native_password'));
}

/** SSLRequest (sequence 1): the 32 bytes with CLIENT_SSL. */
export const sslRequest = (): Buffer => packet(1, le(BASE | CAPS.SSL, 4), le(1 << 24, 4), Buffer.from([0x2d]), Buffer.alloc(23));

export const ok = (seq: number, affected = 0, insertId = 0, status = 2, header = 0x00): Buffer => packet(seq, Buffer.from([header]), lenenc(affected), lenenc(insertId), le(status, 2), le(0, 2));
export const err = (seq: number, code: number, state: string, message: string): Buffer => packet(seq, Buffer.from([0xff]), le(code, 2), Buffer.from(`#${state}${message}`));
export const eof = (seq: number, status = 2): Buffer => packet(seq, Buffer.from([0xfe]), le(0, 2), le(status, 2));
export const authSwitch = (seq: number, plugin: string): Buffer => packet(seq, Buffer.from([0xfe]), nul(plugin), Buffer.alloc(20, 0x33), Buffer.from([0]));

/** A command (sequence 0). */
export const command = (byte: number, ...rest: Buffer[]): Buffer => packet(0, Buffer.from([byte]), ...rest);
export const query = (sql: string): Buffer => command(0x03, Buffer.from(sql));
export const prepare = (sql: string): Buffer => command(0x16, Buffer.from(sql));
export const closeStmt = (id: number): Buffer => command(0x19, le(id, 4));
export const ping = (): Buffer => command(0x0e);
export const quit = (): Buffer => command(0x01);
export const initDb = (schema: string): Buffer => command(0x02, Buffer.from(schema));

/** Column types (packets.ts). */
export const TYPE = { LONG: 3, DOUBLE: 5, LONGLONG: 8, DATETIME: 12, VAR_STRING: 253 } as const;

export const columnCount = (seq: number, n: number): Buffer => packet(seq, lenenc(n));
export const column = (seq: number, name: string, type: number, flags = 0): Buffer =>
  packet(seq, lenencStr('def'), lenencStr('shop'), lenencStr('t'), lenencStr('t'), lenencStr(name), lenencStr(name), Buffer.from([0x0c]), le(45, 2), le(255, 4), Buffer.from([type]), le(flags, 2), Buffer.from([0]), le(0, 2));
export const textRow = (seq: number, values: Array<string | null>): Buffer => packet(seq, ...values.map((v) => (v === null ? Buffer.from([0xfb]) : lenencStr(v))));

/** COM_STMT_PREPARE_OK (sequence 1). */
export const prepareOk = (id: number, columns: number, params: number): Buffer => packet(1, Buffer.from([0]), le(id, 4), le(columns, 2), le(params, 2), Buffer.from([0]), le(0, 2));

/** COM_STMT_EXECUTE of `id` with parameters (types sent): [type, value bytes] each; null for NULL. */
export function execute(id: number, params: Array<[number, Buffer] | null>): Buffer {
  const parts = [le(id, 4), Buffer.from([0]), le(1, 4)];
  if (params.length > 0) {
    const bitmap = Buffer.alloc(Math.floor((params.length + 7) / 8));
    params.forEach((p, i) => p === null && (bitmap[i >> 3]! |= 1 << (i & 7)));
    parts.push(bitmap, Buffer.from([1]), ...params.map((p) => le(p === null ? 6 : p[0], 2)), ...params.flatMap((p) => (p === null ? [] : [p[1]])));
  }
  return command(0x17, ...parts);
}

/** A binary row: 0x00, the NULL bitmap (offset 2), the values' bytes. */
export function binaryRow(seq: number, values: Array<Buffer | null>): Buffer {
  const bitmap = Buffer.alloc(Math.floor((values.length + 7 + 2) / 8));
  values.forEach((v, i) => v === null && (bitmap[(i + 2) >> 3]! |= 1 << ((i + 2) & 7)));
  return packet(seq, Buffer.from([0]), bitmap, ...values.filter((v): v is Buffer => v !== null));
}

export const int32 = (n: number): Buffer => le(n >>> 0, 4);
export const double = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
};
export const datetime = (y: number, mo: number, d: number, h: number, mi: number, s: number): Buffer => Buffer.concat([Buffer.from([7]), le(y, 2), Buffer.from([mo, d, h, mi, s])]);
