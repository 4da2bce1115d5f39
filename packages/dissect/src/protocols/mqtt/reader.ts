/**
 * One direction's bytes → MQTT control packets (packets.ts), incremental over any chunking: the
 * fixed header (a type byte and a Remaining Length of one to four bytes) is gathered across
 * chunks, then the packet's remaining octets are passed over as they come, the first ones kept:
 * a PUBLISH's up to the body cap (its payload is the application's message), any other packet's
 * up to CONTROL_KEEP (their fields are small; a CONNECT's will payload need not be whole).
 *
 * Losses: a gap inside a packet keeps the framing (its length is known); the packet is marked
 * DIS_ERR_GAP. A gap across a packet boundary, or a header that breaks §2.1 (reserved type,
 * wrong flags, a Remaining Length of five bytes), loses it: the following bytes are searched,
 * one position at a time, for a header that keeps the rules and whose packet ends where another
 * such header begins; what decides a position is the bytes from it, never how they were cut.
 */

import { ErrorCodes } from '@shoal/model';
import { MAX_REMAINING, flagsFit, varint } from './packets.js';
import { StartSearch } from '../../start-search.js';
import { KeptBytes } from '../kept-bytes.js';

export interface RawPacket {
  type: number;
  flags: number;
  /** Remaining Length: the octets after the fixed header. */
  length: number;
  /** The octets kept of them (all, or the first). */
  body: Buffer;
  /** `body` is all of them. */
  whole: boolean;
  startTs: number;
  endTs: number;
  /** Octets on the wire: the fixed header and the Remaining Length, lost ones included. */
  wireSize: number;
  /** DIS_ERR_GAP, DIS_ERR_TRUNCATED or null. */
  problem: string | null;
}

export interface PacketSink {
  packet(p: RawPacket): void;
  /** The framing was lost at `ts`: packets may have gone by unseen. */
  lost(ts: number): void;
}

/** Octets kept of a packet other than PUBLISH. */
export const CONTROL_KEEP = 64 * 1024;
/** Octets held while searching for a packet start: the longest packet a search can confirm. */
const SEEK_HOLD = 16 * 1024;

