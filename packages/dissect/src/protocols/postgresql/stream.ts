/**
 * The PostgreSQL stream dissector: one message reader per direction (reader.ts), the pairing of
 * the backend's messages with the frontend's operations (conversation.ts), entries shaped by
 * shape.ts.
 *
 * The frontend's first message is untyped when the connection was seen from its start (its first
 * byte is the high byte of a short length: 0); a connection joined later starts with typed
 * messages. An SSLRequest or GSSENCRequest stops the frontend's reader until the backend's
 * one-byte answer: after 'N' the start-up follows in clear; after 'S' the rest of the connection is
 * TLS and is handed to the TLS dissector (DissectorSession.upgrade, with the bytes not read yet);
 * after 'G' it is GSSAPI-encrypted, which no dissector reads: the connection goes on as a flow.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { Conversation, Then } from './conversation.js';
import { MessageReader, type FrameSink } from './reader.js';
import { pgTransaction } from './shape.js';

/** The protocol an encrypted connection is handed to, by the answer byte. */
const ENCRYPTED: Readonly<Record<number, string>> = {
  0x53: 'tls',
  // No dissector has this name: the session ends the connection as a flow entry.
  0x47: 'gssapi',
};

export class PgStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly conversation: Conversation;
  /** By direction. */
  private readonly readers: [MessageReader, MessageReader];
  private readonly client: MessageReader;
  private readonly server: MessageReader;
  private readonly started: [boolean, boolean] = [false, false];
  /** The answer byte after which the connection is encrypted, until it is handed over. */
  private encrypted: number | null = null;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.conversation = new Conversation(session.options.detail !== 'summary', Math.max(0, session.options.bodyCapBytes), (op) => session.emit(pgTransaction(op)));
    const conversation = this.conversation;
    const clientSink: FrameSink = {
      keep: (type, length) => conversation.keepFrontend(type, length),
      message: (frame) => {
        const then = conversation.frontend(frame);
        if (then === Then.AwaitAnswer) {
          this.client.pause();
          this.server.mode = 'answer';
        } else if (then === Then.Typed) this.client.mode = 'typed';
      },
      answer: () => undefined,
      desync: (ts) => conversation.frontendLost(ts),
    };
    const serverSink: FrameSink = {
      keep: (type, length) => conversation.keepBackend(type, length),
      message: (frame) => conversation.backend(frame),
      answer: (byte, ts) => this.answer(byte, ts),
      desync: () => conversation.backendLost(),
    };
    this.client = new MessageReader('client', 'typed', clientSink);
    this.server = new MessageReader('server', 'typed', serverSink);
    const readers: MessageReader[] = [];
    readers[session.clientDirection] = this.client;
    readers[1 - session.clientDirection] = this.server;
    this.readers = readers as [MessageReader, MessageReader];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    const reader = this.readers[direction];
    try {
      if (!this.started[direction]) {
        this.started[direction] = true;
        // A connection seen from its start: the frontend's first message is untyped.
        if (reader === this.client && chunk[0] === 0) reader.mode = 'untyped';
      }
      reader.push(chunk, timestampMs);
      if (this.encrypted !== null) this.handOver();
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    this.started[direction] = true;
    try {
      this.readers[direction].gap(length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    try {
      this.readers[direction].end(timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
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

  // ---- encryption requests ------------------------------------------------------------------

  private answer(byte: number, ts: number): void {
    this.conversation.encryptionAnswer(byte, ts);
    if (byte === 0x4e) {
      // Refused: the start-up follows in clear, untyped.
      this.server.mode = 'typed';
      this.client.resume();
      return;
    }
    this.server.pause();
    this.encrypted = byte;
  }

  /** The rest of the connection is encrypted: the bytes not read yet go to its dissector. */
  private handOver(): void {
    const pending: [Buffer[], Buffer[]] = [[], []];
    pending[this.session.clientDirection] = this.client.takeHeld();
    pending[1 - this.session.clientDirection] = this.server.takeHeld();
    const protocol = ENCRYPTED[this.encrypted!]!;
    this.done = true;
    this.session.upgrade(protocol, pending);
  }

  /** A bug surfaced as an exception: that direction's framing is lost; search for the next message. */
  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.readers[direction].gap(1, timestampMs);
    } catch {
      this.done = true;
    }
  }
}
