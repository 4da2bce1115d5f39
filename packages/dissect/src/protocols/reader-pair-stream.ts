/**
 * What the dissectors of request/response protocols over one connection do the same way: a
 * reader per direction, driven by the StreamDissector's calls with no exception escaping. A bug
 * surfaced as an exception costs that direction its framing (the reader is told bytes were lost,
 * and searches for the next message), never the capture pipeline. Redis and AMQP use it as it is;
 * the database connections (handover-stream.ts) add the hand-over to TLS.
 */

import type { Direction, StreamDissector } from '../dissector.js';

/** A direction's reader, as the stream drives it. */
export interface ByteReader {
  push(chunk: Buffer, ts: number): void;
  gap(length: number, ts: number): void;
  end(ts: number): void;
}

export abstract class ReaderPairStream<R extends ByteReader> implements StreamDissector {
  /** Set once closed, or once a reader failed even to recover: nothing more is read. */
  protected done = false;
  /** By direction; the subclass's constructor sets them. */
  protected readers!: [R, R];
  /** What a direction's reader is told it lost after an exception. */
  protected readonly recoverGap: number = Number.MAX_SAFE_INTEGER;

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.readChunk(direction, chunk, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    try {
      this.readGap(direction, length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    try {
      this.readers[direction].end(timestampMs);
      this.ended(direction, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  abstract tick(timestampMs: number): void;
  abstract close(timestampMs: number): void;

  /** A chunk of `direction`'s bytes: its reader's. */
  protected readChunk(direction: Direction, chunk: Buffer, timestampMs: number): void {
    this.readers[direction].push(chunk, timestampMs);
  }

  /** Bytes of `direction` lost in capture. */
  protected readGap(direction: Direction, length: number, timestampMs: number): void {
    this.readers[direction].gap(length, timestampMs);
  }

  /** After `direction` ended: what waits on it will not get its answer. */
  protected ended(_direction: Direction, _timestampMs: number): void {}

  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.readers[direction].gap(this.recoverGap, timestampMs);
    } catch {
      // Give up on this stream rather than throw into the capture pipeline.
      this.done = true;
    }
  }
}
