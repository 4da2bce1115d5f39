/**
 * The messages of one side of a gRPC call, read from the DATA of its HTTP/2 stream (gRPC over
 * HTTP2, PROTOCOL-HTTP2.md):
 *
 *   Length-Prefixed-Message → Compressed-Flag Message-Length Message
 *   Compressed-Flag → 0 / 1                  ; 1 byte
 *   Message-Length  → {length of Message}    ; 4 bytes, unsigned, big endian
 *   Message         → *{binary octet}
 *
 * "DATA frame boundaries have no relation to Length-Prefixed-Message boundaries": the reader is
 * a state machine fed the stream's DATA payloads in order, in pieces of any size.
 *
 * Bounded: at most `maxMessages` messages and `maxBytes` message bytes are kept (as views of the
 * DATA payloads: no copy); a message that does not fit is kept as far as it fits and marked
 * truncated; those past the bounds are only counted (`dropped`). Lost bytes inside a message are
 * skipped (its length is known); lost bytes over a prefix lose the framing, and the side stops
 * reading (`incomplete`): what it counted is a minimum.
 */

/** A message as received; decoded only when its entry is emitted (shape.ts). */
export interface ReceivedMessage {
  /** Capture time of its first byte. */
  ts: number;
  compressed: boolean;
  /** Message-Length. */
  length: number;
  parts: Buffer[];
  kept: number;
  /** Bytes of it were lost, or not kept (bounds), or the stream ended inside it. */
  partial: boolean;
}

const PREFIX = 5;

export class GrpcMessageReader {
  /** Messages kept, in order. */
  readonly messages: ReceivedMessage[] = [];
  /** Messages started (kept or dropped). */
  count = 0;
  droppedCount = 0;
  droppedBytes = 0;
  /** The framing was lost: nothing after it is read. */
  incomplete = false;

  private readonly prefix = Buffer.alloc(PREFIX);
  private prefixHave = 0;
  /** Capture time of the current prefix's first byte. */
  private prefixTs = 0;
  /** Bytes of the current message still to come; -1 between messages. */
  private remaining = -1;
  /** The current message when it is kept. */
  private current: ReceivedMessage | null = null;
  private keptBytes = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly maxBytes: number,
  ) {}

  /** The next DATA payload bytes of this side. */
  push(chunk: Buffer, ts: number): void {
    let pos = 0;
    while (pos < chunk.length && !this.incomplete) {
      if (this.remaining < 0) {
        const take = Math.min(PREFIX - this.prefixHave, chunk.length - pos);
        if (this.prefixHave === 0) this.prefixTs = ts;
        chunk.copy(this.prefix, this.prefixHave, pos, pos + take);
        this.prefixHave += take;
        pos += take;
        if (this.prefixHave === PREFIX) this.begin();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      this.body(chunk.subarray(pos, pos + take));
      pos += take;
      this.remaining -= take;
      if (this.remaining === 0) this.done();
    }
  }

  /** `n` bytes of this side's DATA were lost. */
  gap(n: number): void {
    if (this.incomplete || n <= 0) return;
    if (this.remaining >= 0 && n <= this.remaining) {
      this.remaining -= n;
      if (this.current !== null) this.current.partial = true;
      if (this.remaining === 0) this.done();
      return;
    }
    this.lose();
  }

  /** Bytes of this side were lost where their length is unknown: the framing is gone. */
  lose(): void {
    if (this.current !== null) this.current.partial = true;
    this.incomplete = true;
  }

  /** The side ended: a message still open is cut. */
  finish(): void {
    if (this.current !== null && this.remaining > 0) this.current.partial = true;
  }

  private begin(): void {
    const ts = this.prefixTs;
    this.prefixHave = 0;
    const p = this.prefix;
    // Compressed-Flag is 0 or 1; anything else is not a gRPC message stream.
    if (p[0]! > 1) {
      this.incomplete = true;
      return;
    }
    const length = p.readUInt32BE(1);
    this.count++;
    if (this.messages.length < this.maxMessages && this.keptBytes < this.maxBytes) {
      this.current = { ts, compressed: p[0] === 1, length, parts: [], kept: 0, partial: false };
      this.messages.push(this.current);
    } else {
      this.current = null;
      this.droppedCount++;
      this.droppedBytes += PREFIX + length;
    }
    this.remaining = length;
    if (length === 0) this.done();
  }

  private body(bytes: Buffer): void {
    const msg = this.current;
    if (msg === null) return;
    const room = this.maxBytes - this.keptBytes;
    const take = Math.min(room, bytes.length);
    if (take > 0) {
      msg.parts.push(take === bytes.length ? bytes : bytes.subarray(0, take));
      msg.kept += take;
      this.keptBytes += take;
    }
    if (take < bytes.length) msg.partial = true;
  }

  private done(): void {
    this.remaining = -1;
    this.current = null;
  }
}
