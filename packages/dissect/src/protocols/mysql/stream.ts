/**
 * The MySQL stream dissector: one packet reader per direction (reader.ts), the pairing of the
 * server's packets with the client's commands (conversation.ts), entries shaped by shape.ts. After
 * the client's SSLRequest the rest of the connection is TLS: it is handed to the TLS dissector
 * (DissectorSession.upgrade) with the bytes not read yet.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { Conversation, Then } from './conversation.js';
import { PacketReader, type PacketSink } from './reader.js';
import { myTransaction } from './shape.js';

export class MyStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly conversation: Conversation;
  /** By direction. */
  private readonly readers: [PacketReader, PacketReader];
  private readonly client: PacketReader;
  private readonly server: PacketReader;
  /** TLS follows the SSLRequest just read: the connection is handed over after this chunk. */
  private tls = false;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.conversation = new Conversation(session.options.detail !== 'summary', Math.max(0, session.options.bodyCapBytes), (op) => session.emit(myTransaction(op)));
    const conversation = this.conversation;
    const clientSink: PacketSink = {
      keep: (seq) => conversation.keepClient(seq),
      packet: (p) => {
        if (conversation.client(p) !== Then.Tls) return;
        this.client.pause();
        this.server.pause();
        this.tls = true;
      },
      desync: (ts) => conversation.clientLost(ts),
    };
    const serverSink: PacketSink = {
      keep: (_seq, length) => conversation.keepServer(length),
      packet: (p) => conversation.server(p),
      desync: () => conversation.serverLost(),
    };
    this.client = new PacketReader('client', clientSink);
    this.server = new PacketReader('server', serverSink);
    const readers: PacketReader[] = [];
    readers[session.clientDirection] = this.client;
    readers[1 - session.clientDirection] = this.server;
    this.readers = readers as [PacketReader, PacketReader];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.readers[direction].push(chunk, timestampMs);
      if (this.tls) this.handOver();
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
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

  /** The rest of the connection is TLS: the bytes not read yet go to its dissector. */
  private handOver(): void {
    const pending: [Buffer[], Buffer[]] = [[], []];
    pending[this.session.clientDirection] = this.client.takeHeld();
    pending[1 - this.session.clientDirection] = this.server.takeHeld();
    this.done = true;
    this.session.upgrade('tls', pending);
  }

  /** A bug surfaced as an exception: that direction's framing is lost; search for the next packet. */
  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.readers[direction].gap(1, timestampMs);
    } catch {
      this.done = true;
    }
  }
}
