/**
 * The search for the next message start after a reader lost its framing (a capture gap across a
 * message boundary, a length no message can have), shared by the length-prefixed binary
 * protocols' readers (PostgreSQL, MySQL, MQTT, AMQP). Every position is put to the protocol's judge in
 * turn; a position the judge cannot decide yet (`more`) holds the bytes from there until it can,
 * so where the search lands depends only on the bytes, never on how the network cut them.
 */

export type Judge = (bytes: Buffer) => 'yes' | 'no' | 'more';

/** Where reading goes on: `replay` (held bytes where the start is, arrived at `replayTs`) first, then the chunk from `resume`. */
export interface Found {
  resume: number;
  replay: Buffer | null;
  replayTs: number;
}

const EMPTY = Buffer.alloc(0);

export class StartSearch {
  private held: Buffer = EMPTY;
  private heldTs = 0;

  constructor(private readonly judge: Judge) {}

  /** Start afresh (the bytes held and the next ones are not contiguous: a new loss). */
  reset(): void {
    this.held = EMPTY;
  }

  /** Start afresh from `bytes` (arrived at `ts`, kept as they are): a header read whole that is none, searched from its second byte. */
  startFrom(bytes: Buffer, ts: number): void {
    this.held = bytes;
    this.heldTs = ts;
  }

  /** Search `chunk` from `pos`, after what is held: where a message starts, or null (the bytes were used up or are held). */
  scan(chunk: Buffer, pos: number, ts: number): Found | null {
    const rest = chunk.subarray(pos);
    const heldLength = this.held.length;
    const bytes = heldLength === 0 ? rest : Buffer.concat([this.held, rest]);
    for (let i = 0; i < bytes.length; i++) {
      const verdict = this.judge(bytes.subarray(i));
      if (verdict === 'no') continue;
      if (verdict === 'more') {
        this.held = bytes.subarray(i);
        if (i >= heldLength) this.heldTs = ts;
        return null;
      }
      this.held = EMPTY;
      if (i >= heldLength) return { resume: pos + (i - heldLength), replay: null, replayTs: ts };
      return { resume: pos, replay: bytes.subarray(i, heldLength), replayTs: this.heldTs };
    }
    this.held = EMPTY;
    return null;
  }
}
