/**
 * The queue that pairs requests with responses. HTTP/1.1 answers requests in the order they
 * were sent (RFC 9112 §9.3.2, pipelining), so it is a FIFO: a response completes the oldest
 * request that has no response yet.
 *
 * A pair is emitted, in order, once both its messages are complete; or without a response when
 * the response timeout passes (`expire`) or no response can come any more. A request emitted as
 * unanswered keeps its place until a response (or its loss) claims it, so that a late response
 * does not shift the pairing of every later request.
 */

import { ErrorCodes } from '@shoal/model';
import type { Http1Message } from './message.js';
import { pathOf, type PairView } from './shape.js';

/** Requests waiting beyond this are emitted as unanswered, to bound memory per stream. */
export const MAX_PAIRS = 4096;

export interface Pair extends PairView {
  reqDone: boolean;
  reqEndTs: number;
  /** A response (or its loss) was assigned to this request. */
  answered: boolean;
  resDone: boolean;
  emitted: boolean;
  /** An Upgrade or CONNECT request: the client's next bytes may not be HTTP/1. */
  maySwitch: boolean;
  /** Summary text standing for the request when its method is unknown. */
  label: string;
  /** Its start time is unknown (lost in a capture gap): any later response may answer it. */
  timeless: boolean;
}

export function newPair(req: Http1Message | null, startTs: number): Pair {
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
    label: '(malformed request)',
    timeless: false,
  };
}

/**
 * A response shown on its own (request null, DIS_ERR_NO_REQUEST); `from` is the request it
 * answered when that was already emitted as unanswered (its method and path stay in the summary).
 */
export function responseOnly(msg: Http1Message, from?: Pair): PairView {
  return {
    req: null,
    res: msg,
    problem: { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' },
    startTs: msg.startTs,
    interim: from?.interim ?? null,
    interimBytes: from?.interimBytes ?? 0,
    method: from?.method ?? '',
    path: from?.path ?? '',
  };
}

export class PairQueue {
  private pairs: Pair[] = [];
  /** Index in `pairs` of the oldest request without a response. */
  private next = 0;
  private readonly emitPair: (pair: Pair) => void;

  /** `emit` shows a pair as a transaction; the queue marks it emitted. */
  constructor(emit: (pair: Pair) => void) {
    this.emitPair = emit;
  }

  /** The oldest request without a response, if any. */
  get unanswered(): Pair | undefined {
    return this.pairs[this.next];
  }

  /**
   * The oldest request without a response, if a response that started at `ts` can answer it:
   * a server does not answer a request it has not received, so a request that started after
   * the response cannot be its one (nor can any later request).
   */
  answerable(ts: number): Pair | undefined {
    const p = this.pairs[this.next];
    return p !== undefined && (p.timeless || p.startTs <= ts) ? p : undefined;
  }

  push(pair: Pair): void {
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

  /** Assign the next response (or its loss) to the oldest unanswered request. */
  answer(): Pair | undefined {
    const pair = this.pairs[this.next];
    if (pair === undefined) return undefined;
    this.next++;
    pair.answered = true;
    return pair;
  }

  /** Emit, from the front, every pair that is finished. */
  flush(): void {
    const pairs = this.pairs;
    while (pairs.length > 0) {
      const p = pairs[0]!;
      if (!p.emitted) {
        if (!p.reqDone || !p.resDone) return;
        this.emit(p);
      }
      // A request emitted as unanswered keeps its place until something claims it.
      if (!p.answered || !p.resDone) return;
      pairs.shift();
      this.next--;
    }
  }

  /**
   * Emit without a response the complete requests that waited longer than `timeoutMs` since
   * their last byte, or since `lastResponseEnd` if later: a server answering a pipeline in
   * turn is slow for the later requests, not silent.
   */
  expire(now: number, timeoutMs: number, lastResponseEnd: number): void {
    for (let i = this.next; i < this.pairs.length; i++) {
      const p = this.pairs[i]!;
      if (p.emitted) continue;
      if (!p.reqDone) return;
      if (now - Math.max(p.reqEndTs, lastResponseEnd) <= timeoutMs) return;
      this.emitUnanswered(p);
    }
  }

  /** No response can come any more: emit the complete requests still waiting, forget them. */
  abandonWaiting(): void {
    for (let i = this.next; i < this.pairs.length; i++) {
      const p = this.pairs[i]!;
      if (!p.emitted && p.reqDone) this.emitUnanswered(p);
    }
    const next = this.next;
    this.pairs = this.pairs.filter((p, i) => i < next || !p.emitted);
  }

  /** The stream is over: emit everything not yet emitted, in order. */
  drain(): void {
    const pairs = this.pairs;
    this.pairs = [];
    this.next = 0;
    for (const p of pairs) {
      if (p.emitted) continue;
      try {
        this.emitUnanswered(p);
      } catch {
        // A broken pair must not hide the ones after it.
      }
    }
  }

  /** Emit `pair` now, as it stands. */
  emit(pair: Pair): void {
    pair.emitted = true;
    this.emitPair(pair);
  }

  private emitUnanswered(p: Pair): void {
    if (!p.answered && p.problem === undefined) {
      p.problem = { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
    }
    // A response whose head arrived but which never completed is shown as far as it got.
    this.emit(p);
  }
}
