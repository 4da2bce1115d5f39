/**
 * The AMQP 0-9-1 connection dissector: a frame reader per direction (frames.ts), frames gathered
 * into methods with their content per channel (a method frame, then for a content-bearing method
 * a header frame and body frames, §4.2.6), and exchanges made of methods:
 *
 * - A synchronous method and its answer from the peer on the same channel (§2.2.4: `queue.declare`
 *   and `queue.declare-ok`, `basic.get` and `basic.get-ok` or `get-empty`), in order; either side
 *   may ask (the server's connection.start, tune and close). A method with `no-wait` set expects
 *   nothing. A peer that refuses closes the channel (or the connection) instead of answering
 *   (§1.2.2: `channel.close` with a reply code): the methods waiting on it are answered by that
 *   close, which is an exchange of its own too, with its close-ok.
 * - A delivery (basic.deliver) and the consumer's basic.ack, basic.nack or basic.reject, by
 *   delivery tag (`multiple` settles every tag up to it); a consumer that said `no-ack` acks
 *   nothing, so its deliveries are exchanges alone.
 * - A basic.publish on a channel in confirm mode (after confirm.select-ok) and the broker's
 *   basic.ack or basic.nack, by the publish's sequence number on that channel (RabbitMQ's
 *   publisher confirms); without confirm mode a publish is an exchange alone. basic.return,
 *   basic.get-ok's later ack, connection.blocked and other asynchronous methods are alone.
 *
 * An exchange still waiting is emitted once the response timeout passes, when the side that owes
 * the answer ends, or when the stream closes: a synchronous method or a confirmed publish with
 * DIS_ERR_NO_RESPONSE, a delivery as "not acknowledged". An answer nothing waits for is an entry
 * of its own with DIS_ERR_NO_REQUEST (an ack nothing waits for: without it).
 */

import { ErrorCodes, type Malformed } from '@shoal/model';
import type { Direction, DissectorSession } from '../../dissector.js';
import { ReaderPairStream } from '../reader-pair-stream.js';
import { decodeContentHeader } from './content-header.js';
import { FrameReader, FrameType, type Frame } from './frames.js';
import { Method, answersOf, carriesContent, decodeArgs, isAnswerMethod, methodKey } from './methods.js';
import { amqpTransaction, type AmqpMessage, type Exchange } from './shape.js';

/** Exchanges waiting per channel beyond this are emitted unanswered, to bound memory. */
export const MAX_WAITING = 4096;
/** Channels followed per connection (0-9-1 allows 65,535). */
const MAX_CHANNELS = 2048;

const NO_RESPONSE: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' });
const NO_REQUEST: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' });
const TRUNCATED = ErrorCodes.DIS_ERR_TRUNCATED;

interface Waiting {
  msg: AmqpMessage;
  /** When it last moved: the timeout counts from here. */
  lastTs: number;
}

interface Channel {
  /** Synchronous methods waiting for the peer's answer, per sender direction, oldest first. */
  asked: [Waiting[], Waiting[]];
  /** The content-bearing method being gathered, per sender direction. */
  gathering: [AmqpMessage | null, AmqpMessage | null];
  /** Deliveries waiting for the consumer's ack, by delivery tag. */
  deliveries: Map<number, Waiting>;
  /** Confirm mode: publishes waiting for the broker's ack, by sequence number; null off. */
  confirms: Map<number, Waiting> | null;
  published: number;
  /** Consumer tags whose deliveries need no ack. */
  noAck: Set<string>;
}

function newChannel(): Channel {
  return { asked: [[], []], gathering: [null, null], deliveries: new Map(), confirms: null, published: 0, noAck: new Set() };
}

export class AmqpStream extends ReaderPairStream<FrameReader> {
  private readonly session: DissectorSession;
  private readonly full: boolean;
  private readonly timeoutMs: number;
  private readonly cap: number;
  private readonly channels = new Map<number, Channel>();

  constructor(session: DissectorSession) {
    super();
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.timeoutMs = session.options.responseTimeoutMs;
    this.cap = Math.max(0, session.options.bodyCapBytes);
    const readers: FrameReader[] = [];
    for (const d of [0, 1] as const) {
      const fromClient = d === session.clientDirection;
      readers[d] = new FrameReader(fromClient, this.cap, { frame: (f) => this.frame(d, f), protocolHeader: () => undefined, lost: () => undefined });
    }
    this.readers = readers as [FrameReader, FrameReader];
  }

  // ---- StreamDissector: nothing escapes these (reader-pair-stream.ts) ------------------------

