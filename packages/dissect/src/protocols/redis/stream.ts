/**
 * The Redis connection dissector: a RESP reader per direction (reader.ts) and the pairing of
 * commands with replies.
 *
 * Pairing. Redis answers the commands of a connection in the order it received them, so a
 * pipeline is a queue: a reply answers the oldest command still waiting (Redis documentation,
 * "Pipelining"). Beside replies the server sends pushes, which answer nothing:
 *
 * - RESP3 pushes (`>`): published messages, key-space invalidations, and the confirmations of
 *   SUBSCRIBE and its kin; RESP2 has no push type, and a subscribed connection receives
 *   `message` / `pmessage` / `smessage` arrays instead (Redis "Pub/Sub"). A message is an entry
 *   of its own (`request` null); on RESP2 an array is taken for one only while the connection is
 *   subscribed (or no command waits), since LRANGE may return `["message", …]` too.
 * - SUBSCRIBE a b c is confirmed once per channel (`[subscribe, a, 1]`, …); UNSUBSCRIBE without
 *   channels once per subscription it ends. The confirmations are gathered into the command's
 *   entry, and what was subscribed is followed to know how many to wait for.
 * - After MONITOR's `+OK`, every simple string that answers no command is an entry of its own.
 * - CLIENT REPLY OFF and SKIP silence the replies to come: a command that gets none is emitted
 *   at once (`(no reply asked)`).
 *
 * HELLO 3 switches the connection to RESP3 (its reply is a map), HELLO 2 back (an array): each
 * entry's `protocol.version` is the version spoken when it was emitted.
 *
 * Losses. A gap inside a bulk string costs only that message (its length is known). Otherwise a
 * direction loses its framing and searches for the next message (reader.ts), and how many
 * messages the gap held is unknown:
 * - commands lost: a placeholder takes their place in the queue and absorbs the replies that
 *   began before the next command seen (a server cannot answer a command it has not received),
 *   each an entry of its own with DIS_ERR_GAP; the next command then gets its reply;
 * - replies lost: at the first reply after the loss, the commands waiting except the latest one
 *   sent before it are emitted as answered by the loss (DIS_ERR_GAP); that reply answers it.
 *   Exact for a client that waits for each reply, an approximation for a pipeline.
 *
 * A command without a reply is emitted with DIS_ERR_NO_RESPONSE once the response timeout
 * passes (it keeps its place, so that a late reply does not shift every later pair), when the
 * server ends the connection, or when the stream closes. A reply no command waits for is an
 * entry of its own with DIS_ERR_NO_REQUEST.
 */

import { ErrorCodes, type Malformed } from '@shoal/model';
import type { Direction, DissectorSession } from '../../dissector.js';
import { ReaderPairStream } from '../reader-pair-stream.js';
import { latin1 } from '../../latin1.js';
import { CONFIRMED_BY, readCommand, type Command } from './command.js';
import { RespReader, type RespMessage } from './reader.js';
import { RespType, type RespValue } from './resp.js';
import { ITEMS_SHOWN, redisTransaction, type Exchange } from './shape.js';
import { CONFIRMATION_KINDS, MESSAGE_KINDS } from './starts.js';

/** Commands waiting beyond this are emitted as unanswered, to bound memory per connection. */
export const MAX_PENDING = 4096;

interface Pending {
  /** null: the place of commands lost in a gap. */
  cmd: Command | null;
  startTs: number;
  endTs: number;
  replies: RespMessage[];
  /** Confirmations still awaited (the subscribe family); 1 for any other command. */
  awaited: number;
  /** Emitted as unanswered (its place is kept until a reply claims it). */
  emitted: boolean;
}

const NO_RESPONSE: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' });
const NO_REQUEST: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' });
const LOST_REQUEST: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_GAP, at: 'request' });
const LOST_RESPONSE: Malformed = Object.freeze({ code: ErrorCodes.DIS_ERR_GAP, at: 'response' });

/** The first value of an array or push as lower-case text, when it is a bulk string. */
function kindOf(v: RespValue): string {
  const first = v.items?.[0];
  return first !== undefined && first.type === RespType.BULK_STRING && first.src !== null && first.kept <= 32 ? latin1(first.src, first.off, first.off + first.kept).toLowerCase() : '';
}

export class RedisStream extends ReaderPairStream<RespReader> {
  private readonly session: DissectorSession;
  private readonly full: boolean;
  private readonly timeoutMs: number;
  private queue: Pending[] = [];
  private version: 2 | 3 = 2;
  /** Subscriptions held, by kind: channels and patterns (counted together by Redis), shard channels. */
  private subscriptions = 0;
  private shardSubscriptions = 0;
  private monitoring = false;
  /** CLIENT REPLY: off, or skip the next command's reply. */
  private repliesOff = false;
  private skipNext = false;
  /** The server's framing was lost: the next reply settles which commands it took. */
  private repliesLost = false;
  private lastReplyEnd = Number.NEGATIVE_INFINITY;

