/**
 * One direction's bytes → frame events (frames.ts), incremental over any chunking: each state
 * returns early when too few bytes are there and resumes with the next chunk, so a header split
 * anywhere (even between the octets of its extended length or masking key) reads the same.
 *
 * States: a frame header (2 to 14 octets gathered), a payload (passed on as it arrives, never
 * held), and Seeking: frame sync lost, because bytes were lost across a frame boundary (a capture
 * gap whose length runs past the payload being read) or a length no frame can have. WebSocket
 * has no marker to find a frame by, so the search holds the bytes and takes the first offset
 * where a header that keeps every rule of frames.ts (for this sender, with the negotiated RSV
 * bits) is confirmed by the header after its payload, and, for an uncompressed text frame, by
 * payload octets that are UTF-8. What decides an offset is the SEEK_WINDOW octets from it, never
 * how they were cut. A gap inside a payload keeps sync: its length is known.
 */

import { isUtf8 } from 'node:buffer';
import {
  MAX_HEADER,
  Opcode,
  decodeHeader,
  emptyHeader,
  headerLength,
  headerProblem,
  payloadLength,
  plausibleStart,
  unmask,
  type FrameHeader,
} from './frames.js';
import { withoutPartialUtf8Tail } from '../../utf8.js';

export interface FrameSink {
  /** A frame begins; `problem`: the rule of §5 its header breaks (frames.ts headerProblem), or null. */
  frameStart(header: FrameHeader, ts: number, problem: string | null): void;
  /**
   * The next octets of its payload as they are on the wire (masked, from a client), arrived at
   * `ts`: `offset` is the position of `raw[0]` in the payload, for unmasking (frames.ts unmask).
   * A view of the chunk.
   */
  payload(raw: Buffer, offset: number, ts: number): void;
  /** `n` octets of its payload fell in a capture gap. */
  payloadLost(n: number): void;
  /** Its last octet arrived (or was lost) at `ts`. */
  frameEnd(ts: number): void;
  /** Frame sync was lost: frames may have gone by unseen. */
  desync(): void;
}

const ReadState = {
  HEADER: 0,
  PAYLOAD: 1,
  SEEKING: 2,
} as const;
type ReadState = (typeof ReadState)[keyof typeof ReadState];

/** Octets from a candidate offset that decide it while seeking (header, payload, next header). */
const SEEK_WINDOW = 64 * 1024;
/** Payload octets of a text frame checked for UTF-8 while seeking. */
const SEEK_TEXT_CHECK = 256;
/** The longest frame a search accepts: longer "lengths" are noise. */
const SEEK_MAX_LENGTH = 2 ** 31;

type Verdict = 'accept' | 'reject' | 'wait';

export class FrameReader {
  private state: ReadState = ReadState.HEADER;
  private readonly scratch = Buffer.alloc(MAX_HEADER);
  private filled = 0;
  private readonly header: FrameHeader = emptyHeader();
  private got = 0;
  private startTs = 0;
  /** Seeking: the bytes held, from the first offset not yet ruled out. */
  private held: Buffer = Buffer.alloc(0);
  /** Octets given up while seeking (not framed). */
  unframed = 0;

