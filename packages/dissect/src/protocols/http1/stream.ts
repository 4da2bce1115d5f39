/**
 * The HTTP/1.x stream dissector: one reader per direction (reader.ts), a queue pairing their
 * messages (pairs.ts), and the hand-over when the connection switches protocols.
 *
 * The two directions reach us in capture order only roughly: reassembly may hold one back (a
 * hole waiting for a retransmission) while the other flows on. A response whose request has
 * not been parsed yet, but may still come (the client's bytes so far are not later than the
 * response), is held unparsed until a request arrives, the client's bytes pass its time, the
 * client ends, or the response timeout passes; only then is it taken for one without request.
 */

import { ErrorCodes } from '@shoal/model';
import type { Direction, DissectorSession, StreamDissector, UpgradeHandshake } from '../../dissector.js';
import { planRequestBody, planResponseBody, upgradeProtocol } from './framing.js';
import { BodyMode, type Http1Message } from './message.js';
import { newPair, PairQueue, responseOnly, type Pair } from './pairs.js';
import { Http1Reader, type ReaderHost } from './reader.js';
import type { ReaderSteps } from './reader-steps.js';
import { graphqlTransaction, mayCarryGraphql } from '../graphql/index.js';
import { makeTransaction, type PairView } from './shape.js';

export class Http1Stream implements StreamDissector, ReaderHost {
  private readonly session: DissectorSession;
  private readonly clientDir: Direction;
  private readonly cap: number;
  /** The session's body cap, also in detail `summary` (for GraphQL: Http1Message.bodyCap). */
  private readonly bodyCapBytes: number;
  /** Detail `full`: header records and bodies; `summary`: neither (body cap 0). */
  private readonly full: boolean;
  private readonly timeoutMs: number;
  private readonly requests: Http1Reader;
  private readonly responses: Http1Reader;
  private readonly queue: PairQueue;