const State = { HEADER: 0, BODY: 1, SEEK: 2 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * A packet starts at `buf[at]`: its length in all (header and remaining octets), `more` when the
 * header is not all there, or null when it breaks §2.1.
 */
export function packetAt(buf: Buffer, at: number): number | 'more' | null {
  if (at >= buf.length) return 'more';
  const b = buf[at]!;
  if (!flagsFit(b >> 4, b & 0x0f)) return null;
  const len = varint(buf, at + 1);
  if (len === 'more') return 'more';
  if (len === null || len.value > MAX_REMAINING) return null;
  return 1 + len.length + len.value;
}

/** Two packets in a row start at `buf[at]`. */
function startsTwo(buf: Buffer, at: number): 'yes' | 'no' | 'more' {
  const first = packetAt(buf, at);
  if (first === null) return 'no';
  if (first === 'more') return 'more';
  if (first > SEEK_HOLD) return 'no';
  const second = packetAt(buf, at + first);
  if (second === null) return 'no';
  return second === 'more' ? 'more' : 'yes';
}

/** The search's judge (start-search.ts): a position still undecided with SEEK_HOLD octets from it is no packet start. */
function packetStart(bytes: Buffer): 'yes' | 'no' | 'more' {
  const verdict = startsTwo(bytes, 0);
  return verdict === 'more' && bytes.length >= SEEK_HOLD ? 'no' : verdict;
}

export class MqttReader {
  private state: State = State.HEADER;
  private readonly head = Buffer.alloc(5);
  private headLength = 0;
  private type = 0;
  private flags = 0;
  private length = 0;
  private left = 0;
  private readonly body = new KeptBytes();
  private startTs = 0;
  private endTs = 0;
  private problem: string | null = null;
  private readonly search = new StartSearch(packetStart);

  constructor(
    private readonly publishKeep: number,
    private readonly sink: PacketSink,
  ) {}

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === State.HEADER) pos = this.readHeader(chunk, pos, ts);
      else if (this.state === State.BODY) pos = this.readBody(chunk, pos, ts);
      else pos = this.seek(chunk, pos, ts);
    }
  }

  gap(length: number, ts: number): void {
    if (this.state === State.BODY && length <= this.left) {
      this.left -= length;
      this.body.stop();
      this.problem = ErrorCodes.DIS_ERR_GAP;
      this.endTs = ts;
      if (this.left === 0) this.deliver();
      return;
    }
    if (this.state === State.SEEK) {
      // The held bytes and the next ones are not contiguous: nothing held can be confirmed.
      this.search.reset();
      return;
    }
    this.loseFraming(ErrorCodes.DIS_ERR_GAP, ts);
  }

  /** The direction ended: a packet being read is cut short. */
  end(ts: number): void {
    if (this.state === State.BODY) {
      this.endTs = ts;
      this.problem ??= ErrorCodes.DIS_ERR_TRUNCATED;
      this.deliver();
    }
    this.state = State.HEADER;
    this.headLength = 0;
    this.search.reset();
  }

  /** A packet is being read. */
  get busy(): boolean {
    return this.state === State.BODY || (this.state === State.HEADER && this.headLength > 0);
  }

  private readHeader(chunk: Buffer, pos: number, ts: number): number {
    if (this.headLength === 0) this.startTs = ts;
    while (pos < chunk.length) {
      this.head[this.headLength++] = chunk[pos++]!;
      if (this.headLength === 1) {
        const b = this.head[0]!;
        if (!flagsFit(b >> 4, b & 0x0f)) return this.badHeader(chunk, pos, ts);
        continue;
      }
      const len = varint(this.head, 1, this.headLength);
      if (len === 'more') continue;
      if (len === null) return this.badHeader(chunk, pos, ts);
      this.type = this.head[0]! >> 4;
      this.flags = this.head[0]! & 0x0f;
      this.length = this.left = len.value;
      this.body.start(Math.min(len.value, this.type === 3 ? this.publishKeep : CONTROL_KEEP));
      this.problem = null;
      this.endTs = ts;
      this.state = State.BODY;
      if (len.value === 0) this.deliver();
      return pos;
    }
    return pos;
  }

  /** The header read does not keep §2.1: search from its second octet on. */
  private badHeader(chunk: Buffer, pos: number, ts: number): number {
    const rest = Buffer.from(this.head.subarray(1, this.headLength));
    this.headLength = 0;
    this.loseFraming(ErrorCodes.DIS_ERR_SYNTAX, ts);
    this.search.startFrom(rest, ts);
    return pos;
  }

  private readBody(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    this.body.add(chunk, pos, pos + take);
    this.left -= take;
    this.endTs = ts;
    if (this.left === 0) this.deliver();
    return pos + take;
  }

  private deliver(): void {
    const whole = this.body.length === this.length && this.left === 0 && this.problem === null;
    const headerSize = 1 + (this.length < 128 ? 1 : this.length < 16384 ? 2 : this.length < 2097152 ? 3 : 4);
    const p: RawPacket = {
      type: this.type,
      flags: this.flags,
      length: this.length,
      body: this.body.take(),
      whole,
      startTs: this.startTs,
      endTs: this.endTs,
      wireSize: headerSize + this.length,
      problem: this.problem,
    };
    this.headLength = 0;
    this.state = State.HEADER;
    this.sink.packet(p);
  }

  private loseFraming(code: string, ts: number): void {
    if (this.state === State.BODY) {
      this.problem = code;
      this.endTs = ts;
      this.deliver();
    }
    this.headLength = 0;
    this.state = State.SEEK;
    this.search.reset();
    this.sink.lost(ts);
  }

  /** Search from `chunk[pos]` for two packets in a row (start-search.ts); read on from there. */
  private seek(chunk: Buffer, pos: number, ts: number): number {
    const found = this.search.scan(chunk, pos, ts);
    if (found === null) return chunk.length;
    this.state = State.HEADER;
    if (found.replay !== null) this.push(found.replay, found.replayTs);
    return found.resume;
  }
}