  constructor(
    private readonly fromClient: boolean,
    private readonly rsv1Allowed: boolean,
    private readonly sink: FrameSink,
  ) {}

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === ReadState.HEADER) pos = this.readHeader(chunk, pos, ts);
      else if (this.state === ReadState.PAYLOAD) pos = this.readPayload(chunk, pos, ts);
      else {
        this.seek(chunk.subarray(pos), ts);
        return;
      }
    }
  }

  /** `length` bytes of this direction were lost, declared at `ts`. */
  gap(length: number, ts: number): void {
    if (this.state === ReadState.PAYLOAD) {
      const left = this.header.length - this.got;
      const lost = Math.min(left, length);
      this.got += lost;
      this.sink.payloadLost(lost);
      if (lost === left) {
        this.state = ReadState.HEADER;
        this.sink.frameEnd(ts);
      }
      if (length <= left) return;
    } else if (this.state === ReadState.SEEKING) {
      // The held bytes and the next ones are not contiguous: nothing held can be confirmed.
      this.unframed += this.held.length;
      this.held = Buffer.alloc(0);
      return;
    }
    this.loseSync();
  }

  /** The frame being read, if any: the connection ended inside it. */
  get inFrame(): boolean {
    return this.state === ReadState.PAYLOAD || (this.state === ReadState.HEADER && this.filled > 0);
  }

  private readHeader(chunk: Buffer, pos: number, ts: number): number {
    if (this.filled === 0) this.startTs = ts;
    const s = this.scratch;
    if (this.filled < 2) {
      const take = Math.min(2 - this.filled, chunk.length - pos);
      chunk.copy(s, this.filled, pos, pos + take);
      this.filled += take;
      pos += take;
      if (this.filled < 2) return pos;
    }
    const need = headerLength(s[1]!);
    const take = Math.min(need - this.filled, chunk.length - pos);
    chunk.copy(s, this.filled, pos, pos + take);
    this.filled += take;
    pos += take;
    if (this.filled < need) return pos;
    this.filled = 0;
    const h = this.header;
    if (!decodeHeader(s, 0, h)) {
      // A length no frame can have: these octets were not a header. Search from the next one.
      const rest = Buffer.from(s.subarray(1, need));
      this.loseSync();
      this.unframed += 1;
      this.seek(rest, ts);
      return pos;
    }
    this.got = 0;
    this.sink.frameStart(h, this.startTs, headerProblem(h, this.fromClient, this.rsv1Allowed));
    if (h.length === 0) this.sink.frameEnd(ts);
    else this.state = ReadState.PAYLOAD;
    return pos;
  }

  private readPayload(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.header.length - this.got, chunk.length - pos);
    this.sink.payload(pos === 0 && take === chunk.length ? chunk : chunk.subarray(pos, pos + take), this.got, ts);
    this.got += take;
    if (this.got === this.header.length) {
      this.state = ReadState.HEADER;
      this.sink.frameEnd(ts);
    }
    return pos + take;
  }

  private loseSync(): void {
    this.filled = 0;
    this.held = Buffer.alloc(0);
    this.state = ReadState.SEEKING;
    this.sink.desync();
  }

  /** Seeking: hold the bytes and take the first offset that the octets after it confirm. */
  private seek(chunk: Buffer, ts: number): void {
    if (chunk.length === 0) return;
    const buf = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    let at = 0;
    for (;;) {
      const verdict = this.candidate(buf, at);
      if (verdict === 'reject') {
        at++;
        continue;
      }
      this.unframed += at;
      if (verdict === 'wait') {
        this.held = buf.subarray(at);
        return;
      }
      this.held = Buffer.alloc(0);
      this.state = ReadState.HEADER;
      this.push(buf.subarray(at), ts);
      return;
    }
  }

  /** Does a frame start at `buf[at]`? Decided by the SEEK_WINDOW octets from there only. */
  private candidate(buf: Buffer, at: number): Verdict {
    if (at + 2 > buf.length) return 'wait';
    if (!plausibleStart(buf[at]!, buf[at + 1]!, this.fromClient, this.rsv1Allowed)) return 'reject';
    const hl = headerLength(buf[at + 1]!);
    if (at + hl > buf.length) return 'wait';
    const length = payloadLength(buf, at);
    if (length < 0 || length > SEEK_MAX_LENGTH) return 'reject';
    const payloadAt = at + hl;
    const opcode = buf[at]! & 0x0f;
    if (opcode === Opcode.TEXT && (buf[at]! & 0x40) === 0) {
      const check = Math.min(length, SEEK_TEXT_CHECK);
      if (payloadAt + check > buf.length) return 'wait';
      if (!textPrefix(buf, at, hl, check, length)) return 'reject';
    }
    const next = payloadAt + length;
    if (next + 2 - at > SEEK_WINDOW) return 'accept';
    if (next + 2 > buf.length) return 'wait';
    return plausibleStart(buf[next]!, buf[next + 1]!, this.fromClient, this.rsv1Allowed) ? 'accept' : 'reject';
  }
}

/** The first `check` payload octets of the text frame at `buf[at]` are UTF-8 (a cut last character allowed). */
function textPrefix(buf: Buffer, at: number, hl: number, check: number, length: number): boolean {
  const raw = buf.subarray(at + hl, at + hl + check);
  let text = raw;
  if ((buf[at + 1]! & 0x80) !== 0) {
    text = Buffer.allocUnsafe(check);
    unmask(raw, text, buf.readUInt32BE(at + hl - 4), 0);
  }
  // A frame of a fragmented message, or a prefix, may end inside a character.
  const whole = check === length && (buf[at]! & 0x80) !== 0;
  return isUtf8(text) || (!whole && isUtf8(withoutPartialUtf8Tail(text)));
}
