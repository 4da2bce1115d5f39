/**
 * The MySQL stream dissector: one packet reader per direction (reader.ts), the pairing of the
 * server's packets with the client's commands (conversation.ts), entries shaped by shape.ts. After
 * the client's SSLRequest the rest of the connection is TLS: it is handed to the TLS dissector
 * (DissectorSession.upgrade) with the bytes not read yet.
 */

import type { DissectorSession } from '../../dissector.js';
import { HandOverStream } from '../handover-stream.js';
import { Conversation, Then } from './conversation.js';
import { PacketReader, type PacketSink } from './reader.js';
import { myTransaction } from './shape.js';

export class MyStream extends HandOverStream<PacketReader> {
  /** TLS follows the SSLRequest just read: the connection is handed over after this chunk. */
  private tls = false;

  constructor(session: DissectorSession) {
    super(session);
    const conversation = new Conversation(session.options.detail !== 'summary', Math.max(0, session.options.bodyCapBytes), (op) => session.emit(myTransaction(op)));
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
    this.connect(conversation, new PacketReader('client', clientSink), new PacketReader('server', serverSink));
  }

  protected handOverTo(): string | null {
    return this.tls ? 'tls' : null;
  }
}
