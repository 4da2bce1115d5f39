/**
 * The HTTP/1.x stream dissector: one reader per direction (reader.ts) and the pairing of
 * requests with responses. HTTP/1.1 answers requests in the order they were sent (RFC 9112
 * §9.3.2, pipelining), so pairing is a FIFO: a response completes the oldest request that has no
 * response yet.
 *
 * A request leaves the queue when its response is complete, when no response came within the
 * response timeout (tick), or when the stream closes. A request emitted as timed out stays in
 * the queue as a marker until a response claims its place, so that a late response does not
 * shift the pairing of every later request.
 */

import { ErrorCodes, type Malformed } from '@shoal/model';
import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { planRequestBody, planResponseBody, splitTokens } from './framing.js';
import { BodyMode, type Http1Message } from './message.js';
import { Http1Reader, type ReaderHost } from './reader.js';
import { makeTransaction, pathOf, type PairView } from './shape.js';

/** Requests waiting for responses beyond this are emitted as unanswered to bound memory. */
const MAX_PAIRS = 1024;

interface Pair extends PairView {
  reqDone: boolean;
  reqEndTs: number;
  /** A response (or its loss) was assigned to this request. */
  answered: boolean;
  resDone: boolean;
  emitted: boolean;
  /** An Upgrade or CONNECT request: the client's next bytes may not be HTTP/1. */
  maySwitch: boolean;
  /** A request (possibly unparsed) started this pair. */
  hasRequest: boolean;
  label: string;
}

function newPair(req: Http1Message | null, startTs: number): Pair {
  return {
    req,
    res: null,
    problem: undefined,
    startTs,
    interim: null,
    interimBytes: 0,
    method: req !== null ? req.method : '',
    path: req !== null ? pathOf(req.target) : '',
    reqDone: false,
    reqEndTs: startTs,
    answered: false,
    resDone: false,
    emitted: false,
    maySwitch: false,
    hasRequest: true,
    label: '(malformed request)',
  };
}

export class Http1Stream implements StreamDissector, ReaderHost {
  private readonly session: DissectorSession;
  private readonly clientDir: Direction;
  private readonly cap: number;
  private readonly timeoutMs: number;
  private readonly requests: Http1Reader;
  private readonly responses: Http1Reader;

  private pairs: Pair[] = [];
  /** Index in `pairs` of the oldest request without a response. */
  private next = 0;
  /** The pair whose request is being read, and the one whose response is. */
  private reading: Pair | null = null;
  private answering: Pair | null = null;
  private lastResponseEnd = Number.NEGATIVE_INFINITY;
  private serverEnded = false;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.clientDir = session.clientDirection;
    this.cap = Math.max(0, session.options.bodyCapBytes);
    this.timeoutMs = session.options.responseTimeoutMs;
    this.requests = new Http1Reader(true, this, this.cap);
    this.responses = new Http1Reader(false, this, this.cap);
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    const reader = this.readerFor(direction);
    try {
      reader.feed(chunk, timestampMs);
    } catch {
      this.recover(reader);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    const reader = this.readerFor(direction);
    try {
      reader.gap(length, timestampMs);
    } catch {
      this.recover(reader);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    const reader = this.readerFor(direction);
    try {
      reader.finish(timestampMs);
      if (!reader.isRequest && !this.done) this.serverGone();
    } catch {
      this.recover(reader);
    }
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.expire(timestampMs);
    } catch {
      // Nothing to repair: pairing state is only read here.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    try {
      // No switch can come now: held client bytes are HTTP/1 after all.
      this.serverEnded = true;
      this.requests.resume();
      this.requests.finish(timestampMs);
      this.responses.finish(timestampMs);
    } catch {
      // Fall through: whatever is queued is still emitted below.
    }
    this.done = true;
    for (const p of this.pairs) {
      if (p.emitted) continue;
      try {
        this.emitUnanswered(p);
      } catch {
        // A broken pair must not hide the ones after it.
      }
    }
    this.pairs = [];
  }

  // ---- ReaderHost ------------------------------------------------------------------------------

  head(reader: Http1Reader, msg: Http1Message): void {
    if (reader.isRequest) {
      planRequestBody(msg);
      const pair = newPair(msg, msg.startTs);
      pair.maySwitch = msg.method === 'CONNECT' || msg.headers['upgrade'] !== undefined;
      this.push(pair);
      this.reading = pair;
      return;
    }
    const pair = this.pairs[this.next];
    planResponseBody(msg, pair === undefined ? '' : pair.method);
    // 1xx other than 101 are interim (RFC 9110 §15.2): the final response is still to come.
    if (msg.status < 200 && msg.status !== 101) {
      this.answering = null;
      return;
    }
    if (pair !== undefined) {
      pair.res = msg;
      pair.answered = true;
      this.next++;
    }
    this.answering = pair ?? null;
  }

  complete(reader: Http1Reader, msg: Http1Message): void {
    if (reader.isRequest) this.requestComplete(msg);
    else this.responseComplete(msg);
  }

