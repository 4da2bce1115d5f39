import type { Writable } from 'node:stream';
import type { OutputSink } from './output-sink.js';

/** Texts shorter than this are joined before encoding. */
const PENDING_CHARS = 16 * 1024;

/**
 * Encodes output text into large Buffers and writes them whole. Short texts (ndjson lines) are
 * first joined into a string of up to PENDING_CHARS: one encoding call per batch costs less
 * than one per line. Byte writers (the table) reserve room and write into the buffer directly. Waits for the stream to drain so a slow reader (a pipe to
 * `less`) holds back the producer instead of filling memory. A closed pipe (`| head`) ends
 * output quietly.
 */
export class BufferedWriter implements OutputSink {
  private buffer: Buffer;
  private used = 0;
  private pending = '';
  closed = false;

  constructor(private readonly out: Writable, private readonly capacity = 1 << 20) {
    this.buffer = Buffer.allocUnsafe(capacity);
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  write(text: string): void {
    if (text.length < PENDING_CHARS) {
      this.pending += text;
      if (this.pending.length < PENDING_CHARS) return;
      text = this.pending;
      this.pending = '';
    } else this.encodePending();
    this.encode(text);
  }

  private encodePending(): void {
    const text = this.pending;
    this.pending = '';
    this.encode(text);
  }

  private encode(text: string): void {
    if (text.length === 0 || this.closed) return;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit: check room without measuring.
    if (this.used + text.length * 3 > this.capacity) {
      this.handOff();
      if (text.length * 3 > this.capacity) {
        this.out.write(text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  /**
   * Room for `n` bytes written directly (utf8-cells.ts): returns the buffer to write into from
   * offset `at`; `commit(end)` then takes the bytes up to `end`. Text written before is kept in
   * order. `n` must not exceed the capacity.
   */
  reserve(n: number): Buffer {
    this.encodePending();
    if (this.used + n > this.capacity) this.handOff();
    return this.buffer;
  }

  /** Bytes already encoded, copied in order after what was written before. */
  writeBytes(bytes: Uint8Array): void {
    this.encodePending();
    if (this.closed || bytes.length === 0) return;
    if (this.used + bytes.length > this.capacity) this.handOff();
    if (bytes.length > this.capacity) {
      this.out.write(Buffer.from(bytes));
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  get at(): number {
    return this.used;
  }

  commit(end: number): void {
    if (!this.closed) this.used = end;
  }

  get wantsFlush(): boolean {
    return this.out.writableNeedDrain;
  }

  async flush(): Promise<void> {
    this.encodePending();
    this.handOff();
    if (!this.out.writableNeedDrain || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  /** Gives the filled part to the stream; a fresh buffer takes its place (the old one is owned by the stream now). */
  private handOff(): void {
    if (this.used === 0 || this.closed) return;
    this.out.write(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.used = 0;
  }
}
