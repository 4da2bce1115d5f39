/** A chunk held during detection; `seq` orders chunks of both directions as they arrived. */
export interface WaitingChunk {
  chunk: Buffer;
  tsMs: number;
  seq: number;
}

/** Bytes known to be lost before detection ended, told to the dissector once one is chosen. */
export interface LossMarker {
  length: number;
  tsMs: number;
  seq: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * The bytes one direction shows while detection decides, in order, and the window the probes
 * see. The window is built incrementally: each byte is copied into it at most once, so a sender
 * trickling a start line in tiny segments cannot make detection quadratic.
 */
export class WaitingBytes {
  private chunkList: WaitingChunk[] = [];
  private bytes = 0;
  /** What was lost of this direction so far (only when the stream was followed from its start). */
  loss: LossMarker | null = null;
  private joined: Buffer | null = null;
  private windowLength = 0;
  /** Chunks copied into the window so far. */
  private windowChunks = 0;

  get length(): number {
    return this.bytes;
  }

  get chunks(): readonly WaitingChunk[] {
    return this.chunkList;
  }

  push(chunk: Buffer, tsMs: number, seq: number): void {
    this.chunkList.push({ chunk, tsMs, seq });
    this.bytes += chunk.length;
  }

  /** The waiting bytes from the first, at most `limit` of them. */
  window(limit: number): Buffer {
    const list = this.chunkList;
    const first = list[0];
    if (first === undefined) return EMPTY;
    // The usual case, a first chunk that settles it, costs no copy.
    if (list.length === 1) return first.chunk.length > limit ? first.chunk.subarray(0, limit) : first.chunk;
    if (this.joined === null || this.joined.length !== limit) {
      this.joined = Buffer.allocUnsafe(limit);
      this.windowLength = 0;
      this.windowChunks = 0;
    }
    while (this.windowChunks < list.length && this.windowLength < limit) {
      const chunk = list[this.windowChunks++]!.chunk;
      this.windowLength += chunk.copy(this.joined, this.windowLength, 0, Math.min(chunk.length, limit - this.windowLength));
    }
    return this.joined.subarray(0, this.windowLength);
  }

  /** Forget the first `n` bytes (at most all of them). */
  dropFront(n: number): void {
    let left = Math.min(n, this.bytes);
    this.bytes -= left;
    let i = 0;
    while (left > 0) {
      const part = this.chunkList[i]!;
      if (part.chunk.length <= left) {
        left -= part.chunk.length;
        i++;
      } else {
        part.chunk = part.chunk.subarray(left);
        left = 0;
      }
    }
    if (i > 0) this.chunkList = this.chunkList.slice(i);
    this.resetWindow();
  }

  /** Hand every waiting chunk and the loss marker over, leaving this empty. */
  takeAll(): { chunks: WaitingChunk[]; loss: LossMarker | null } {
    const taken = { chunks: this.chunkList, loss: this.loss };
    this.chunkList = [];
    this.bytes = 0;
    this.loss = null;
    this.resetWindow();
    return taken;
  }

  private resetWindow(): void {
    this.joined = null;
    this.windowLength = 0;
    this.windowChunks = 0;
  }
}
