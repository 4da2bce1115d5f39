/**
 * RESP, the Redis serialization protocol (Redis documentation, "Redis serialization protocol
 * specification"; RESP3: the RESP3 specification, github.com/redis/redis-specifications
 * spec/protocol/RESP3.md). Every value starts with a type byte and ends with CRLF:
 *
 *   value        = simple / blob / aggregate / attribute value
 *   simple       = ( "+" text       ; simple string          (RESP2)
 *                  / "-" text       ; simple error           (RESP2)
 *                  / ":" integer    ; signed 64-bit integer  (RESP2)
 *                  / "_"            ; null                   (RESP3)
 *                  / "#" ("t"/"f")  ; boolean                (RESP3)
 *                  / "," double     ; 1.5, -3e2, inf, -inf, nan (RESP3)
 *                  / "(" bignum     ; arbitrary-size integer (RESP3)
 *                  ) CRLF
 *   blob         = ( "$"            ; bulk string; "$-1" CRLF is RESP2's null bulk
 *                  / "!"            ; bulk error             (RESP3)
 *                  / "="            ; verbatim string, "txt:" or "mkd:" then the text (RESP3)
 *                  ) length CRLF *OCTET{length} CRLF
 *   aggregate    = ( "*"            ; array; "*-1" CRLF is RESP2's null array
 *                  / "~"            ; set                    (RESP3)
 *                  / ">"            ; push: out-of-band data from the server (RESP3)
 *                  ) count CRLF *value{count}
 *                / "%" count CRLF *(value value){count}      ; map of count pairs (RESP3)
 *   attribute    = "|" count CRLF *(value value){count}      ; a map about the value after it (RESP3)
 *
 * Requests are arrays of bulk strings (`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`); a client may
 * also send an inline command, one line of words (`PING\r\n`, "Inline commands"). Replies and
 * pushes are any value; an attribute may precede any value, at any depth. RESP3's streamed
 * strings and aggregates (`$?`, `*?`) are not sent by Redis: they are read as a syntax error.
 */

/** A value's type is its first byte. */
export const RespType = {
  SIMPLE_STRING: 0x2b, // +
  SIMPLE_ERROR: 0x2d, // -
  INTEGER: 0x3a, // :
  BULK_STRING: 0x24, // $
  ARRAY: 0x2a, // *
  NULL: 0x5f, // _
  BOOLEAN: 0x23, // #
  DOUBLE: 0x2c, // ,
  BIG_NUMBER: 0x28, // (
  BULK_ERROR: 0x21, // !
  VERBATIM_STRING: 0x3d, // =
  MAP: 0x25, // %
  SET: 0x7e, // ~
  ATTRIBUTE: 0x7c, // |
  PUSH: 0x3e, // >
} as const;

/** Types whose value is the rest of their line. */
export function isLineType(t: number): boolean {
  return t === RespType.SIMPLE_STRING || t === RespType.SIMPLE_ERROR || t === RespType.INTEGER || t === RespType.NULL || t === RespType.BOOLEAN || t === RespType.DOUBLE || t === RespType.BIG_NUMBER;
}

/** Types whose line is a length, followed by that many octets and CRLF. */
export function isBlobType(t: number): boolean {
  return t === RespType.BULK_STRING || t === RespType.BULK_ERROR || t === RespType.VERBATIM_STRING;
}

/** Types whose line is a count of values (of pairs for a map or attribute) that follow. */
export function isAggregateType(t: number): boolean {
  return t === RespType.ARRAY || t === RespType.SET || t === RespType.PUSH || t === RespType.MAP || t === RespType.ATTRIBUTE;
}

/** Values an aggregate of `count` holds: two per pair for a map and an attribute. */
export const valuesOf = (t: number, count: number): number => (t === RespType.MAP || t === RespType.ATTRIBUTE ? 2 * count : count);

const NAMES: Readonly<Record<number, string>> = {
  [RespType.SIMPLE_STRING]: 'simple string',
  [RespType.SIMPLE_ERROR]: 'error',
  [RespType.INTEGER]: 'integer',
  [RespType.BULK_STRING]: 'bulk string',
  [RespType.ARRAY]: 'array',
  [RespType.NULL]: 'null',
  [RespType.BOOLEAN]: 'boolean',
  [RespType.DOUBLE]: 'double',
  [RespType.BIG_NUMBER]: 'big number',
  [RespType.BULK_ERROR]: 'bulk error',
  [RespType.VERBATIM_STRING]: 'verbatim string',
  [RespType.MAP]: 'map',
  [RespType.SET]: 'set',
  [RespType.ATTRIBUTE]: 'attribute',
  [RespType.PUSH]: 'push',
};

/** The type in words, as entries name it (docs/entries.md, "Redis"). */
export const typeName = (t: number): string => NAMES[t] ?? 'unknown';

/**
 * One value as read. Kept parts are bounded (reader.ts): a blob keeps its first octets, an
 * aggregate its first values; `length` is always the whole (octets of a blob, values of an
 * aggregate as its header counts them: pairs for a map), -1 for RESP2's null bulk and array.
 */
export interface RespValue {
  type: number;
  /** A line type's text (`OK`, `123`, `t`); "" for the others. */
  line: string;
  /**
   * A blob's octets as far as kept: `src[off, off + kept)` (the chunk they arrived in, without a
   * copy, or the parts joined); `src` null for the others. bytesOf makes them a Buffer.
   */
  src: Buffer | null;
  off: number;
  kept: number;
  length: number;
  /** An aggregate's values as far as kept (a map's keys and values alternate); null for the others. */
  items: RespValue[] | null;
  /** The attribute map sent before it (RESP3 `|`), if any. */
  attributes: RespValue | null;
  /** Octets or values of it (or of values inside it) were not kept. */
  cut: boolean;
}

export function newValue(type: number, line: string, length: number): RespValue {
  return { type, line, src: null, off: 0, kept: 0, length, items: null, attributes: null, cut: false };
}

/** A blob's kept octets as a Buffer (a view); null for a value that is no blob (or RESP2's null). */
export function bytesOf(v: RespValue): Buffer | null {
  return v.src === null ? null : v.src.subarray(v.off, v.off + v.kept);
}
