import type { EntryPosition } from '@shoal/dissect';
import type { OutputSink } from '../output/output-sink.js';
import type { ShardBatch } from './shard-messages.js';

const INITIAL_BYTES = 256 * 1024;

/**
 * A shard's output: formatted entries gathered in one buffer, with where each ends and the
 * position it was emitted at, handed to the main thread by `take` (the buffers are transferred,
 * not copied).
 */
export class BatchWriter implements OutputSink {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private used = 0;
  private ends: number[] = [];
  private keys: number[] = [];

  write(text: string): void {
    this.ensure(text.length * 3);
    this.used += this.buffer.write(text, this.used);
  }

  reserve(n: number): Buffer {
    this.ensure(n);
    return this.buffer;
  }

  get at(): number {
    return this.used;
  }

  commit(end: number): void {
    this.used = end;
  }

  /** The entry written since the last one ends here; it was emitted at `position`. */
  endEntry(position: EntryPosition): void {
    this.ends.push(this.used);
    this.keys.push(position.packet, position.phase, position.flowPacket);
  }

  /** The entries written since the last batch. */
  take(upTo: number, bytesRead: number): { batch: ShardBatch; transfer: ArrayBuffer[] } {
    // A batch without entries (a chunk of other shards' flows) keeps the buffer.
    const bytes = this.used === 0 ? new Uint8Array(0) : new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.used);
    const batch: ShardBatch = { kind: 'batch', bytes, ends: Uint32Array.from(this.ends), keys: Float64Array.from(this.keys), upTo, bytesRead };
    if (this.used > 0) this.buffer = Buffer.allocUnsafeSlow(Math.max(INITIAL_BYTES, this.used));
    this.used = 0;
    this.ends = [];
    this.keys = [];
    return { batch, transfer: [bytes.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer, batch.keys.buffer as ArrayBuffer] };
  }

  private ensure(n: number): void {
    if (this.used + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(2 * this.buffer.length, this.used + n));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}
