/**
 * Which request a response answers: the one with its correlation id (Kafka protocol guide,
 * "Protocol": the client sets it, the server echoes it; a broker answers the requests of one
 * connection in the order they came, but the id is what ties them). The response says neither
 * its API key nor its version, so the waiting request is also what tells how to read the
 * response's header and body: the pending requests are kept per connection.
 *
 * A request that waits beyond the response timeout, or past MAX_PENDING, is emitted without
 * response. A second request with the id of one still waiting pushes that one out unanswered.
 */

import type { FramedMessage } from './framing.js';
import type { RequestHeader } from './header.js';
import type { DecodedBody } from './body.js';

/** A request as it arrived and was read. */
export interface KafkaRequest {
  framed: FramedMessage;
  /** Null when not even its header could be read. */
  header: RequestHeader | null;
  /** Null when the API's body is not decoded here (or the header was not read). */
  body: DecodedBody | null;
  /** Why the body was not decoded although the API is known (a version newer than its grammar). */
  notDecoded: string | null;
}

export const MAX_PENDING = 4096;

export class PendingRequests {
  /** By correlation id, in the order they were sent (a Map keeps insertion order). */
  private readonly waiting = new Map<number, KafkaRequest>();

  get size(): number {
    return this.waiting.size;
  }

  has(correlationId: number): boolean {
    return this.waiting.has(correlationId);
  }

  /** Adds `r`; returns the requests it pushed out (same id, or over the cap), to emit unanswered. */
  add(r: KafkaRequest, correlationId: number): KafkaRequest[] {
    const out: KafkaRequest[] = [];
    const same = this.waiting.get(correlationId);
    if (same !== undefined) {
      this.waiting.delete(correlationId);
      out.push(same);
    }
    if (this.waiting.size >= MAX_PENDING) {
      const [oldestId, oldest] = this.waiting.entries().next().value as [number, KafkaRequest];
      this.waiting.delete(oldestId);
      out.push(oldest);
    }
    this.waiting.set(correlationId, r);
    return out;
  }

  take(correlationId: number): KafkaRequest | undefined {
    const r = this.waiting.get(correlationId);
    if (r !== undefined) this.waiting.delete(correlationId);
    return r;
  }

  /** Takes out, oldest first, the requests whose last byte is more than `timeoutMs` before `now`. */
  expire(now: number, timeoutMs: number, emit: (r: KafkaRequest) => void): void {
    for (const [id, r] of this.waiting) {
      if (now - r.framed.endTs <= timeoutMs) break;
      this.waiting.delete(id);
      emit(r);
    }
  }

  drain(emit: (r: KafkaRequest) => void): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const r of all) emit(r);
  }
}