  /** The pair whose request is being read, the one a response answers, and one getting 1xx. */
  private reading: Pair | null = null;
  private answering: Pair | null = null;
  private interimFor: Pair | null = null;
  private lastResponseEnd = Number.NEGATIVE_INFINITY;
  /** Capture time of the latest client bytes (or gap) handed to us. */
  private lastClientTs = Number.NEGATIVE_INFINITY;
  private clientEnded = false;
  private serverEnded = false;
  /** Start of the response held for want of a request, or null. */
  private heldResponseTs: number | null = null;
  /** Responses that started at or before this are no longer held (their wait timed out). */
  private waitedUntil = Number.NEGATIVE_INFINITY;
  /** Protocol to hand over to once the current call has parsed what it can. */
  private switchTo: string | null = null;
  /** The exchange that switched, for the next protocol (UpgradeHandshake). */
  private handshake: UpgradeHandshake | undefined;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.clientDir = session.clientDirection;
    this.full = session.options.detail !== 'summary';
    this.bodyCapBytes = Math.max(0, session.options.bodyCapBytes);
    this.cap = this.full ? this.bodyCapBytes : 0;
    this.timeoutMs = session.options.responseTimeoutMs;
    this.requests = new Http1Reader(true, this, this.cap, this.full);
    this.responses = new Http1Reader(false, this, this.cap, this.full);
    this.queue = new PairQueue((p) => this.emitView(p, true, p.label));
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    const reader = this.readerFor(direction);
    try {
      if (reader.isRequest) {
        if (timestampMs > this.lastClientTs) this.lastClientTs = timestampMs;
        this.releaseIfHopeless();
      }
      reader.feed(chunk, timestampMs);
    } catch {
      this.recover(reader);
    }
    this.handOver();
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    const reader = this.readerFor(direction);
    try {
      // A gap is declared when reassembly gives up on a hole, later than the bytes it stands
      // for: its time says nothing about when the lost request was sent.
      reader.gap(length, timestampMs);
    } catch {
      this.recover(reader);
    }
    this.handOver();
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    const reader = this.readerFor(direction);
    try {
      reader.finish(timestampMs);
      if (reader.isRequest) {
        this.clientEnded = true;
        this.releaseHeld();
      } else if (!this.done) this.serverGone();
    } catch {
      this.recover(reader);
    }
    this.handOver();
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      if (this.heldResponseTs !== null && timestampMs - this.heldResponseTs > this.timeoutMs) {
        this.waitedUntil = this.heldResponseTs;
        this.releaseHeld();
      }
      // A response still arriving may be the answer; and the next ones queue behind it.
      if (!this.responses.busy) this.queue.expire(timestampMs, this.timeoutMs, this.lastResponseEnd);
    } catch {
      // Nothing to repair: pairing state is only read here.
    }
    this.handOver();
  }

  close(timestampMs: number): void {
    if (this.done) return;
    try {
      // No switch can come now: held client bytes are HTTP/1 after all.
      this.serverEnded = true;
      this.requests.resume();
      this.requests.finish(timestampMs);
      this.clientEnded = true;
      this.releaseHeld();
      this.responses.finish(timestampMs);
    } catch {
      // Fall through: whatever is queued is still emitted below.
    }
    if (this.switchTo !== null) {
      this.handOver();
      return;
    }
    this.done = true;
    this.queue.drain();
  }

  // ---- ReaderHost ------------------------------------------------------------------------------

  accept(reader: ReaderSteps, msg: Http1Message): boolean {
    if (reader.isRequest || this.done || this.queue.unanswered !== undefined) return true;
    if (msg.startTs <= this.waitedUntil || !this.clientMayStillAsk(msg.startTs)) return true;
    this.heldResponseTs = msg.startTs;
    return false;
  }

  head(reader: ReaderSteps, msg: Http1Message): void {
    if (reader.isRequest) {
      planRequestBody(msg);
      if (mayCarryGraphql(msg)) msg.bodyCap = this.bodyCapBytes;
      const pair = newPair(msg, msg.startTs);
      pair.maySwitch = msg.method === 'CONNECT' || msg.headers['upgrade'] !== undefined;
      this.queue.push(pair);
      this.reading = pair;
      this.releaseHeld();
      return;
    }
    const waiting = this.queue.answerable(msg.startTs);
    planResponseBody(msg, waiting === undefined ? '' : waiting.method);
    // 1xx other than 101 are interim (RFC 9110 §15.2): the final response is still to come.
    if (msg.status < 200 && msg.status !== 101) {
      this.answering = null;
      this.interimFor = waiting ?? null;
      return;
    }
    const pair = waiting !== undefined ? this.queue.answer() : undefined;
    if (pair !== undefined) pair.res = msg;
    if (pair !== undefined && pair.req !== null && mayCarryGraphql(pair.req)) msg.bodyCap = this.bodyCapBytes;
    this.answering = pair ?? null;
  }

  complete(reader: ReaderSteps, msg: Http1Message): void {
    if (reader.isRequest) this.requestComplete(msg);
    else this.responseComplete(msg);
  }

  lost(reader: ReaderSteps, code: string, ts: number): void {
    if (reader.isRequest) {
      // Garbage, an oversized head or a gap where a request was: keep its place in the queue,
      // or its response would be paired with the next request.
      const pair = newPair(null, ts);
      pair.problem = { code, at: 'request' };
      pair.reqDone = true;
      if (code === ErrorCodes.DIS_ERR_GAP || code === ErrorCodes.DIS_ERR_TRUNCATED) pair.label = '(lost request)';
      pair.timeless = code === ErrorCodes.DIS_ERR_GAP;
      this.reading = null;
      this.queue.push(pair);
      this.releaseHeld();
      return;
    }
    // A response lost (garbled, or cut by a gap) answered the oldest request, if one was sent
    // before it; if none was, there is nothing to attach the loss to. A gap may hold several
    // responses (its length does not say how many): the requests lost in a gap queued right
    // behind are taken as answered in it too. Their responses went with them (both directions
    // lose packets together: drops, a capture replaced); left waiting, each would take the next
    // response, and every later request the response of the one before it.
    if (this.queue.answerable(ts) === undefined) return;
    do {
      const pair = this.queue.answer()!;
      pair.resDone = true;
      if (pair.problem === undefined) pair.problem = { code, at: 'response' };
      if (pair.maySwitch) this.requests.resume();
    } while (code === ErrorCodes.DIS_ERR_GAP && this.queue.unanswered?.timeless === true);
    this.queue.flush();
  }

  // ---- pairing ---------------------------------------------------------------------------------

  private requestComplete(msg: Http1Message): void {
    const pair = this.reading;
    this.reading = null;
    if (pair === null || pair.req !== msg) return;
    pair.reqDone = true;
    pair.reqEndTs = msg.endTs;
    // Until the response says whether the protocol switched, the client's next bytes may be
    // WebSocket frames, an h2c preface or tunnelled TLS: hold them.
    if (pair.maySwitch && !pair.answered && !this.serverEnded) this.requests.pause();
    this.queue.flush();
  }

  private responseComplete(msg: Http1Message): void {
    if (msg.status < 200 && msg.status !== 101) {
      const pair = this.interimFor;
      this.interimFor = null;
      if (pair !== null && !pair.answered) {
        (pair.interim ??= []).push(msg.status);
        pair.interimBytes += msg.wireSize;
      }
      return;
    }
    const pair = this.answering;
    this.answering = null;
    this.lastResponseEnd = msg.endTs;
    if (pair === null || pair.res !== msg) {
      this.emitView(responseOnly(msg), false, '(no request)');
    } else {
      pair.resDone = true;
      if (pair.emitted) {
        // Its request was already emitted as unanswered: show the response on its own.
        this.emitView(responseOnly(msg, pair), false, '(no request)');
      }
    }
    if (msg.bodyMode === BodyMode.SWITCH) {
      this.switchProtocol(pair, msg);
      return;
    }
    if (pair?.maySwitch) this.requests.resume();
    this.queue.flush();
  }

  /** 101 Switching Protocols, or 2xx to CONNECT: emit, then hand the stream over. */
  private switchProtocol(pair: Pair | null, msg: Http1Message): void {
    this.queue.flush();
    if (pair !== null && !pair.emitted) this.queue.emit(pair);
    this.queue.drain();
    this.done = true;
    // Either reader may be in the middle of a chunk (a held response released while parsing a
    // request): they keep what they do not consume, and handOver passes it on.
    this.requests.detach();
    this.responses.detach();
    this.switchTo = msg.status === 101 ? upgradeProtocol(msg, pair?.req ?? null) : 'tunnel';
    this.handshake = { request: pair?.req?.headers ?? null, response: msg.headers };
  }

  /** After a switch: give the next protocol every byte not consumed, per direction. */
  private handOver(): void {
    const protocol = this.switchTo;
    if (protocol === null) return;
    this.switchTo = null;
    const pending: [Buffer[], Buffer[]] = [[], []];
    pending[this.clientDir] = this.requests.takeRest();
    pending[this.clientDir === 0 ? 1 : 0] = this.responses.takeRest();
    this.session.upgrade(protocol, pending, this.handshake);
  }

  holdFull(reader: ReaderSteps): void {
    if (reader.isRequest) {
      // Nobody answered the switch in time to matter: parse the held bytes as HTTP/1.
      this.requests.resume();
    } else if (this.heldResponseTs !== null) {
      this.waitedUntil = this.heldResponseTs;
      this.releaseHeld();
    }
  }

  /** Can a request that started by `ts` still be parsed from the client's bytes? */
  private clientMayStillAsk(ts: number): boolean {
    return !this.clientEnded && (this.lastClientTs <= ts || this.requests.pendingHeadTs <= ts);
  }

  /** Parse the held responses again (they will pair, or be taken for ones without request). */
  private releaseHeld(): void {
    if (this.heldResponseTs === null) return;
    this.heldResponseTs = null;
    this.responses.resume();
  }

  /**
   * Client bytes later than the held response arrive, and no request begun before it is being
   * received: its request will not come. Checked before those bytes are parsed, so that what
   * is parsed before the held response is released does not depend on chunking.
   */
  private releaseIfHopeless(): void {
    if (this.heldResponseTs !== null && !this.clientMayStillAsk(this.heldResponseTs)) this.releaseHeld();
  }

  /** The server's direction ended: nothing queued will be answered now. */
  private serverGone(): void {
    this.serverEnded = true;
    this.requests.resume();
    this.queue.abandonWaiting();
  }

  private emitView(view: PairView, hasRequest: boolean, label: string): void {
    const tx = makeTransaction(view, this.full ? this.cap : null, hasRequest, label);
    this.session.emit(graphqlTransaction(tx, view.req, view.res, this.bodyCapBytes, this.full));
  }

  private readerFor(direction: Direction): Http1Reader {
    return direction === this.clientDir ? this.requests : this.responses;
  }

  /** A bug surfaced as an exception: drop that direction's partial state and resync. */
  private recover(reader: Http1Reader): void {
    try {
      reader.reset();
    } catch {
      // Give up on this stream rather than throw into the capture pipeline.
      this.done = true;
    }
  }
}