  /** A side ended: its message in gathering is complete as it is, and what waits for its answer will not get it. */
  protected override ended(direction: Direction): void {
    this.finishGathering(direction);
    this.abandon((w) => w.msg.fromClient !== (direction === this.session.clientDirection));
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.abandon((w) => timestampMs - w.lastTs > this.timeoutMs);
    } catch {
      // Nothing to repair: what failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    for (const d of [0, 1] as const) {
      try {
        this.readers[d].end(timestampMs);
        this.finishGathering(d);
      } catch {
        // Its frame in progress is lost; the rest is still emitted below.
      }
    }
    this.done = true;
    this.abandon(() => true);
  }

  // ---- frames → methods ----------------------------------------------------------------------

  private channel(n: number): Channel {
    let ch = this.channels.get(n);
    if (ch === undefined) {
      if (this.channels.size >= MAX_CHANNELS) {
        const [oldest] = this.channels.keys();
        this.dropChannel(oldest!);
      }
      ch = newChannel();
      this.channels.set(n, ch);
    }
    return ch;
  }

  private frame(d: Direction, f: Frame): void {
    if (f.type === FrameType.HEARTBEAT) return;
    const ch = this.channel(f.channel);
    const wire = 8 + f.size;
    const gathering = ch.gathering[d];
    if (f.type === FrameType.METHOD) {
      // A method ends content that did not come whole (§4.2.6: content follows its method).
      if (gathering !== null) this.finishContent(ch, d, TRUNCATED);
      const key = methodKey(f.payload.readUInt16BE(0), f.payload.length >= 4 ? f.payload.readUInt16BE(2) : 0);
      const { args, short } = decodeArgs(key, f.payload.subarray(4));
      const msg: AmqpMessage = {
        key,
        channel: f.channel,
        args,
        fromClient: d === this.session.clientDirection,
        startTs: f.startTs,
        endTs: f.endTs,
        wireSize: wire,
        content: null,
        problem: f.problem ?? (f.payload.length < 4 || (short && f.whole) ? ErrorCodes.DIS_ERR_SYNTAX : null),
      };
      if (carriesContent(key)) {
        msg.content = { properties: {}, bodySize: -1, body: Buffer.alloc(0), received: 0 };
        ch.gathering[d] = msg;
        return;
      }
      this.method(ch, d, msg);
      return;
    }
    if (gathering === null || gathering.content === null) return;
    gathering.wireSize += wire;
    gathering.endTs = f.endTs;
    if (f.problem !== null) gathering.problem ??= f.problem;
    const content = gathering.content;
    if (f.type === FrameType.HEADER) {
      const header = decodeContentHeader(f.payload);
      content.bodySize = header.bodySize;
      content.properties = header.properties;
      if (header.short && f.whole) gathering.problem ??= ErrorCodes.DIS_ERR_SYNTAX;
    } else {
      const room = Math.max(0, this.cap - content.body.length);
      if (room > 0) content.body = content.body.length === 0 ? f.payload.subarray(0, room) : Buffer.concat([content.body, f.payload.subarray(0, room)]);
      content.received += f.size;
    }
    if (content.bodySize >= 0 && content.received >= content.bodySize) this.finishContent(ch, d, null);
  }

  private finishContent(ch: Channel, d: Direction, problem: string | null): void {
    const msg = ch.gathering[d]!;
    ch.gathering[d] = null;
    if (problem !== null) msg.problem ??= problem;
    if (msg.content !== null && msg.content.bodySize < 0) msg.content.bodySize = msg.content.received;
    this.method(ch, d, msg);
  }

  private finishGathering(d: Direction): void {
    for (const ch of this.channels.values()) if (ch.gathering[d] !== null) this.finishContent(ch, d, TRUNCATED);
  }

  // ---- methods → exchanges -------------------------------------------------------------------

  private method(ch: Channel, d: Direction, msg: AmqpMessage): void {
    const other = (1 - d) as Direction;
    const key = msg.key;
    if (key === Method.CHANNEL_CLOSE || key === Method.CONNECTION_CLOSE) {
      // The peer's refusal answers what waits on the channel (on any channel, for the connection).
      const refused = key === Method.CONNECTION_CLOSE ? [...this.channels.values()] : [ch];
      for (const c of refused) {
        for (const w of c.asked[other].splice(0)) this.emit({ first: w.msg, answer: msg, missing: null });
      }
    }
    // An answer to what the other side asked?
    const asked = ch.asked[other];
    const i = asked.findIndex((w) => answersOf(w.msg.key).includes(key));
    if (i >= 0) {
      const [w] = asked.splice(i, 1);
      this.answered(ch, w!.msg, msg);
      this.emit({ first: w!.msg, answer: msg, missing: null });
      return;
    }
    if (answersOf(key).length > 0) {
      if (msg.args['noWait'] === true) this.emit({ first: msg, answer: null, missing: null });
      else this.wait(ch.asked[d], msg);
      return;
    }
    switch (key) {
      case Method.BASIC_PUBLISH:
        if (ch.confirms !== null) {
          ch.published++;
          this.track(ch.confirms, ch.published, msg);
        } else this.emit({ first: msg, answer: null, missing: null });
        return;
      case Method.BASIC_DELIVER: {
        const tag = Number(msg.args['deliveryTag']);
        if (ch.noAck.has(String(msg.args['consumerTag']))) this.emit({ first: msg, answer: null, missing: null });
        else this.track(ch.deliveries, tag, msg);
        return;
      }
      case Method.BASIC_ACK:
      case Method.BASIC_NACK:
      case Method.BASIC_REJECT:
        this.settle(ch, msg);
        return;
      default:
        // An answer nothing asked for, or an asynchronous method.
        this.emit(isAnswerMethod(key) ? { first: null, answer: msg, missing: NO_REQUEST } : { first: msg, answer: null, missing: null });
    }
  }

  /** What an answer tells about the channel: confirm mode, a consumer that takes no acks, a new channel. */
  private answered(ch: Channel, request: AmqpMessage, answer: AmqpMessage): void {
    if (answer.key === Method.CONFIRM_SELECT_OK) ch.confirms ??= new Map();
    else if (answer.key === Method.BASIC_CONSUME_OK && request.args['noAck'] === true) ch.noAck.add(String(answer.args['consumerTag']));
    else if (answer.key === Method.CHANNEL_CLOSE_OK) this.dropChannel(request.channel);
  }

  /** A basic.ack, nack or reject: the client's settles deliveries, the broker's confirms publishes. */
  private settle(ch: Channel, msg: AmqpMessage): void {
    const waiting = msg.fromClient ? ch.deliveries : ch.confirms;
    const tag = Number(msg.args['deliveryTag']);
    const settled: Waiting[] = [];
    if (waiting !== null) {
      if (msg.args['multiple'] === true) {
        // Tag 0 with multiple: everything outstanding (§1.8.3.13).
        for (const [t, w] of waiting) {
          if (tag === 0 || t <= tag) {
            settled.push(w);
            waiting.delete(t);
          }
        }
      } else {
        const w = waiting.get(tag);
        if (w !== undefined) {
          settled.push(w);
          waiting.delete(tag);
        }
      }
    }
    if (settled.length === 0) this.emit({ first: msg, answer: null, missing: null });
    for (const w of settled) this.emit({ first: w.msg, answer: msg, missing: null });
  }

  private wait(list: Waiting[], msg: AmqpMessage): void {
    if (list.length >= MAX_WAITING) this.emit({ first: list.shift()!.msg, answer: null, missing: NO_RESPONSE });
    list.push({ msg, lastTs: msg.endTs });
  }

  private track(map: Map<number, Waiting>, tag: number, msg: AmqpMessage): void {
    const old = map.get(tag);
    if (old !== undefined) this.emitUnsettled(old);
    if (map.size >= MAX_WAITING) {
      const [first] = map;
      map.delete(first![0]);
      this.emitUnsettled(first![1]);
    }
    map.set(tag, { msg, lastTs: msg.endTs });
  }

  private emitUnsettled(w: Waiting): void {
    const delivery = w.msg.key === Method.BASIC_DELIVER;
    this.emit({ first: w.msg, answer: null, missing: delivery ? null : NO_RESPONSE, unacknowledged: delivery });
  }

  private dropChannel(n: number): void {
    const ch = this.channels.get(n);
    if (ch === undefined) return;
    this.channels.delete(n);
    const left = [...ch.asked[0], ...ch.asked[1]].sort((a, b) => a.msg.startTs - b.msg.startTs);
    for (const w of left) this.emit({ first: w.msg, answer: null, missing: NO_RESPONSE });
    for (const w of [...ch.deliveries.values(), ...(ch.confirms?.values() ?? [])]) this.emitUnsettled(w);
  }

  private emit(x: Exchange): void {
    this.session.emit(amqpTransaction(x, this.full, this.session.clientDirection));
  }

  /** Emit the waiting exchanges that `which` selects, oldest first. */
  private abandon(which: (w: Waiting) => boolean): void {
    const sync: Waiting[] = [];
    const unsettled: Waiting[] = [];
    for (const ch of this.channels.values()) {
      for (const list of ch.asked) {
        for (let i = list.length - 1; i >= 0; i--) if (which(list[i]!)) sync.push(...list.splice(i, 1));
      }
      for (const map of [ch.deliveries, ch.confirms]) {
        if (map === null) continue;
        for (const [tag, w] of map) {
          if (!which(w)) continue;
          map.delete(tag);
          unsettled.push(w);
        }
      }
    }
    for (const w of [...sync, ...unsettled].sort((a, b) => a.msg.startTs - b.msg.startTs)) {
      try {
        if (sync.includes(w)) this.emit({ first: w.msg, answer: null, missing: NO_RESPONSE });
        else this.emitUnsettled(w);
      } catch {
        // A broken exchange must not hide the ones after it.
      }
    }
  }
}

