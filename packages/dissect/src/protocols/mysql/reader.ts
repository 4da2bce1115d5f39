/**
 * One direction's bytes → MySQL packets (packets.ts has the grammar), incremental over any
 * chunking: the 4-byte header may be cut anywhere and resumes with the next chunk. A payload of
 * 2^24-1 bytes continues in the next packet: the pieces are passed on as one packet (its sequence
 * number the first piece's).
 *
 * Payloads are passed on as they are kept: at most `keep(seq, length)` bytes of each (the sink
 * decides: a query's text up to a cap, nothing but the first byte of a row in detail `summary`),
 * a view of the chunk when the packet lies in it, joined once otherwise. The rest is counted,
 * never held.
 *
 * Losses: a gap inside a packet whose length is known costs only that packet (passed on as far as
 * it arrived, marked DIS_ERR_GAP); the next one starts where the length says. A gap at or across a
 * packet boundary loses the framing: the bytes after it are searched, one position at a time, for
 * a packet the probe's judge accepts (probe.ts), so where the search lands depends only on the
 * bytes.
 *
 * The sink may pause the reader inside `packet` (TLS after an SSLRequest): the rest of the chunk
 * and later chunks are then held, untouched, for `takeHeld`.
 */

import { ErrorCodes } from '@shoal/model';
import { StartSearch } from '../../start-search.js';
import { KeptBytes } from '../kept-bytes.js';
import { judgePacket, type Sender } from './probe.js';

export interface MyPacket {
  sequence: number;
  /** The payload's first bytes as kept. */
  payload: Buffer;
  /** The payload's length on the wire (all pieces of a continued one). */
  length: number;
  /** Bytes on the wire, headers included. */
  wireSize: number;
  startTs: number;
  endTs: number;
  /** DIS_ERR_GAP (bytes of it lost), DIS_ERR_TRUNCATED (the direction ended inside it), or null. */
  problem: string | null;
}

export interface PacketSink {
  /** How many payload bytes of a packet of `sequence` (payload `length` bytes) to keep. */
  keep(sequence: number, length: number): number;
  /** A whole packet (or as much as arrived). The object is reused: copy what is kept. */
  packet(p: MyPacket): void;
  /** The framing was lost: packets may have gone by unseen. */
  desync(ts: number): void;
}

const enum State {
  Head,
  Body,
  Seek,
}

/** A payload this long continues in the next packet. */
const CONTINUED = 0xffffff;
/** Held while searching for a packet start, from the first position not yet ruled out. */
const SEARCH_HOLD = 8 * 1024;
const EMPTY = Buffer.alloc(0);

export class PacketReader {
  private state = State.Head;
  private readonly scratch = Buffer.alloc(4);
  private filled = 0;
  private readonly current: MyPacket = { sequence: 0, payload: EMPTY, length: 0, wireSize: 0, startTs: 0, endTs: 0, problem: null };
  /** Payload bytes of the piece still to come. */
  private left = 0;
  /** A continued packet: its next piece belongs to it. */
  private continued = false;
  /** The packet's payload bytes kept, over all its pieces. */
  private readonly payload = new KeptBytes();
  private holed = false;
  private readonly search: StartSearch;
  private paused = false;
  private held: Buffer[] = [];

  constructor(
    sender: Sender,
    private readonly sink: PacketSink,
  ) {
    this.search = new StartSearch((bytes) => judgePacket(bytes, sender, SEARCH_HOLD, true));
  }

  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.paused) {
        this.held.push(pos === 0 ? chunk : chunk.subarray(pos));
        return;
      }
      if (this.state === State.Head) pos = this.readHead(chunk, pos, ts);
      else if (this.state === State.Body) pos = this.readBody(chunk, pos, ts);
      else pos = this.seek(chunk, pos, ts);
    }
  }

  /** `length` bytes of this direction were lost. */
  gap(length: number, ts: number): void {
    if (this.paused) {
      this.held = [];
      return;
    }
    if (this.state === State.Body) {
      this.holed = true;
      this.current.endTs = ts;
      const lost = Math.min(length, this.left);
      this.left -= lost;
      this.payload.skip(lost);
      if (this.left > 0) return;
      this.endPiece(ts);
      if (length === lost) return;
    } else if (this.state === State.Seek) {
      this.search.reset();
      return;
    }
    this.lose(ts);
  }

  /** The direction ended: a packet still being read is cut short. */
  end(ts: number): void {
    if (this.state === State.Body || this.continued) {
      this.current.endTs = ts;
      this.continued = false;
      this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : ErrorCodes.DIS_ERR_TRUNCATED);
    }
    this.filled = 0;
  }

  /** Stop reading: bytes are held for `takeHeld`. */
  pause(): void {
    this.paused = true;
  }

  takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private readHead(chunk: Buffer, pos: number, ts: number): number {
    if (this.filled === 0 && pos + 4 <= chunk.length) {
      this.begin(chunk, pos, ts);
      return pos + 4;
    }
    const take = Math.min(4 - this.filled, chunk.length - pos);
    chunk.copy(this.scratch, this.filled, pos, pos + take);
    this.filled += take;
    if (this.filled === 4) {
      this.filled = 0;
      this.begin(this.scratch, 0, ts);
    }
    return pos + take;
  }

  private begin(buf: Buffer, at: number, ts: number): void {
    const p = this.current;
    const length = buf.readUIntLE(at, 3);
    const first = !this.continued;
    if (first) {
      // A continued payload keeps its first piece's sequence number (a command's is 0).
      p.sequence = buf[at + 3]!;
      p.startTs = ts;
      p.length = 0;
      p.wireSize = 0;
      this.holed = false;
    }
    p.length += length;
    p.wireSize += 4 + length;
    p.endTs = ts;
    this.left = length;
    this.continued = length === CONTINUED;
    // The keep is decided once per packet, on its first piece.
    if (first) this.payload.start(Math.min(this.sink.keep(p.sequence, length), length === CONTINUED ? Infinity : length));
    if (length === 0) this.endPiece(ts);
    else this.state = State.Body;
  }

  private readBody(chunk: Buffer, pos: number, ts: number): number {
    const take = Math.min(this.left, chunk.length - pos);
    this.payload.add(chunk, pos, pos + take);
    this.left -= take;
    this.current.endTs = ts;
    if (this.left === 0) this.endPiece(ts);
    return pos + take;
  }

  /** A piece ended: the packet ends too, unless it continues in the next piece. */
  private endPiece(ts: number): void {
    this.state = State.Head;
    this.current.endTs = ts;
    if (!this.continued) this.finish(this.holed ? ErrorCodes.DIS_ERR_GAP : null);
  }

  private finish(problem: string | null): void {
    const p = this.current;
    p.payload = this.payload.take();
    p.problem = problem;
    this.state = State.Head;
    this.sink.packet(p);
  }

  private lose(ts: number): void {
    this.filled = 0;
    this.payload.clear();
    this.continued = false;
    this.state = State.Seek;
    this.search.reset();
    this.sink.desync(ts);
  }

  /** Look for a packet start from `chunk[pos]` (start-search.ts). */
  private seek(chunk: Buffer, pos: number, ts: number): number {
    const found = this.search.scan(chunk, pos, ts);
    if (found === null) return chunk.length;
    this.state = State.Head;
    if (found.replay !== null) this.push(found.replay, found.replayTs);
    return found.resume;
  }
}
