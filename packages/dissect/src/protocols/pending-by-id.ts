/**
 * The requests of one connection waiting for their response, by the id a response repeats:
 * Kafka's correlation id (Kafka protocol guide, "Protocol"), MongoDB's requestID that a reply
 * names in responseTo (MongoDB Wire Protocol, "Standard Message Header"). A Map keeps them in the
 * order they were sent, so the oldest expire first.
 *
 * A request that waits beyond the response timeout, or past MAX_PENDING, is emitted without
 * response. A second request with the id of one still waiting pushes that one out unanswered.
 */

export const MAX_PENDING = 4096;

/** What a waiting request must tell: the time of its last byte. */
export interface Waiting {
  framed: { endTs: number };
}

export class PendingById<R extends Waiting> {
  private readonly waiting = new Map<number, R>();

  has(id: number): boolean {
    return this.waiting.has(id);
  }

  /** Adds `r`; returns the requests it pushed out (same id, or over the cap), to emit unanswered. */
  add(r: R, id: number): R[] {
    const out: R[] = [];
    const same = this.waiting.get(id);
    if (same !== undefined) {
      this.waiting.delete(id);
      out.push(same);
    }
    if (this.waiting.size >= MAX_PENDING) {
      const [oldestId, oldest] = this.waiting.entries().next().value as [number, R];
      this.waiting.delete(oldestId);
      out.push(oldest);
    }
    this.waiting.set(id, r);
    return out;
  }

  take(id: number): R | undefined {
    const r = this.waiting.get(id);
    if (r !== undefined) this.waiting.delete(id);
    return r;
  }

  /** Takes out, oldest first, the requests whose last byte is more than `timeoutMs` before `now`. */
  expire(now: number, timeoutMs: number, emit: (r: R) => void): void {
    for (const [id, r] of this.waiting) {
      if (now - r.framed.endTs <= timeoutMs) break;
      this.waiting.delete(id);
      emit(r);
    }
  }

  drain(emit: (r: R) => void): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const r of all) emit(r);
  }
}
