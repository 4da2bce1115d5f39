/**
 * HTTP/2 framing (RFC 9113 §4, §6): the connection preface and the frame header, and what a
 * frame header may plausibly say (used by detection and by resynchronisation after a loss).
 *
 * Client connection preface (§3.4): the 24 octets `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, then a
 * SETTINGS frame. The server's preface is a SETTINGS frame (possibly empty).
 *
 * Frame (§4.1):
 *   Length (24)  Type (8)  Flags (8)  R (1)  Stream Identifier (31)  Frame Payload (Length)
 * Payloads (§6), `[...]` present only with the flag named:
 *   DATA 0x0          [Pad Length (8)] Data [Padding]                          END_STREAM 0x1, PADDED 0x8
 *   HEADERS 0x1       [Pad Length (8)] [E (1) Stream Dependency (31) Weight (8)] Field Block Fragment [Padding]
 *                                                       END_STREAM 0x1, END_HEADERS 0x4, PADDED 0x8, PRIORITY 0x20
 *   PRIORITY 0x2      E (1) Stream Dependency (31) Weight (8)                 (5 octets)
 *   RST_STREAM 0x3    Error Code (32)                                          (4 octets)
 *   SETTINGS 0x4      (Identifier (16) Value (32))*                            ACK 0x1 (then empty)
 *   PUSH_PROMISE 0x5  [Pad Length (8)] R (1) Promised Stream ID (31) Field Block Fragment [Padding]
 *                                                       END_HEADERS 0x4, PADDED 0x8
 *   PING 0x6          Opaque Data (64)                                         ACK 0x1
 *   GOAWAY 0x7        R (1) Last-Stream-ID (31) Error Code (32) Additional Debug Data
 *   WINDOW_UPDATE 0x8 R (1) Window Size Increment (31)                        (4 octets)
 *   CONTINUATION 0x9  Field Block Fragment                                     END_HEADERS 0x4
 */

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER = 9;

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** SETTINGS_MAX_FRAME_SIZE's initial value (§6.5.2); peers rarely raise it. */
export const DEFAULT_MAX_FRAME = 16384;
/** The largest frame length there is (24 bits): what the reader accepts once in sync. */
export const MAX_FRAME = 2 ** 24 - 1;

/** Flags each frame type defines (§6); a sender leaves the others unset (§4.1). */
const DEFINED_FLAGS = [0x09, 0x2d, 0x00, 0x00, 0x01, 0x0c, 0x01, 0x00, 0x00, 0x04];

/** Error codes (§7), by value. */
const ERROR_NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `0x${code.toString(16)}`;
}

/**
 * Highest stream id taken as plausible: 2^24, eight million streams a side. Legal ids go to
 * 2^31 - 1, but a connection that far along is rare, and the bound stops bytes from inside a
 * payload (lengths and ids read out of place) from passing for a frame header.
 */
const MAX_PLAUSIBLE_STREAM = 2 ** 24;

/** Settings identifiers registered (§6.5.2; 8: RFC 8441, 9: RFC 9218). */
const MAX_SETTING = 9;

/**
 * Could a frame header start at `buf[at]` (9 octets there), as a peer following the defaults
 * would send it: a known type, only its defined flags, the stream it belongs on, the length its
 * type requires, at most the default maximum frame size, a stream id under MAX_PLAUSIBLE_STREAM.
 * Unknown types are legal (§4.1) but cannot be told from noise.
 */
export function plausibleHeader(buf: Buffer, at: number): boolean {
  const length = buf.readUIntBE(at, 3);
  const type = buf[at + 3]!;
  const flags = buf[at + 4]!;
  const stream = buf.readUInt32BE(at + 5);
  if (type > FrameType.CONTINUATION || length > DEFAULT_MAX_FRAME || stream > MAX_PLAUSIBLE_STREAM) return false;
  if ((flags & ~DEFINED_FLAGS[type]!) !== 0) return false;
  switch (type) {
    case FrameType.SETTINGS:
      return stream === 0 && length % 6 === 0 && ((flags & Flag.ACK) === 0 || length === 0);
    case FrameType.PING:
      return stream === 0 && length === 8;
    case FrameType.GOAWAY:
      return stream === 0 && length >= 8;
    case FrameType.WINDOW_UPDATE:
      return length === 4;
    case FrameType.PRIORITY:
      return stream !== 0 && length === 5;
    case FrameType.RST_STREAM:
      return stream !== 0 && length === 4;
    default:
      return stream !== 0;
  }
}

/** A SETTINGS payload whose identifiers are all registered ones (`buf[from, to)`). */
export function plausibleSettings(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i + 6 <= to; i += 6) {
    const id = buf.readUInt16BE(i);
    if (id === 0 || id > MAX_SETTING) return false;
  }
  return true;
}

/** One frame as the reader hands it on: header fields, the payload, and when it came. */
export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
  /** Capture times of its first and last byte. */
  startTs: number;
  endTs: number;
}
