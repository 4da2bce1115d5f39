/**
 * WebSocket framing (RFC 6455 §5.2), and what a frame header may plausibly say (used by
 * detection and by resynchronisation after a loss).
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-------+-+-------------+-------------------------------+
 *   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *   | |1|2|3|       |K|             |                               |
 *   +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *   |     Extended payload length continued, if payload len == 127  |
 *   + - - - - - - - - - - - - - - - +-------------------------------+
 *   |                               | Masking-key, if MASK set to 1 |
 *   +-------------------------------+-------------------------------+
 *   | Masking-key (continued)       |          Payload Data         |
 *   +-------------------------------- - - - - - - - - - - - - - - - +
 *
 * - Payload len 0–125 is the length; 126: the next 2 octets are; 127: the next 8 are (their most
 *   significant bit 0). Network byte order.
 * - Opcodes: 0 continuation, 1 text, 2 binary, 3–7 reserved (data), 8 close, 9 ping, 10 pong,
 *   11–15 reserved (control) (§5.2, §11.8).
 * - Control frames (opcode ≥ 8, §5.5): FIN set, payload at most 125 octets; they may come between
 *   the fragments of a data message (§5.4).
 * - MASK: set on every frame a client sends, clear on every frame a server sends (§5.1); payload
 *   octet i is XORed with masking-key octet i mod 4 (§5.3).
 * - RSV1: the message is compressed, on its first frame only, when permessage-deflate was
 *   negotiated (RFC 7692 §6). RSV2 and RSV3: no extension this dissector knows sets them.
 */

export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export const FIN = 0x80;
export const RSV1 = 0x40;
const RSV23 = 0x30;
export const MASK = 0x80;
/** The largest payload a control frame may carry (§5.5). */
export const MAX_CONTROL_PAYLOAD = 125;
/** The longest frame header: 2 + 8 (64-bit length) + 4 (masking key). */
export const MAX_HEADER = 14;

/** Names of the opcodes an entry shows (`opcode`); a reserved one is `reserved-<n>`. */
const OPCODE_NAMES: Readonly<Record<number, string>> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `reserved-${opcode}`;
}

export const isControl = (opcode: number): boolean => opcode >= 0x8;
const isKnown = (opcode: number): boolean => opcode <= Opcode.BINARY || (opcode >= Opcode.CLOSE && opcode <= Opcode.PONG);

export interface FrameHeader {
  fin: boolean;
  /** RSV1 set: a compressed message's first frame (permessage-deflate). */
  rsv1: boolean;
  /** RSV2 or RSV3 set. */
  rsvOther: boolean;
  opcode: number;
  masked: boolean;
  /** The masking key as four octets in one number, octet 0 most significant; 0 when not masked. */
  maskKey: number;
  /** Payload octets. */
  length: number;
  /** Octets of the header itself (2 to 14). */
  headerLength: number;
}

/** The length of the header that starts with octet `second` (the MASK / payload len octet). */
export function headerLength(second: number): number {
  const len7 = second & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((second & MASK) !== 0 ? 4 : 0);
}

/**
 * The payload length of the header at `buf[at]`, whose headerLength octets are all there; -1 when
 * a 64-bit length has its most significant bit set or is beyond what a double holds exactly.
 */
export function payloadLength(buf: Buffer, at: number): number {
  const len7 = buf[at + 1]! & 0x7f;
  if (len7 < 126) return len7;
  if (len7 === 126) return buf.readUInt16BE(at + 2);
  const high = buf.readUInt32BE(at + 2);
  if (high >= 0x200000) return -1;
  return high * 0x100000000 + buf.readUInt32BE(at + 6);
}

/** Decodes the header at `buf[at]` (headerLength octets there) into `out`; false for a bad length. */
export function decodeHeader(buf: Buffer, at: number, out: FrameHeader): boolean {
  const b0 = buf[at]!;
  const b1 = buf[at + 1]!;
  const length = payloadLength(buf, at);
  if (length < 0) return false;
  out.fin = (b0 & FIN) !== 0;
  out.rsv1 = (b0 & RSV1) !== 0;
  out.rsvOther = (b0 & RSV23) !== 0;
  out.opcode = b0 & 0x0f;
  out.masked = (b1 & MASK) !== 0;
  out.headerLength = headerLength(b1);
  out.maskKey = out.masked ? buf.readUInt32BE(at + out.headerLength - 4) : 0;
  out.length = length;
  return true;
}

export function emptyHeader(): FrameHeader {
  return { fin: false, rsv1: false, rsvOther: false, opcode: 0, masked: false, maskKey: 0, length: 0, headerLength: 2 };
}

/**
 * What a header breaks of §5 (and RFC 7692 §6.1), or null: the first octet's RSV bits and opcode,
 * the MASK bit for the sender, and a control frame's FIN and length. `rsv1Allowed`: compression
 * was negotiated (or the handshake was not seen). A stream in sync keeps following the lengths of
 * a frame that breaks a rule (the entry says so); one that searches for sync skips it.
 */
export function headerProblem(h: FrameHeader, fromClient: boolean, rsv1Allowed: boolean): string | null {
  if (!isKnown(h.opcode)) return `reserved opcode ${h.opcode}`;
  if (h.rsvOther) return 'RSV2 or RSV3 set';
  if (h.rsv1 && (!rsv1Allowed || h.opcode === Opcode.CONTINUATION || isControl(h.opcode))) return 'RSV1 set where no extension allows it';
  if (h.masked !== fromClient) return fromClient ? 'a client frame not masked' : 'a server frame masked';
  if (isControl(h.opcode) && (!h.fin || h.length > MAX_CONTROL_PAYLOAD)) return 'a control frame fragmented or over 125 bytes';
  return null;
}

/**
 * A cheap look at the first two octets of a frame, for confirming a header found while searching:
 * a known opcode with the RSV bits it may carry, and the MASK bit of the sender.
 */
export function plausibleStart(b0: number, b1: number, fromClient: boolean, rsv1Allowed: boolean): boolean {
  const opcode = b0 & 0x0f;
  if (!isKnown(opcode) || (b0 & RSV23) !== 0) return false;
  if ((b0 & RSV1) !== 0 && (!rsv1Allowed || opcode === Opcode.CONTINUATION || isControl(opcode))) return false;
  if (((b1 & MASK) !== 0) !== fromClient) return false;
  return !isControl(opcode) || ((b0 & FIN) !== 0 && (b1 & 0x7f) <= MAX_CONTROL_PAYLOAD);
}

/**
 * XORs `src` with the masking key into `dst` (§5.3); `offset` is the position of `src[0]` in the
 * frame's payload, so a payload unmasked in pieces comes out the same.
 */
export function unmask(src: Buffer, dst: Buffer, key: number, offset: number): void {
  const k0 = key >>> 24;
  const k1 = (key >>> 16) & 0xff;
  const k2 = (key >>> 8) & 0xff;
  const k3 = key & 0xff;
  const keys = [k0, k1, k2, k3];
  for (let i = 0; i < src.length; i++) dst[i] = src[i]! ^ keys[(offset + i) & 3]!;
}
