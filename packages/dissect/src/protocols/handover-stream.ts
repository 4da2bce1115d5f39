/**
 * What the database connection dissectors (PostgreSQL, MySQL) do the same way, beside the guarded
 * readers (reader-pair-stream.ts): a conversation pairing the server's answers with the client's
 * requests, and the hand-over of the rest of the connection to another dissector (TLS after an
 * SSLRequest) with the bytes not read yet.
 */

import type { Direction, DissectorSession } from '../dissector.js';
import { ReaderPairStream, type ByteReader } from './reader-pair-stream.js';

/** A direction's reader, as the stream drives it. */
export interface DirectionReader extends ByteReader {
  /** The bytes received and not read yet (the hand-over takes them). */
  takeHeld(): Buffer[];
}

/** The pairing of a connection's messages, as the stream drives it. */
export interface PairingConversation {
  /** Emits what waited longer than `timeoutMs`. */
  expire(now: number, timeoutMs: number): void;
  /** Emits everything still waiting. */
  drain(): void;
}

export abstract class HandOverStream<R extends DirectionReader> extends ReaderPairStream<R> {
  protected readonly session: DissectorSession;
  /** Set by the subclass's constructor (`connect`): its readers' sinks refer back to it. */
  protected conversation!: PairingConversation;
  protected client!: R;
  protected server!: R;
  /** After an exception, one byte is taken as lost: the readers search for the next message from there. */
  protected override readonly recoverGap = 1;

  constructor(session: DissectorSession) {
    super();
    this.session = session;
  }

  /** The subclass's conversation and readers, made in its constructor. */
  protected connect(conversation: PairingConversation, client: R, server: R): void {
    this.conversation = conversation;
    this.client = client;
    this.server = server;
    const readers: R[] = [];
    readers[this.session.clientDirection] = client;
    readers[1 - this.session.clientDirection] = server;
    this.readers = readers as [R, R];
  }

  /** Called before a direction's bytes or loss are read: a subclass's look at a direction's start. */
  protected before(_direction: Direction, _reader: R, _chunk: Buffer | null): void {}

  /** The protocol the rest of the connection is handed to once the chunk read asked for it, else null. */
  protected abstract handOverTo(): string | null;

  // ---- StreamDissector: nothing escapes these (reader-pair-stream.ts) ------------------------

  protected override readChunk(direction: Direction, chunk: Buffer, timestampMs: number): void {
    const reader = this.readers[direction];
    this.before(direction, reader, chunk);
    reader.push(chunk, timestampMs);
    const protocol = this.handOverTo();
    if (protocol !== null) this.handOver(protocol);
  }

  protected override readGap(direction: Direction, length: number, timestampMs: number): void {
    const reader = this.readers[direction];
    this.before(direction, reader, null);
    reader.gap(length, timestampMs);
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.conversation.expire(timestampMs, this.session.options.responseTimeoutMs);
    } catch {
      // Nothing to repair: what failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    this.done = true;
    try {
      this.client.end(timestampMs);
      this.server.end(timestampMs);
    } finally {
      this.conversation.drain();
    }
  }

  /** The rest of the connection is `protocol`'s: the bytes not read yet go to its dissector. */
  private handOver(protocol: string): void {
    const pending: [Buffer[], Buffer[]] = [[], []];
    pending[this.session.clientDirection] = this.client.takeHeld();
    pending[1 - this.session.clientDirection] = this.server.takeHeld();
    this.done = true;
    this.session.upgrade(protocol, pending);
  }
}
