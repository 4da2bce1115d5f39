/**
 * AMQP 0-9-1 framing (amqp0-9-1.pdf §4.2.2, §4.2.3): a client opens with the protocol header,
 * then both sides send frames:
 *
 *   protocol-header = "AMQP" %d0 %d0 %d9 %d1
 *   frame           = type:8 channel:16 size:32 payload{size} frame-end
 *   type            = 1 method | 2 content header | 3 content body | 8 heartbeat
 *   frame-end       = %xCE
 *
 * One direction's bytes → frames, incremental over any chunking: the 7-octet header is gathered
 * across chunks, the payload passed over as it comes, its first octets kept (a body frame's up
 * to the body cap, any other frame's up to CONTROL_KEEP), and the frame-end checked.
 *
 * Losses: a gap inside a payload keeps the framing (its size is known); the frame is marked
 * DIS_ERR_GAP. A gap elsewhere, or a frame whose end octet is not 0xCE or whose type is unknown,
 * loses it: the following bytes are searched, one position at a time, for a frame whose end
 * octet is where its size says and after which another frame's header begins; what decides a
 * position is the bytes from it, never how they were cut.
 */

import { ErrorCodes } from '@shoal/model';
import { StartSearch } from '../../start-search.js';
import { KeptBytes } from '../kept-bytes.js';

export const FrameType = { METHOD: 1, HEADER: 2, BODY: 3, HEARTBEAT: 8 } as const;

export const PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
const FRAME_END = 0xce;
const HEADER_SIZE = 7;
/** Octets kept of a frame other than a body frame. */
export const CONTROL_KEEP = 64 * 1024;
/** Octets held while searching: the largest frame a search can confirm (RabbitMQ's frame-max is 128 KiB). */
const SEEK_HOLD = 256 * 1024;

export interface Frame {
  type: number;
  channel: number;
  size: number;
  /** The payload as far as kept. */
  payload: Buffer;
  whole: boolean;
  startTs: number;
  endTs: number;
  /** DIS_ERR_GAP, DIS_ERR_TRUNCATED, DIS_ERR_SYNTAX (no frame-end) or null. */
  problem: string | null;
}

export interface FrameSink {
  frame(f: Frame): void;
  /** The protocol header the client opened with (`ok`: it is 0-9-1's). */
  protocolHeader(ok: boolean, ts: number): void;
  lost(ts: number): void;
}

const isType = (t: number): boolean => t === 1 || t === 2 || t === 3 || t === 8;

/** A frame and the next frame's type at `buf[at]`. */
function framesAt(buf: Buffer, at: number): 'yes' | 'no' | 'more' {
  if (at + HEADER_SIZE > buf.length) return at < buf.length && !isType(buf[at]!) ? 'no' : 'more';
  if (!isType(buf[at]!)) return 'no';
  const size = buf.readUInt32BE(at + 3);
  if (size > SEEK_HOLD) return 'no';
  const end = at + HEADER_SIZE + size;
  if (end >= buf.length) return 'more';
  if (buf[end] !== FRAME_END) return 'no';
  if (end + 1 >= buf.length) return 'more';
  return isType(buf[end + 1]!) ? 'yes' : 'no';
}

/** The search's judge (start-search.ts): a position still undecided with SEEK_HOLD octets from it is no frame start. */
function frameStart(bytes: Buffer): 'yes' | 'no' | 'more' {
  const verdict = framesAt(bytes, 0);
  return verdict === 'more' && bytes.length >= SEEK_HOLD ? 'no' : verdict;
}

const State = { PROTOCOL: 0, HEADER: 1, PAYLOAD: 2, END: 3, SEEK: 4 } as const;
type State = (typeof State)[keyof typeof State];

export class FrameReader {
  private state: State;
  private readonly head = Buffer.alloc(8);
  private headLength = 0;
  private type = 0;
  private channel = 0;
  private size = 0;
  private left = 0;
  private readonly payload = new KeptBytes();
  private startTs = 0;
  private endTs = 0;
  private problem: string | null = null;
  private readonly search = new StartSearch(frameStart);

