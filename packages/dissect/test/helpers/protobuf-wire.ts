/**
 * Protobuf fields as bytes (the wire format of protobuf's "Encoding" guide), for tests that
 * build messages by hand: each helper returns one field, tag included; a message is their concat.
 */

export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const tag = (field: number, wire: number): Buffer => varint(field * 8 + wire);

export const pbVarint = (field: number, v: number | bigint): Buffer => Buffer.concat([tag(field, 0), varint(v)]);

export function pbLen(field: number, payload: Buffer | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([tag(field, 2), varint(p.length), p]);
}

export function pbFixed64(field: number, v: bigint | number, asDouble = false): Buffer {
  const b = Buffer.alloc(8);
  if (asDouble) b.writeDoubleLE(Number(v));
  else b.writeBigUInt64LE(BigInt(v));
  return Buffer.concat([tag(field, 1), b]);
}

export function pbFixed32(field: number, v: number, asFloat = false): Buffer {
  const b = Buffer.alloc(4);
  if (asFloat) b.writeFloatLE(v);
  else b.writeUInt32LE(v);
  return Buffer.concat([tag(field, 5), b]);
}

/** A group (wire types 3 and 4 around its fields). */
export const pbGroup = (field: number, ...fields: Buffer[]): Buffer => Buffer.concat([tag(field, 3), ...fields, tag(field, 4)]);

/** One gRPC Length-Prefixed-Message: Compressed-Flag, Message-Length, Message. */
export function grpcFrame(message: Buffer, compressed = false): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = compressed ? 1 : 0;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}
