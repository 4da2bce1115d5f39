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

import type { Direction, DissectorSession } from '../../dissector.js';
import { HandOverStream } from '../handover-stream.js';
import { Conversation, Then } from './conversation.js';
import { MessageReader, type FrameSink } from './reader.js';
import { pgTransaction } from './shape.js';

/** The protocol an encrypted connection is handed to, by the answer byte. */
const ENCRYPTED: Readonly<Record<number, string>> = {
  0x53: 'tls',
  // No dissector has this name: the session ends the connection as a flow entry.
  0x47: 'gssapi',
};

export class PgStream extends HandOverStream<MessageReader> {
  private readonly started: [boolean, boolean] = [false, false];
  /** The answer byte after which the connection is encrypted, until it is handed over. */
  private encrypted: number | null = null;

  constructor(session: DissectorSession) {
    super(session);
    const conversation = new Conversation(session.options.detail !== 'summary', Math.max(0, session.options.bodyCapBytes), (op) => session.emit(pgTransaction(op)));
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
      answer: (byte, ts) => this.answer(conversation, byte, ts),
      desync: () => conversation.backendLost(),
    };
    this.connect(conversation, new MessageReader('client', 'typed', clientSink), new MessageReader('server', 'typed', serverSink));
  }

  /** A direction's first bytes: on a connection seen from its start, the frontend's first message is untyped. */
  protected override before(direction: Direction, reader: MessageReader, chunk: Buffer | null): void {
    if (this.started[direction]) return;
    this.started[direction] = true;
    if (chunk !== null && reader === this.client && chunk[0] === 0) reader.mode = 'untyped';
  }

  protected handOverTo(): string | null {
    return this.encrypted === null ? null : ENCRYPTED[this.encrypted]!;
  }

  // ---- encryption requests ------------------------------------------------------------------

  private answer(conversation: Conversation, byte: number, ts: number): void {
    conversation.encryptionAnswer(byte, ts);
    if (byte === 0x4e) {
      // Refused: the start-up follows in clear, untyped.
      this.server.mode = 'typed';
      this.client.resume();
      return;
    }
    this.server.pause();
    this.encrypted = byte;
  }
}
