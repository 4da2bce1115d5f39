/**
 * The WebSocket connection dissector (RFC 6455), after the HTTP/1.1 upgrade (http1 hands the
 * stream over after `101 Switching Protocols` with `Upgrade: websocket`, with the handshake, whose
 * Sec-WebSocket-Extensions says whether permessage-deflate is on, RFC 7692 §7.1), or found by its
 * frames on a connection joined after the handshake (probe.ts). Per direction: a frame reader
 * (frame-reader.ts), a message builder (message.ts) and, with compression, an inflater keeping
 * that sender's window (deflate.ts).
 *
 * How messages become entries. WebSocket has no requests and responses: either side sends
 * messages when it likes (a feed pushes many for one subscription, a chat sends without waiting).
 * Pairing a client message with "the next" server message, as an HTTP-shaped viewer might, would
 * invent a relation the protocol does not have and that changes with timing. Kubeshark's KFL2
 * names show the same view: `ws_request` / `ws_response` say whether an entry carries a client
 * or a server message, `ws_opcode` is one message's opcode. So each data message is its own entry,
 * in `request` when the client sent it and in `response` when the server did. Only the control
 * exchanges the RFC defines as question and answer are paired: a ping with the pong that answers
 * it (§5.5.3: same payload, from the other side; the entry's elapsed time is the round trip) and
 * a close with the close that answers it (§5.5.1, §7.1.2). A pong nobody asked for (a
 * heartbeat, §5.5.3) is its own entry; a ping unanswered within the response timeout or by the
 * end of the connection is emitted with DIS_ERR_NO_RESPONSE.
 *
 * All messages of a connection are entries of its stream, after the HTTP entry of the upgrade.
 */

import type { Direction, DissectorSession, StreamDissector, UpgradeHandshake } from '../../dissector.js';
import { decodeBudget } from '../http1/decode.js';
import { MessageInflater, deflateTerms } from './deflate.js';
import { FrameReader } from './frame-reader.js';
import { Opcode } from './frames.js';
import { MessageBuilder, type WsMessage } from './message.js';
import { wsTransaction } from './shape.js';

/** Pings waiting for their pong, per direction; past it the oldest is emitted unanswered. */
const MAX_PENDING_PINGS = 64;

interface Side {
  reader: FrameReader;
  builder: MessageBuilder;
  /** Pings this side sent that no pong answered yet, oldest first. */
  pings: WsMessage[];
}

export class WsStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly sides: [Side, Side];
  private readonly full: boolean;
  private readonly timeoutMs: number;
  /** A close sent, waiting for the other side's. */
  private closing: WsMessage | null = null;
  private done = false;

  constructor(session: DissectorSession, handshake?: UpgradeHandshake) {
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.timeoutMs = session.options.responseTimeoutMs;
    // The same bounds in both details, so both give the same entries but for bodies.
    const cap = Math.max(0, session.options.bodyCapBytes);
    const terms = deflateTerms(handshake);
    const fromStart = handshake !== undefined;
    const sides: Side[] = [];
    for (const fromClient of [true, false]) {
      const takeover = terms === null ? false : fromClient ? terms.clientTakeover : terms.serverTakeover;
      const inflater = terms === null ? null : new MessageInflater(takeover, fromStart, decodeBudget(cap));
      const builder = new MessageBuilder(fromClient, cap, decodeBudget(cap), inflater, (m) => this.message(m));
      const direction = fromClient ? session.clientDirection : 1 - session.clientDirection;
      sides[direction] = { reader: new FrameReader(fromClient, terms !== null, builder), builder, pings: [] };
    }
    this.sides = sides as [Side, Side];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.sides[direction].reader.push(chunk, timestampMs);
    } catch {
      this.recover(direction);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    try {
      this.sides[direction].reader.gap(length, timestampMs);
    } catch {
      this.recover(direction);
    }
  }

  end(): void {
    // The other side may still send; everything pending is emitted when the connection closes.
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      for (const side of this.sides) {
        while (side.pings.length > 0 && timestampMs - side.pings[0]!.endTs > this.timeoutMs) this.emit(side.pings.shift()!, null, true);
      }
      if (this.closing !== null && timestampMs - this.closing.endTs > this.timeoutMs) {
        this.emit(this.closing, null);
        this.closing = null;
      }
    } catch {
      // Nothing to repair: what failed to emit is gone.
    }
  }

  close(): void {
    if (this.done) return;
    for (const side of this.sides) {
      try {
        side.builder.end();
      } catch {
        // Its open messages are lost; the rest is still emitted below.
      }
    }
    this.done = true;
    const pending = [...this.sides[0].pings, ...this.sides[1].pings].sort((a, b) => a.startTs - b.startTs);
    for (const ping of pending) this.emit(ping, null, true);
    if (this.closing !== null) this.emit(this.closing, null);
    this.closing = null;
  }

  // ---- pairing -------------------------------------------------------------------------------

  private message(m: WsMessage): void {
    const own = this.sideOf(m.fromClient);
    const other = this.sideOf(!m.fromClient);
    switch (m.opcode) {
      case Opcode.PING:
        own.pings.push(m);
        if (own.pings.length > MAX_PENDING_PINGS) this.emit(own.pings.shift()!, null, true);
        return;
      case Opcode.PONG: {
        // §5.5.3: the payload of the ping it answers; when several wait, the latest.
        let i = other.pings.length - 1;
        while (i >= 0 && !samePayload(other.pings[i]!, m)) i--;
        if (i < 0) {
          this.emit(m, null);
          return;
        }
        const [ping] = other.pings.splice(i, 1);
        this.emit(ping!, m);
        return;
      }
      case Opcode.CLOSE:
        if (this.closing !== null && this.closing.fromClient !== m.fromClient) {
          this.emit(this.closing, m);
          this.closing = null;
          return;
        }
        if (this.closing !== null) this.emit(this.closing, null);
        this.closing = m;
        return;
      default:
        this.emit(m, null);
    }
  }

  private emit(first: WsMessage, reply: WsMessage | null, unanswered = false): void {
    this.session.emit(wsTransaction(first, reply, this.full, unanswered));
  }

  private sideOf(fromClient: boolean): Side {
    return this.sides[fromClient ? this.session.clientDirection : 1 - this.session.clientDirection]!;
  }

  /** A bug surfaced as an exception: that direction's frames are not followed any more. */
  private recover(direction: Direction): void {
    try {
      this.sides[direction].reader.gap(Number.MAX_SAFE_INTEGER, 0);
    } catch {
      this.done = true;
    }
  }
}

function samePayload(ping: WsMessage, pong: WsMessage): boolean {
  if (ping.data === null || pong.data === null) return ping.size === pong.size;
  return ping.data.equals(pong.data);
}
