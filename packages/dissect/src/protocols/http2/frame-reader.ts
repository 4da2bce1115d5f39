/**
 * One direction's bytes → frames (frames.ts), incremental over any chunking: each state returns
 * early when too few bytes are there and resumes with the next chunk.
 *
 * States: the client's connection preface (24 octets, §3.4), a frame header (9 octets), a frame
 * payload (Length octets, kept as views of the chunks until complete), and Seeking: frame sync
 * lost (a capture gap across frame boundaries, bytes that are not the preface, a stream joined
 * mid-way); the reader then looks for two plausible frame headers in a row, the first one's
 * length apart, and resumes there. A gap inside a payload keeps sync: the frame is delivered
 * with the bytes it lost counted.
 */

import { FRAME_HEADER, FrameType, Flag, MAX_FRAME, PREFACE, plausibleHeader, type Frame } from './frames.js';

export interface FrameSink {
  /**
   * The direction's first frame is about to be delivered. `fromStart`: the direction was seen
   * from its first byte (the client's preface, or the server's SETTINGS first), so its HPACK
   * dynamic table starts empty and known.
   */
  begin(fromStart: boolean): void;
  /**
   * A whole frame; `lost` payload octets of it fell in a capture gap (not in `payload`). The
   * Frame object is the reader's own, reused for the next frame: keep its payload, not it.
   */
  frame(frame: Frame, lost: number): void;
  /** Frame sync was lost: what the frames in between said (HPACK insertions too) is unknown. */
  desync(): void;
}

const ReadState = {
  PREFACE: 0,
  HEADER: 1,
  PAYLOAD: 2,
  SEEKING: 3,
} as const;
type ReadState = (typeof ReadState)[keyof typeof ReadState];

/** Bytes held while seeking before the oldest are given up: two frames of the default maximum. */
const SEEK_HOLD = 2 * (16384 + FRAME_HEADER);
const EMPTY = Buffer.alloc(0);

export class FrameReader {
  private state: ReadState;
  private begun = false;
  /** Preface octets matched so far; header octets gathered so far. */
  private filled = 0;
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private length = 0;
  /** The payload's pieces so far (emptied, not replaced, for each frame). */
  private readonly parts: Buffer[] = [];
  /** The frame handed to the sink, refilled for each (a frame header costs no allocation). */
  private readonly frame: Frame = { type: 0, flags: 0, stream: 0, payload: EMPTY, startTs: 0, endTs: 0 };
  /** Payload octets received or lost so far. */
  private got = 0;
  private lost = 0;
  private startTs = 0;
  /** Seeking: the bytes held, as one buffer. */
  private held: Buffer = Buffer.alloc(0);

