/**
 * PostgreSQL messages as bytes, for tests (the grammar: src/protocols/postgresql/messages.ts):
 * typed messages from their parts, the untyped start-up messages, and the common ones by name.
 */

const cstr = (s: string): Buffer => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
const i16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** A typed message: type letter, length, body. */
export function msg(type: string, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from(type, 'latin1'), i32(b.length + 4), b]);
}

/** An untyped message: length, code, rest. */
function untyped(code: number, rest: Buffer): Buffer {
  return Buffer.concat([i32(8 + rest.length), i32(code), rest]);
}

export const startup = (params: Record<string, string>): Buffer => untyped(3 << 16, Buffer.concat([...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), Buffer.from([0])]));
export const sslRequest = (): Buffer => untyped(80877103, Buffer.alloc(0));
export const gssencRequest = (): Buffer => untyped(80877104, Buffer.alloc(0));
export const cancelRequest = (pid: number, key: number): Buffer => untyped(80877102, Buffer.concat([i32(pid), i32(key)]));

// Frontend.
export const query = (sql: string): Buffer => msg('Q', cstr(sql));
export const parse = (name: string, sql: string, types: number[] = []): Buffer => msg('P', cstr(name), cstr(sql), i16(types.length), ...types.map(i32));
export const bind = (portal: string, statement: string, values: Array<string | null>): Buffer =>
  msg('B', cstr(portal), cstr(statement), i16(0), i16(values.length), ...values.map((v) => (v === null ? i32(-1) : Buffer.concat([i32(Buffer.byteLength(v)), Buffer.from(v)]))), i16(0));
export const describe = (what: 'S' | 'P', name: string): Buffer => msg('D', Buffer.from(what), cstr(name));
export const execute = (portal: string, maxRows = 0): Buffer => msg('E', cstr(portal), i32(maxRows));
export const closeTarget = (what: 'S' | 'P', name: string): Buffer => msg('C', Buffer.from(what), cstr(name));
export const sync = (): Buffer => msg('S');
export const flush = (): Buffer => msg('H');
export const terminate = (): Buffer => msg('X');
export const password = (text: string): Buffer => msg('p', cstr(text));
export const copyData = (data: string): Buffer => msg('d', Buffer.from(data));
export const copyDone = (): Buffer => msg('c');

// Backend.
export const authOk = (): Buffer => msg('R', i32(0));
export const authCleartext = (): Buffer => msg('R', i32(3));
export const parameterStatus = (name: string, value: string): Buffer => msg('S', cstr(name), cstr(value));
export const backendKey = (pid: number, key: number): Buffer => msg('K', i32(pid), i32(key));
export const ready = (status: 'I' | 'T' | 'E' = 'I'): Buffer => msg('Z', Buffer.from(status));
export const rowDescription = (columns: Array<[string, number]>): Buffer =>
  msg('T', i16(columns.length), ...columns.flatMap(([name, oid]) => [cstr(name), i32(0), i16(0), i32(oid), i16(-1), i32(-1), i16(0)]));
export const dataRow = (values: Array<string | null>): Buffer =>
  msg('D', i16(values.length), ...values.map((v) => (v === null ? i32(-1) : Buffer.concat([i32(Buffer.byteLength(v)), Buffer.from(v)]))));
export const commandComplete = (tag: string): Buffer => msg('C', cstr(tag));
export const emptyQuery = (): Buffer => msg('I');
export const portalSuspended = (): Buffer => msg('s');
export const parseComplete = (): Buffer => msg('1');
export const bindComplete = (): Buffer => msg('2');
export const closeComplete = (): Buffer => msg('3');
export const noData = (): Buffer => msg('n');
export const copyOut = (columns: number): Buffer => msg('H', Buffer.from([0]), i16(columns), ...Array.from({ length: columns }, () => i16(0)));
export const copyIn = (columns: number): Buffer => msg('G', Buffer.from([0]), i16(columns), ...Array.from({ length: columns }, () => i16(0)));
export const notification = (pid: number, channel: string, payload: string): Buffer => msg('A', i32(pid), cstr(channel), cstr(payload));

/** ErrorResponse ('E') or NoticeResponse ('N') with severity, SQLSTATE and message. */
export const fields = (type: 'E' | 'N', severity: string, code: string, message: string): Buffer =>
  msg(type, Buffer.from('S'), cstr(severity), Buffer.from('V'), cstr(severity), Buffer.from('C'), cstr(code), Buffer.from('M'), cstr(message), Buffer.from([0]));
export const error = (code: string, message: string, severity = 'ERROR'): Buffer => fields('E', severity, code, message);
export const notice = (code: string, message: string): Buffer => fields('N', 'NOTICE', code, message);
