/**
 * The DNS stream dissector: messages from datagrams (UDP: one per `data` call, the session's
 * promise) or from the length-prefixed byte stream (TCP: framing.ts, one framer per direction),
 * decoded (message.ts), and paired by ID and question (pairs.ts).
 *
 * A message's role comes from its QR bit, not from its direction: on a flow between two
 * resolvers (port 53 to port 53) both sides ask. A message too short for a header has no QR bit;
 * its direction decides, and it is emitted alone at once (it has no ID to pair by).
 */

import { ErrorCodes, type ProtocolInfo } from '@shoal/model';
import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { DnsTcpFramer, type FramedMessage } from './framing.js';
import { decodeMessage } from './message.js';
import { PendingQueries, type Arrival, type Query } from './pairs.js';
import { makeTransaction, PROTOCOL_TCP, PROTOCOL_UDP } from './shape.js';

export class DnsStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly protocol: ProtocolInfo;
  private readonly timeoutMs: number;
  /** Per direction over TCP; null over UDP. */
  private readonly framers: [DnsTcpFramer, DnsTcpFramer] | null;
  private readonly pending = new PendingQueries();
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.timeoutMs = session.options.responseTimeoutMs;
    const udp = session.layer4 === 'udp';
    this.protocol = udp ? PROTOCOL_UDP : PROTOCOL_TCP;
    this.framers = udp ? null : [this.framer(0), this.framer(1)];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      if (this.framers === null) {
        this.message(direction, { bytes: chunk, startTs: timestampMs, endTs: timestampMs, wireSize: chunk.length, problem: null });
      } else this.framers[direction].push(chunk, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done || this.framers === null) return;
    try {
      this.framers[direction].gap(length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done || this.framers === null) return;
    try {
      this.framers[direction].end(timestampMs);
      // The server closed the connection: what waits on it will not be answered.
      if (direction !== this.session.clientDirection) this.pending.drain((q) => this.emit(q, null));
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.pending.expire(timestampMs, this.timeoutMs, (q) => this.emit(q, null));
    } catch {
      // Nothing to repair: a query that failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    try {
      if (this.framers !== null) for (const framer of this.framers) framer.end(timestampMs);
    } catch {
      // Fall through: what waits is still emitted below.
    }
    this.done = true;
    this.pending.drain((q) => {
      try {
        this.emit(q, null);
      } catch {
        // A broken query must not hide the ones after it.
      }
    });
  }

  // ---- messages ------------------------------------------------------------------------------

  private framer(direction: Direction): DnsTcpFramer {
    const role = direction === this.session.clientDirection ? 'client' : 'server';
    return new DnsTcpFramer(role, (m) => this.message(direction, m));
  }

  private message(direction: Direction, framed: FramedMessage): void {
    const msg = decodeMessage(framed.bytes);
    const problem = framed.problem ?? (msg === null ? ErrorCodes.DIS_ERR_TRUNCATED : msg.problem);
    if (msg === null) {
      const arrival: Arrival = { msg, startTs: framed.startTs, endTs: framed.endTs, size: framed.wireSize, problem };
      if (direction === this.session.clientDirection) this.emit(arrival, null);
      else this.emit(null, arrival);
      return;
    }
    if (msg.response) {
      const arrival: Arrival = { msg, startTs: framed.startTs, endTs: framed.endTs, size: framed.wireSize, problem };
      this.emit(this.pending.answer(msg) ?? null, arrival);
      return;
    }
    // One literal of the Query shape (no spread of an Arrival): a query is made per message.
    const query: Query = { msg, startTs: framed.startTs, endTs: framed.endTs, size: framed.wireSize, problem, retransmissions: 0, lastTs: framed.endTs, done: false, sameId: null };
    const evicted = this.pending.add(query);
    if (evicted !== null) this.emit(evicted, null);
  }

  private emit(query: Query | Arrival | null, response: Arrival | null): void {
    this.session.emit(makeTransaction(this.protocol, query, response));
  }

  /** A bug surfaced as an exception: that direction's framing is lost; search for the next message. */
  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.framers?.[direction].gap(1, timestampMs);
    } catch {
      // Give up on this stream rather than throw into the capture pipeline.
      this.done = true;
    }
  }
}
