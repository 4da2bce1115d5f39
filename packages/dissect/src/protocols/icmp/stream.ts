/**
 * The ICMP and ICMPv6 dissector of one flow (the packet decoder keys an echo's flow by its
 * identifier, every other message's by the address pair). Each message arrives whole, one per
 * `data` call (message.ts reads it).
 *
 * Pairing: an echo request waits for the echo reply with the same identifier and sequence number
 * from the other side (RFC 792; RFC 4443 §4.2: the reply copies both); one entry per request,
 * with its round trip. A request unanswered within the response timeout, or by the end of the
 * flow, is emitted with DIS_ERR_NO_RESPONSE; a reply without its request with DIS_ERR_NO_REQUEST.
 * An error (types.ts isError) is an entry of its own at once, about the packet it quotes. Every
 * other message is counted, per side and type, into one flow entry when the flow ends.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { Kind, readMessage, type IcmpMessage } from './message.js';
import { echoTransaction, errorTransaction, flowTransaction, type FlowSide } from './shape.js';

/** Echo requests waiting per flow; past it the oldest is emitted unanswered. */
const MAX_WAITING = 4096;

interface Waiting {
  req: IcmpMessage;
  direction: Direction;
}

export class IcmpStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly version: 4 | 6;
  /** Echo requests waiting for their reply, by requester, identifier and sequence number, oldest first. */
  private readonly waiting = new Map<string, Waiting>();
  private readonly others: [FlowSide | null, FlowSide | null] = [null, null];
  /** The direction that sent the first message counted in `others`. */
  private othersClient: Direction = 0;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.version = session.ipVersion;
  }

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length < 4) return;
    try {
      this.message(direction, readMessage(this.version, chunk, timestampMs));
    } catch {
      // A message that broke the reader is not shown; the flow goes on.
    }
  }

  gap(): void {
    // Messages arrive whole: nothing is ever lost inside one.
  }

  end(): void {
    // ICMP has no ends; the flow's idle timeout closes it.
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    for (const [key, w] of this.waiting) {
      if (timestampMs - w.req.ts <= this.session.options.responseTimeoutMs) break;
      this.waiting.delete(key);
      this.session.emit(echoTransaction(w.req, null, w.direction));
    }
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiting.values()) this.session.emit(echoTransaction(w.req, null, w.direction));
    this.waiting.clear();
    if (this.others[0] !== null || this.others[1] !== null) this.session.emit(flowTransaction(this.version, this.others, this.othersClient));
  }

  private message(direction: Direction, m: IcmpMessage): void {
    const other = (1 - direction) as Direction;
    switch (m.kind) {
      case Kind.ECHO_REQUEST: {
        const key = `${direction}/${m.id}/${m.seq}`;
        const earlier = this.waiting.get(key);
        // The same request again (a retry, a duplicate): the earlier one went unanswered.
        if (earlier !== undefined) {
          this.waiting.delete(key);
          this.session.emit(echoTransaction(earlier.req, null, direction));
        }
        this.waiting.set(key, { req: m, direction });
        if (this.waiting.size > MAX_WAITING) {
          const [oldest, w] = this.waiting.entries().next().value as [string, Waiting];
          this.waiting.delete(oldest);
          this.session.emit(echoTransaction(w.req, null, w.direction));
        }
        return;
      }
      case Kind.ECHO_REPLY: {
        const key = `${other}/${m.id}/${m.seq}`;
        const w = this.waiting.get(key);
        if (w === undefined) {
          this.session.emit(echoTransaction(null, m, other));
          return;
        }
        this.waiting.delete(key);
        this.session.emit(echoTransaction(w.req, m, other));
        return;
      }
      case Kind.ERROR:
        this.session.emit(errorTransaction(m, other));
        return;
      default:
        this.count(direction, m);
    }
  }

  private count(direction: Direction, m: IcmpMessage): void {
    if (this.others[0] === null && this.others[1] === null) this.othersClient = direction;
    const side = (this.others[direction] ??= { packets: 0, bytes: 0, messages: new Map(), firstTs: m.ts, lastTs: m.ts });
    side.packets++;
    side.bytes += m.wireSize;
    side.lastTs = m.ts;
    const key = `${m.type}/${m.code}`;
    const seen = side.messages.get(key);
    if (seen === undefined) side.messages.set(key, { type: m.type, code: m.code, count: 1 });
    else seen.count++;
  }
}
