/**
 * The first bytes of a message body kept while the body goes by in chunks, shared by the readers
 * of length-prefixed protocols (MySQL, PostgreSQL, MQTT, AMQP): at most a limit set per message,
 * as a view of the chunk when the kept bytes lie in one (nearly always), the views joined once
 * otherwise. The rest of the body is counted by the reader, never held.
 */

const EMPTY = Buffer.alloc(0);

export class KeptBytes {
  /** The kept bytes: one view of a chunk, or the views of several chunks. */
  private part: Buffer = EMPTY;
  private parts: Buffer[] | null = null;
  private kept = 0;
  /** How many more bytes may be kept. */
  private room = 0;

  /** Bytes kept so far. */
  get length(): number {
    return this.kept;
  }

  /** A new body: forget what was kept, keep at most `limit` bytes of what comes. */
  start(limit: number): void {
    this.clear();
    this.room = limit;
  }

  /** Keep what there is room for of `chunk[from, to)`. */
  add(chunk: Buffer, from: number, to: number): void {
    if (this.room <= 0) return;
    const k = Math.min(this.room, to - from);
    const view = chunk.subarray(from, from + k);
    if (this.kept === 0) this.part = view;
    else (this.parts ??= [this.part]).push(view);
    this.kept += k;
    this.room -= k;
  }

  /** `length` bytes went by unseen: they use up the room as if they had been kept. */
  skip(length: number): void {
    this.room = Math.max(0, this.room - length);
  }

  /** Keep no more of this body. */
  stop(): void {
    this.room = 0;
  }

  /** The kept bytes, joined when they came in several chunks; the keeper is emptied. */
  take(): Buffer {
    const bytes = this.parts !== null ? Buffer.concat(this.parts, this.kept) : this.part;
    this.clear();
    return bytes;
  }

  /** Forget what was kept and keep nothing more. */
  clear(): void {
    this.part = EMPTY;
    this.parts = null;
    this.kept = 0;
    this.room = 0;
  }
}
