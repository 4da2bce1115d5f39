/**
 * The gRPC part of an entry (docs/entries.md, "gRPC"): what the dissector writes under
 * `request.grpc` and `response.grpc`, and what the dashboard's gRPC detail reads. Types only, no
 * Node-only import.
 */

/** Protobuf wire types (protobuf encoding: VARINT 0, I64 1, LEN 2, SGROUP 3 … EGROUP 4, I32 5). */
export type ProtoWireType = 'varint' | 'i64' | 'len' | 'group' | 'i32';

/**
 * One field of a protobuf message decoded without its schema: its number and wire type, and the
 * value in the forms the wire type allows (the schema would say which one is meant).
 */
export interface ProtoFieldJson {
  number: number;
  wireType: ProtoWireType;
  /**
   * `varint`: the value as unsigned (a number up to 2^53, else a decimal string); `i32`: the
   * 32 bits as unsigned; `i64`: the 64 bits as an unsigned decimal string.
   */
  value?: number | string;
  /**
   * `i32` / `i64`: the same bits as an IEEE 754 float / double, when that reading is plausible
   * (0, or a magnitude from 1e-6 to 1e9 for a float, 1e-9 to 1e15 for a double).
   */
  float?: number;
  double?: number;
  /** `len`: the payload's length in bytes. */
  length?: number;
  /** `len` that parses as one whole message, and `group`: its fields. */
  fields?: ProtoFieldJson[];
  /** `len` that is UTF-8 text. */
  string?: string;
  /** `len` that is neither: base64. */
  bytes?: string;
}

/** One length-prefixed message of a call (gRPC over HTTP/2, "Length-Prefixed-Message"). */
export interface GrpcMessageJson {
  /** Milliseconds from the entry's timestamp to the message's first byte. */
  at: number;
  /** The Compressed-Flag: the message is compressed with the side's `grpc-encoding`. */
  compressed: boolean;
  /** Message-Length: bytes of the message on the wire. */
  length: number;
  /** Bytes after decompression, when it was compressed and decoded whole. */
  decodedLength?: number;
  /** The message as protobuf fields (no schema). */
  fields?: ProtoFieldJson[];
  /** The message as text: `application/grpc+json`, or UTF-8 bytes that are not protobuf. */
  text?: string;
  /** Neither: the bytes, base64. */
  data?: string;
  /** Not all of the message is shown: over the entry's bounds, or bytes were lost. */
  truncated?: true;
  /** Why a compressed message was not decoded (unknown encoding, corrupt data). */
  decodeError?: string;
}

/** What one side of a call sent, besides its HTTP/2 fields. */
export interface GrpcSideJson {
  /** `grpc-encoding` of this side. */
  encoding?: string;
  /** Messages shown, in order (at most the entry's bound). */
  messages?: GrpcMessageJson[];
  /** Messages this side sent (a message cut by the end of the stream included). */
  messageCount: number;
  /** Messages past the entry's bounds: counted, not shown. */
  dropped?: { count: number; bytes: number };
  /** Bytes of this side were lost where the message framing could not be followed: counts are a minimum. */
  incomplete?: true;
}

export interface GrpcRequestJson extends GrpcSideJson {
  /** From `:path` `/<service>/<method>`. */
  service: string;
  method: string;
  /** `grpc-timeout` as sent, e.g. `1S`. */
  timeout?: string;
}

export interface GrpcResponseJson extends GrpcSideJson {
  /** `grpc-status` (trailers, or the headers of a Trailers-Only response). */
  status?: number;
  /** Its name, e.g. `NOT_FOUND`. */
  statusName?: string;
  /** `grpc-message`, percent-decoded. */
  message?: string;
  /** The response was Trailers-Only: one header block, no messages. */
  trailersOnly?: true;
}