  constructor(session: DissectorSession) {
    super();
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.timeoutMs = session.options.responseTimeoutMs;
    // The same bounds in both details, so both give the same entries but for values.
    const limits = { keepBytes: Math.max(0, session.options.bodyCapBytes), keepItems: ITEMS_SHOWN };
    const readers: RespReader[] = [];
    for (const client of [true, false]) {
      const direction = client ? session.clientDirection : 1 - session.clientDirection;
      readers[direction] = new RespReader(client, limits, {
        message: (m) => (client ? this.command(m) : this.reply(m)),
        lost: (ts) => (client ? this.commandsLost(ts) : (this.repliesLost = true)),
      });
    }
    this.readers = readers as [RespReader, RespReader];
  }

  // ---- StreamDissector: nothing escapes these (reader-pair-stream.ts) ------------------------

  /** The server closed the connection: what waits will not be answered. */
  protected override ended(direction: Direction): void {
    if (direction !== this.session.clientDirection) this.abandon();
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      // A reply still arriving may be the answer; the next ones queue behind it.
      if (this.readers[1 - this.session.clientDirection]!.busy) return;
      for (const p of this.queue) {
        if (p.emitted) continue;
        if (timestampMs - Math.max(p.endTs, this.lastReplyEnd) <= this.timeoutMs) return;
        this.emitUnanswered(p);
      }
      while (this.queue[0]?.cmd === null && timestampMs - this.queue[0].endTs > this.timeoutMs) this.queue.shift();
    } catch {
      // Nothing to repair: what failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    for (const reader of this.readers) {
      try {
        reader.end(timestampMs);
      } catch {
        // Its message in progress is lost; the rest is still emitted below.
      }
    }
    this.done = true;
    this.abandon();
  }

  // ---- commands --------------------------------------------------------------------------------

  private command(msg: RespMessage): void {
    const cmd = readCommand(msg);
    if (this.unanswerable(cmd)) {
      this.emit({ cmd, replies: [], push: false, unanswerable: true, missing: null, answered: null, version: this.version });
      return;
    }
    const kind = CONFIRMED_BY[cmd.name];
    let awaited = 1;
    if (kind !== undefined) {
      const held = isShardKind(kind) ? this.shardSubscriptions : this.subscriptions;
      // Without channels, an unsubscribe is confirmed once per subscription it ends (once if none).
      awaited = cmd.argCount > 0 ? cmd.argCount : Math.max(1, held);
    }
    if (this.queue.length >= MAX_PENDING) {
      const oldest = this.queue.shift()!;
      if (!oldest.emitted && oldest.cmd !== null) this.emitUnanswered(oldest);
    }
    this.queue.push({ cmd, startTs: msg.startTs, endTs: msg.endTs, replies: [], awaited, emitted: false });
  }

  /** CLIENT REPLY OFF and SKIP (and what they silence) get no reply (Redis "CLIENT REPLY"). */
  private unanswerable(cmd: Command): boolean {
    if (cmd.name === 'CLIENT' && cmd.sub === 'REPLY') {
      const mode = cmd.msg.value.items?.[2];
      const word = mode?.src == null ? '' : latin1(mode.src, mode.off, mode.off + mode.kept).toUpperCase();
      if (word === 'ON') {
        this.repliesOff = false;
        this.skipNext = false;
        return false;
      }
      if (word === 'OFF') this.repliesOff = true;
      else if (word === 'SKIP') {
        this.skipNext = true;
        return true;
      }
    }
    if (this.repliesOff) return true;
    if (this.skipNext) {
      this.skipNext = false;
      return true;
    }
    return false;
  }

  /** The client's framing was lost: commands may have gone by unseen. */
  private commandsLost(ts: number): void {
    const last = this.queue[this.queue.length - 1];
    if (last !== undefined && last.cmd === null) return;
    this.queue.push({ cmd: null, startTs: ts, endTs: ts, replies: [], awaited: 1, emitted: false });
  }

  // ---- replies ---------------------------------------------------------------------------------

  private reply(msg: RespMessage): void {
    const v = msg.value;
    const push = v.type === RespType.PUSH;
    const kind = push || v.type === RespType.ARRAY ? kindOf(v) : '';
    const head = this.head();
    const subscribing = head?.cmd != null && CONFIRMED_BY[head.cmd.name] !== undefined;
    if ((push || subscribing || head === undefined) && CONFIRMATION_KINDS.has(kind) && isConfirmationShape(v)) {
      this.confirmation(msg, kind);
      return;
    }
    if (push || (MESSAGE_KINDS.has(kind) && (this.subscriptions + this.shardSubscriptions > 0 || head === undefined) && isMessageShape(v, kind))) {
      this.emitPush(msg);
      return;
    }
    if (this.monitoring && head === undefined && v.type === RespType.SIMPLE_STRING) {
      this.emitPush(msg);
      return;
    }
    this.lastReplyEnd = msg.endTs;
    if (this.repliesLost) this.settleLostReplies(msg.startTs);
    this.answer(msg);
  }

  /** A (un)subscribe confirmation: gathered into its command's entry, or one of its own. */
  private confirmation(msg: RespMessage, kind: string): void {
    const count = Number(msg.value.items![2]!.line);
    if (isShardKind(kind)) this.shardSubscriptions = count;
    else this.subscriptions = count;
    const head = this.head();
    if (head === undefined || head.cmd === null || CONFIRMED_BY[head.cmd.name] !== kind) {
      this.emitPush(msg);
      return;
    }
    this.lastReplyEnd = msg.endTs;
    head.replies.push(msg);
    head.awaited--;
    // Ending every subscription ends an unsubscribe-all, however many were counted.
    if (head.awaited === 0 || (head.cmd.argCount === 0 && count === 0)) this.complete(head);
  }

  /** `msg` answers the oldest command waiting. */
  private answer(msg: RespMessage): void {
    for (;;) {
      const head = this.head();
      if (head === undefined) {
        this.emit({ cmd: null, replies: [msg], push: false, unanswerable: false, missing: NO_REQUEST, answered: null, version: this.version });
        return;
      }
      if (head.cmd === null) {
        // Commands lost in a gap: a reply that began before the next command seen answered one of them.
        const next = this.queue[this.queue.indexOf(head) + 1];
        if (next !== undefined && next.startTs <= msg.startTs) {
          this.remove(head);
          continue;
        }
        this.emit({ cmd: null, replies: [msg], push: false, unanswerable: false, missing: LOST_REQUEST, answered: null, version: this.version });
        return;
      }
      if (head.replies.length > 0) {
        // A subscribe answered by fewer confirmations than channels counted: it is over.
        this.complete(head);
        continue;
      }
      head.replies.push(msg);
      this.noteMode(head.cmd, msg.value);
      this.complete(head);
      return;
    }
  }

  /** What a reply says about the connection: HELLO's protocol, MONITOR's stream. */
  private noteMode(cmd: Command, v: RespValue): void {
    if (cmd.name === 'HELLO') {
      if (v.type === RespType.MAP) this.version = 3;
      else if (v.type === RespType.ARRAY) this.version = 2;
    } else if (cmd.name === 'MONITOR' && v.type === RespType.SIMPLE_STRING) this.monitoring = true;
  }

  /**
   * The first reply after the server's framing was lost, starting at `ts`: the latest command
   * sent before it is the one it answers; those before it lost their replies in the gap.
   */
  private settleLostReplies(ts: number): void {
    this.repliesLost = false;
    let answered = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const p = this.queue[i]!;
      if (p.cmd !== null && p.startTs <= ts) answered = i;
    }
    for (let i = 0; i < answered; i++) {
      const p = this.queue[0]!;
      this.queue.shift();
      if (p.cmd === null) continue;
      if (p.emitted) continue;
      this.emit({ cmd: p.cmd, replies: p.replies, push: false, unanswerable: false, missing: LOST_RESPONSE, answered: null, version: this.version });
    }
  }

  // ---- emitting --------------------------------------------------------------------------------

  /** The oldest waiting command (or placeholder), if any. */
  private head(): Pending | undefined {
    return this.queue[0];
  }

  private complete(p: Pending): void {
    this.remove(p);
    if (p.emitted) {
      // Its command was emitted as unanswered: the reply is shown on its own, named by it.
      this.emit({ cmd: null, replies: p.replies, push: false, unanswerable: false, missing: NO_REQUEST, answered: p.cmd, version: this.version });
      return;
    }
    this.emit({ cmd: p.cmd, replies: p.replies, push: false, unanswerable: false, missing: null, answered: null, version: this.version });
  }

  private remove(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private emitPush(msg: RespMessage): void {
    this.emit({ cmd: null, replies: [msg], push: true, unanswerable: false, missing: null, answered: null, version: this.version });
  }

  private emitUnanswered(p: Pending): void {
    p.emitted = true;
    this.emit({ cmd: p.cmd, replies: p.replies, push: false, unanswerable: false, missing: p.replies.length === 0 ? NO_RESPONSE : null, answered: null, version: this.version });
  }

  /** No reply can come any more: emit every command still waiting. */
  private abandon(): void {
    const queue = this.queue;
    this.queue = [];
    for (const p of queue) {
      if (p.emitted || p.cmd === null) continue;
      try {
        this.emitUnanswered(p);
      } catch {
        // A broken command must not hide the ones after it.
      }
    }
  }

  private emit(x: Exchange): void {
    this.session.emit(redisTransaction(x, this.full));
  }
}

/** Sharded pub/sub (SSUBSCRIBE, Redis 7) counts its subscriptions apart from the others. */
const isShardKind = (kind: string): boolean => kind === 'ssubscribe' || kind === 'sunsubscribe';

/** `[kind, channel, count]`: the channel a bulk string (null when unsubscribing from none), the count an integer. */
function isConfirmationShape(v: RespValue): boolean {
  const items = v.items;
  return items !== null && v.length === 3 && items.length === 3 && items[1]!.type === RespType.BULK_STRING && items[2]!.type === RespType.INTEGER;
}

/** `[message, channel, payload]`, `[smessage, …]`, `[pmessage, pattern, channel, payload]`. */
function isMessageShape(v: RespValue, kind: string): boolean {
  return v.length === (kind === 'pmessage' ? 4 : 3);
}
