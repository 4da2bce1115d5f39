/**
 * Builds RESP values for tests, byte for byte as the RESP2 and RESP3 specifications lay them out
 * (protocols/redis/resp.ts), so that a test states what is on the wire.
 */

type Part = Buffer | string;

const buf = (p: Part): Buffer => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p);
const join = (parts: readonly Part[]): Buffer => Buffer.concat(parts.map(buf));

/** A command as clients send it: an array of bulk strings. */
export const command = (...args: Part[]): Buffer => array(...args.map(bulk));

export const simple = (text: string): Buffer => buf(`+${text}\r\n`);
export const error = (text: string): Buffer => buf(`-${text}\r\n`);
export const integer = (n: number | bigint): Buffer => buf(`:${n}\r\n`);
/** A bulk string; null: RESP2's null bulk string. */
export const bulk = (data: Part | null): Buffer => (data === null ? buf('$-1\r\n') : join([`$${buf(data).length}\r\n`, data, '\r\n']));
/** An array of values; null: RESP2's null array. */
export const array = (...items: Buffer[]): Buffer => join([`*${items.length}\r\n`, ...items]);
export const nullArray = (): Buffer => buf('*-1\r\n');
export const push = (...items: Buffer[]): Buffer => join([`>${items.length}\r\n`, ...items]);
export const set = (...items: Buffer[]): Buffer => join([`~${items.length}\r\n`, ...items]);
/** A map of [key, value] pairs. */
export const map = (...pairs: [Buffer, Buffer][]): Buffer => join([`%${pairs.length}\r\n`, ...pairs.flat()]);
/** An attribute of [key, value] pairs (sent before the value it is about). */
export const attribute = (...pairs: [Buffer, Buffer][]): Buffer => join([`|${pairs.length}\r\n`, ...pairs.flat()]);
export const nil = (): Buffer => buf('_\r\n');
export const bool = (b: boolean): Buffer => buf(`#${b ? 't' : 'f'}\r\n`);
export const double = (text: string): Buffer => buf(`,${text}\r\n`);
export const bigNumber = (text: string): Buffer => buf(`(${text}\r\n`);
export const bulkError = (text: string): Buffer => join([`!${buf(text).length}\r\n`, text, '\r\n']);
export const verbatim = (format: string, text: string): Buffer => join([`=${buf(text).length + 4}\r\n`, `${format}:`, text, '\r\n']);

/** Values one after the other (a pipeline, or replies). */
export const seq = (...values: Buffer[]): Buffer => Buffer.concat(values);