  lost(reader: Http1Reader, code: string, ts: number): void {
    if (reader.isRequest) {
      // Garbage, an oversized head or a gap where a request was: keep its place in the queue,
      // or its response would be paired with the next request.
      const pair = newPair(null, ts);
      pair.problem = { code, at: 'request' };
      pair.reqDone = true;
      if (code === ErrorCodes.DIS_ERR_GAP || code === ErrorCodes.DIS_ERR_TRUNCATED) pair.label = '(lost request)';
      this.reading = null;
      this.push(pair);
      return;
    }
    const pair = this.pairs[this.next];
    if (pair === undefined) return;
    this.next++;
    pair.answered = true;
    pair.resDone = true;
    if (pair.problem === undefined) pair.problem = { code, at: 'response' };
    if (pair.maySwitch) this.requests.resume();
    this.flush();
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
    this.flush();
  }

  private responseComplete(msg: Http1Message): void {
    if (msg.status < 200 && msg.status !== 101) {
      const pair = this.pairs[this.next];
      if (pair !== undefined) {
        (pair.interim ??= []).push(msg.status);
        pair.interimBytes += msg.wireSize;
      }
      return;
    }
    const pair = this.answering;
    this.answering = null;
    this.lastResponseEnd = msg.endTs;
    if (pair === null || pair.res !== msg) {
      this.emitView(this.orphanView(msg, '', ''), false, '(no request)');
    } else {
      pair.resDone = true;
      if (pair.emitted) {
        // Its request was already emitted as unanswered: show the response on its own.
        this.emitView(this.orphanView(msg, pair.method, pair.path, pair), false, '(no request)');
      }
    }
    if (msg.bodyMode === BodyMode.SWITCH) {
      this.switchProtocol(pair, msg);
      return;
    }
    if (pair?.maySwitch) this.requests.resume();
    this.flush();
  }

  private orphanView(msg: Http1Message, method: string, path: string, from?: Pair): PairView {
    return {
      req: null,
      res: msg,
      problem: { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' },
      startTs: msg.startTs,
      interim: from?.interim ?? null,
      interimBytes: from?.interimBytes ?? 0,
      method,
      path,
    };
  }

  /** 101 Switching Protocols, or 2xx to CONNECT: emit, then hand the stream over. */
  private switchProtocol(pair: Pair | null, msg: Http1Message): void {
    this.flush();
    if (pair !== null && !pair.emitted) {
      pair.emitted = true;
      this.emitView(pair, true, pair.label);
    }
    for (const p of this.pairs) if (!p.emitted) this.emitUnanswered(p);
    this.pairs = [];
    this.done = true;
    const pending: [Buffer[], Buffer[]] = [[], []];
    pending[this.clientDir] = this.requests.detach();
    pending[this.clientDir === 0 ? 1 : 0] = this.responses.detach();
    let protocol = 'tunnel';
    if (msg.status === 101) {
      const offer = msg.headers['upgrade'] ?? pair?.req?.headers['upgrade'] ?? '';
      const first = splitTokens(offer)[0] ?? '';
      const slash = first.indexOf('/');
      protocol = (slash >= 0 ? first.slice(0, slash) : first) || 'unknown';
    }
    this.session.upgrade(protocol, pending);
  }

  /** Emit, from the front, every pair that is finished. */
  private flush(): void {
    const pairs = this.pairs;
    while (pairs.length > 0) {
      const p = pairs[0]!;
      if (!p.emitted) {
        if (!p.reqDone || !p.resDone) return;
        p.emitted = true;
        this.emitView(p, true, p.label);
      }
      // A timed-out request keeps its place until a response (or its loss) claims it.
      if (!p.answered || !p.resDone) return;
      pairs.shift();
      this.next--;
    }
  }

  private push(pair: Pair): void {
    if (this.pairs.length >= MAX_PAIRS) {
      const oldest = this.pairs[0]!;
      if (!oldest.answered) {
        if (!oldest.emitted) this.emitUnanswered(oldest);
        this.pairs.shift();
        if (this.next > 0) this.next--;
      }
    }
    this.pairs.push(pair);
  }

  /** tick: requests whose response is overdue are emitted without one. */
  private expire(now: number): void {
    // A response still arriving may be the answer; and the next ones queue behind it.
    if (this.responses.busy) return;
    for (let i = this.next; i < this.pairs.length; i++) {
      const p = this.pairs[i]!;
      if (p.emitted) continue;
      if (!p.reqDone) return;
      if (now - Math.max(p.reqEndTs, this.lastResponseEnd) <= this.timeoutMs) return;
      this.emitUnanswered(p);
    }
  }

  /** The server's direction ended: nothing queued will be answered now. */
  private serverGone(): void {
    this.serverEnded = true;
    this.requests.resume();
    for (let i = this.next; i < this.pairs.length; i++) {
      const p = this.pairs[i]!;
      if (!p.emitted && p.reqDone) this.emitUnanswered(p);
    }
    this.pairs = this.pairs.filter((p, i) => i < this.next || !p.emitted);
  }

  private emitUnanswered(p: Pair): void {
    if (!p.answered && p.problem === undefined) {
      p.problem = { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' } satisfies Malformed;
    }
    p.emitted = true;
    // A response whose head arrived but which never completed is shown as far as it got.
    this.emitView(p, true, p.label);
  }

  private emitView(view: PairView, hasRequest: boolean, label: string): void {
    this.session.emit(makeTransaction(view, this.cap, hasRequest, label));
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