  constructor(
    client: boolean,
    private readonly sink: FrameSink,
  ) {
    this.state = client ? ReadState.PREFACE : ReadState.HEADER;
  }

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case ReadState.PREFACE:
          pos = this.preface(chunk, pos);
          break;
        case ReadState.HEADER:
          pos = this.frameHeader(chunk, pos, ts);
          break;
        case ReadState.PAYLOAD:
          pos = this.payload(chunk, pos, ts);
          break;
        default:
          this.seek(chunk.subarray(pos), ts);
          return;
      }
    }
  }

  /** `length` bytes of this direction were lost. */
  gap(length: number): void {
    if (this.state === ReadState.PAYLOAD && length <= this.length - this.got) {
      this.got += length;
      this.lost += length;
      if (this.got === this.length) this.deliver(this.startTs);
      return;
    }
    this.loseSync();
  }

  private preface(chunk: Buffer, pos: number): number {
    while (pos < chunk.length && this.filled < PREFACE.length) {
      if (chunk[pos] !== PREFACE[this.filled]) {
        // Not the preface: frames of a connection joined mid-way (the bytes matched so far are
        // the preface's own, not frames: only the rest is searched).
        this.filled = 0;
        this.state = ReadState.SEEKING;
        this.begun = true;
        this.sink.begin(false);
        return pos;
      }
      pos++;
      this.filled++;
    }
    if (this.filled === PREFACE.length) {
      this.filled = 0;
      this.state = ReadState.HEADER;
      this.begun = true;
      this.sink.begin(true);
    }
    return pos;
  }

  private frameHeader(chunk: Buffer, pos: number, ts: number): number {
    if (this.filled === 0) this.startTs = ts;
    const take = Math.min(FRAME_HEADER - this.filled, chunk.length - pos);
    // Nine bytes at most: a loop costs less than Buffer#copy's checks.
    const h0 = this.header;
    for (let k = 0; k < take; k++) h0[this.filled + k] = chunk[pos + k]!;
    this.filled += take;
    pos += take;
    if (this.filled < FRAME_HEADER) return pos;
    this.filled = 0;
    const h = this.header;
    this.length = h.readUIntBE(0, 3);
    if (!this.begun) {
      // The direction's first bytes (the server's, or the client's after its preface): a
      // SETTINGS frame if the connection is seen from its start; if not even a plausible frame
      // header, the capture began inside a frame: look for the next one.
      this.begun = true;
      const plausible = plausibleHeader(h, 0);
      this.sink.begin(plausible && h[3] === FrameType.SETTINGS && (h[4]! & Flag.ACK) === 0);
      if (!plausible) {
        // Nothing was in sync yet: no stream lost frames of this direction that it had.
        this.state = ReadState.SEEKING;
        this.seek(Buffer.from(h.subarray(1)), ts);
        return pos;
      }
    }
    // `parts` is empty here: each frame's are taken by deliver, and loseSync drops them.
    this.got = 0;
    this.lost = 0;
    if (this.length > MAX_FRAME) {
      this.loseSync();
      return pos;
    }
    if (this.length === 0) this.deliver(ts);
    else this.state = ReadState.PAYLOAD;
    return pos;
  }

  private payload(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.length - this.got, chunk.length - pos);
    const piece = pos === 0 && take === chunk.length ? chunk : chunk.subarray(pos, pos + take);
    this.got += take;
    // A payload within one chunk (the common case) is handed over without being gathered.
    if (this.got === take && take === this.length) this.deliver(ts, piece);
    else {
      this.parts.push(piece);
      if (this.got === this.length) this.deliver(ts);
    }
    return pos + take;
  }

  /** Hands the frame over: its payload is `whole`, else what `parts` gathered. */
  private deliver(endTs: number, whole: Buffer | null = null): void {
    const h = this.header;
    const parts = this.parts;
    const frame = this.frame;
    if (whole !== null) frame.payload = whole;
    else {
      frame.payload = parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      // Emptied in place (setting an array's length is a slow path of V8's).
      while (parts.length > 0) parts.pop();
    }
    this.state = ReadState.HEADER;
    frame.type = h[3]!;
    frame.flags = h[4]!;
    frame.stream = ((h[5]! & 0x7f) << 24) | (h[6]! << 16) | (h[7]! << 8) | h[8]!;
    frame.startTs = this.startTs;
    frame.endTs = endTs;
    this.sink.frame(frame, this.lost);
    frame.payload = EMPTY;
  }

  private loseSync(): void {
    while (this.parts.length > 0) this.parts.pop();
    this.filled = 0;
    this.held = Buffer.alloc(0);
    this.state = ReadState.SEEKING;
    this.sink.desync();
  }

  /**
   * Seeking: hold the bytes and look for a frame header confirmed by the one after it. The first
   * offset whose confirmation needs bytes not yet here is held, with everything after it.
   */
  private seek(chunk: Buffer, ts: number): void {
    if (chunk.length === 0) return;
    const buf = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    let at = 0;
    for (; at + FRAME_HEADER <= buf.length; at++) {
      if (!plausibleHeader(buf, at)) continue;
      const next = at + FRAME_HEADER + buf.readUIntBE(at, 3);
      if (next + FRAME_HEADER > buf.length) break;
      if (plausibleHeader(buf, next)) {
        this.held = Buffer.alloc(0);
        this.state = ReadState.HEADER;
        this.push(buf.subarray(at), ts);
        return;
      }
    }
    // Keep what may still start a frame, within the bound.
    this.held = buf.subarray(Math.max(at, buf.length - SEEK_HOLD));
  }
}