  constructor(
    fromClient: boolean,
    private readonly bodyKeep: number,
    private readonly sink: FrameSink,
  ) {
    this.state = fromClient ? State.PROTOCOL : State.HEADER;
  }

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case State.PROTOCOL:
          pos = this.readProtocolHeader(chunk, pos, ts);
          break;
        case State.HEADER:
          pos = this.readHeader(chunk, pos, ts);
          break;
        case State.PAYLOAD:
          pos = this.readPayload(chunk, pos, ts);
          break;
        case State.END:
          if (chunk[pos] !== FRAME_END) {
            this.loseFraming(ErrorCodes.DIS_ERR_SYNTAX, ts);
            break;
          }
          pos++;
          this.deliver();
          break;
        case State.SEEK:
          pos = this.seek(chunk, pos, ts);
          break;
      }
    }
  }

  gap(length: number, ts: number): void {
    if (this.state === State.PAYLOAD && length <= this.left) {
      this.left -= length;
      this.payload.stop();
      this.problem = ErrorCodes.DIS_ERR_GAP;
      this.endTs = ts;
      if (this.left === 0) this.state = State.END;
      return;
    }
    if (this.state === State.SEEK) {
      this.search.reset();
      return;
    }
    this.loseFraming(ErrorCodes.DIS_ERR_GAP, ts);
  }

  end(ts: number): void {
    if (this.state === State.PAYLOAD || this.state === State.END) {
      this.endTs = ts;
      this.problem ??= ErrorCodes.DIS_ERR_TRUNCATED;
      this.deliver();
    }
    this.headLength = 0;
    this.search.reset();
    if (this.state !== State.PROTOCOL) this.state = State.HEADER;
  }

  private readProtocolHeader(chunk: Buffer, pos: number, ts: number): number {
    while (pos < chunk.length && this.headLength < 8) this.head[this.headLength++] = chunk[pos++]!;
    if (this.headLength < 8) return pos;
    this.headLength = 0;
    const ok = this.head.equals(PROTOCOL_HEADER);
    this.sink.protocolHeader(ok, ts);
    this.state = ok ? State.HEADER : State.SEEK;
    return pos;
  }

  private readHeader(chunk: Buffer, pos: number, ts: number): number {
    if (this.headLength === 0) this.startTs = ts;
    const take = Math.min(HEADER_SIZE - this.headLength, chunk.length - pos);
    chunk.copy(this.head, this.headLength, pos, pos + take);
    this.headLength += take;
    pos += take;
    if (this.headLength < HEADER_SIZE) return pos;
    this.headLength = 0;
    this.type = this.head[0]!;
    if (!isType(this.type)) {
      // Not a frame header: search from its second octet.
      const rest = Buffer.from(this.head.subarray(1, HEADER_SIZE));
      this.loseFraming(ErrorCodes.DIS_ERR_SYNTAX, ts);
      this.search.startFrom(rest, ts);
      return pos;
    }
    this.channel = this.head.readUInt16BE(1);
    this.size = this.left = this.head.readUInt32BE(3);
    this.payload.start(Math.min(this.size, this.type === FrameType.BODY ? this.bodyKeep : CONTROL_KEEP));
    this.problem = null;
    this.endTs = ts;
    this.state = this.size === 0 ? State.END : State.PAYLOAD;
    return pos;
  }

  private readPayload(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    this.payload.add(chunk, pos, pos + take);
    this.left -= take;
    this.endTs = ts;
    if (this.left === 0) this.state = State.END;
    return pos + take;
  }

  private deliver(): void {
    const whole = this.payload.length === this.size && this.problem === null;
    const f: Frame = {
      type: this.type,
      channel: this.channel,
      size: this.size,
      payload: this.payload.take(),
      whole,
      startTs: this.startTs,
      endTs: this.endTs,
      problem: this.problem,
    };
    this.state = State.HEADER;
    this.sink.frame(f);
  }

  private loseFraming(code: string, ts: number): void {
    if (this.state === State.PAYLOAD || this.state === State.END) {
      this.problem = code;
      this.endTs = ts;
      this.deliver();
    }
    this.headLength = 0;
    this.state = State.SEEK;
    this.search.reset();
    this.sink.lost(ts);
  }

  /** Look for a frame start from `chunk[pos]` (start-search.ts). */
  private seek(chunk: Buffer, pos: number, ts: number): number {
    const found = this.search.scan(chunk, pos, ts);
    if (found === null) return chunk.length;
    this.state = State.HEADER;
    if (found.replay !== null) this.push(found.replay, found.replayTs);
    return found.resume;
  }
}
