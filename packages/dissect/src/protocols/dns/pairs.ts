/**
 * Which query a response answers. A resolver takes a response for its query when it comes back
 * on the same 5-tuple with the same ID and the same question (RFC 5452 §4.3, §9.1: ID and
 * question both, because IDs alone collide); the flow is the 5-tuple, this is the rest. Names
 * compare case-insensitively (RFC 4343 §3, and 0x20-randomised names, which answer in the case
 * they were asked). Responses may come in any order (RFC 7766 §7: pipelined TCP queries are
 * answered out of order; UDP datagrams overtake each other), so the pending queries are a map
 * by ID, not a queue.
 *
 * A query sent again with the same ID and question while the first one waits is the client
 * retrying (resolvers resend after a second or so on UDP): it is counted on the waiting query
 * (`retransmissions`) and restarts its timeout, so one question asked three times is one entry,
 * answered or not.
 */

import type { DnsMessage } from './message.js';
import { sameName } from './names.js';

/** One message as it arrived: decoded (null when not even its header came), when, how big, what went wrong. */
export interface Arrival {
  msg: DnsMessage | null;
  startTs: number;
  endTs: number;
  /** Bytes on the wire (over TCP with the length prefix). */
  size: number;
  problem: string | null;
}

export interface Query extends Arrival {
  msg: DnsMessage;
  retransmissions: number;
  /** Last byte of the last copy sent: the response timeout counts from here. */
  lastTs: number;
  /** Answered or emitted: no longer waiting. */
  done: boolean;
  /** The next waiting query with the same ID (IDs collide: RFC 5452 §9.1), or null. */
  sameId: Query | null;
}

/** Queries waiting beyond this are emitted as unanswered, to bound memory per flow. */
export const MAX_PENDING = 4096;

/**
 * Up to this many waiting queries are found by a scan of the order list; past it a map by ID is
 * built, and dropped again when nothing waits (a flow table may hold a million flows).
 */
const SCAN_LIMIT = 8;

/**
 * The waiting queries of one flow. Nearly every flow has one query waiting at a time, so this
 * allocates nothing per query beyond its place in the order list: the first waiting query of an
 * ID (the others chained by `sameId`) is found by a scan of that list, or, when many wait, in a
 * map by ID.
 */
export class PendingQueries {
  private byId: Map<number, Query> | null = null;
  /** Waiting queries in the order they were asked (answered ones leave lazily). */
  private order: Query[] = [];
  private waiting = 0;

  /**
   * A query arrived: it waits, or it is a retransmission of one that waits (then it is counted
   * there). Returns the oldest waiting query when the cap made it give way (the caller emits
   * it unanswered), else null.
   */
  add(query: Query): Query | null {
    const first = this.head(query.msg.id);
    for (let q: Query | null = first; q !== null; q = q.sameId) {
      if (!sameQuestion(q.msg, query.msg)) continue;
      q.retransmissions++;
      q.lastTs = query.endTs;
      return null;
    }
    let evicted: Query | null = null;
    if (this.waiting >= MAX_PENDING) {
      evicted = this.order.find((q) => !q.done)!;
      this.remove(evicted);
    }
    // Chained last, so that of two queries with the same ID and question the first is answered first.
    const head = evicted !== null && first === evicted ? this.head(query.msg.id) : first;
    if (head === null) this.byId?.set(query.msg.id, query);
    else {
      let last = head;
      while (last.sameId !== null) last = last.sameId;
      last.sameId = query;
    }
    this.order.push(query);
    this.waiting++;
    if (this.byId === null && this.waiting > SCAN_LIMIT) this.byId = mapOfHeads(this.order);
    return evicted;
  }

  /** The waiting query `response` answers, taken out; undefined when none does. */
  answer(response: DnsMessage): Query | undefined {
    for (let q: Query | null = this.head(response.id); q !== null; q = q.sameId) {
      if (response.questions.length === 0 || sameQuestion(q.msg, response)) {
        this.remove(q);
        return q;
      }
    }
    return undefined;
  }

  /** Take out, oldest first, the queries whose last copy is more than `timeoutMs` before `now`. */
  expire(now: number, timeoutMs: number, emit: (q: Query) => void): void {
    if (this.waiting === 0) return;
    // A copy: taking queries out compacts `order`.
    for (const q of [...this.order]) {
      if (!q.done && now - q.lastTs > timeoutMs) {
        this.remove(q);
        emit(q);
      }
    }
  }

  /** Take out every waiting query, oldest first. */
  drain(emit: (q: Query) => void): void {
    const order = this.order;
    this.order = [];
    this.byId = null;
    this.waiting = 0;
    for (const q of order) {
      if (q.done) continue;
      q.done = true;
      q.sameId = null;
      emit(q);
    }
  }

  /** The first waiting query with this ID (the others follow through `sameId`), or null. */
  private head(id: number): Query | null {
    if (this.byId !== null) return this.byId.get(id) ?? null;
    for (const q of this.order) if (!q.done && q.msg.id === id) return q;
    return null;
  }

  private remove(q: Query): void {
    const first = this.head(q.msg.id)!;
    q.done = true;
    this.waiting--;
    const byId = this.byId;
    if (first === q) {
      if (byId !== null) {
        if (q.sameId === null) byId.delete(q.msg.id);
        else byId.set(q.msg.id, q.sameId);
      }
    } else {
      let prev = first;
      while (prev.sameId !== q) prev = prev.sameId!;
      prev.sameId = q.sameId;
    }
    q.sameId = null;
    // Answered queries leave the order list once they reach its front, or when they pile up.
    while (this.order.length > 0 && this.order[0]!.done) this.order.shift();
    if (this.order.length > 2 * this.waiting + 64) this.order = this.order.filter((x) => !x.done);
    if (this.waiting === 0) this.byId = null;
  }
}

/** The first waiting query of each ID in `order`. */
function mapOfHeads(order: readonly Query[]): Map<number, Query> {
  const byId = new Map<number, Query>();
  for (const q of order) if (!q.done && !byId.has(q.msg.id)) byId.set(q.msg.id, q);
  return byId;
}

/** Same first question: name (case-insensitive), type and class. */
function sameQuestion(a: DnsMessage, b: DnsMessage): boolean {
  const x = a.questions[0];
  const y = b.questions[0];
  if (x === undefined || y === undefined) return x === y;
  return x.type === y.type && x.class === y.class && sameName(x.name, y.name);
}
