import type { DissectStats } from '../stats.js';
import type { ReassemblyBudget } from './reassembly-budget.js';

/** Where one direction's in-order bytes go. */
export interface ByteSink {
  data(chunk: Buffer, tsMs: number): void;
  gap(length: number, tsMs: number): void;
  end(tsMs: number): void;
}

interface HeldSegment {
  seq: number;
  data: Buffer;
  /** Bytes the segment had on the wire beyond `data` (cut by the snap length). */
  cut: number;
  tsMs: number;
}

/**
 * The furthest an acknowledgement may run ahead of the bytes we saw and still be believed:
 * the largest window a TCP with window scaling can advertise (RFC 7323 §2.3: 2^30).
 */
const MAX_ACK_AHEAD = 1 << 30;

/** Signed distance a - b in 32-bit sequence space (RFC 9293 §3.4 comparisons). */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Reassembles one direction of a TCP connection into in-order bytes (RFC 9293 §3.4, §3.10.7.4).
 *
 * - In-order data is passed on as a view of the capture buffer (no copy).
 * - Out-of-order data is copied and held, sorted, within a per-direction and a global budget.
 * - Retransmitted and overlapping bytes are trimmed and counted, never delivered twice.
 * - A hole becomes an explicit gap: when the budget is exceeded, when the peer acknowledges
 *   past it (the receiver had the bytes, our capture lost them), or when the flow closes.
 * - Without the handshake the direction joins at the first segment it sees.
 * - An ack that reveals a hole in the other direction, carried by a segment with a hole of its
 *   own before it, waits for that hole (holdAck): a request's gap comes before its response's.
 */
export class TcpDirection {
  private known = false;
  private nextSeq = 0;
  private finSeq = -1;
  private ended = false;
  private held: HeldSegment[] | null = null;
  private heldBytes = 0;
  /** An ack for the other direction, applied once this direction's bytes before `seq` are settled. */
  private heldAck: { seq: number; ack: number; peer: TcpDirection } | null = null;

  constructor(
    private readonly sink: ByteSink,
    private readonly stats: DissectStats,
    private readonly budget: ReassemblyBudget,
  ) {}

  get hasEnded(): boolean {
    return this.ended;
  }

  /** True once the direction has seen its SYN or first data (the stream position is known). */
  get started(): boolean {
    return this.known;
  }

  segment(seq: number, syn: boolean, fin: boolean, buf: Buffer, off: number, len: number, cut: number, tsMs: number): void {
    if (this.ended) {
      if (len > 0) this.stats.shed('tcp_after_close', len);
      return;
    }
    const dataSeq = syn ? (seq + 1) >>> 0 : seq;
    if (!this.known) {
      if (!syn && len === 0 && cut === 0 && !fin) return; // a bare ACK says nothing about data yet
      this.known = true;
      this.nextSeq = dataSeq;
      if (!syn) this.stats.midstreamJoins++;
    }
    if (fin) this.finSeq = (dataSeq + len + cut) >>> 0;
    if (len > 0 || cut > 0) this.place(dataSeq, buf, off, len, cut, tsMs);
    this.checkFin(tsMs);
  }

  /** True when bytes before `seq` are missing (not seen yet, not declared lost). */
  hasHoleBefore(seq: number): boolean {
    return this.known && !this.ended && seqDiff(seq, this.nextSeq) > 0;
  }

  /** True when `ack` would declare bytes of this direction lost (peerAck). */
  settledBy(ack: number): boolean {
    if (!this.known || this.ended) return false;
    const ahead = seqDiff(ack, this.nextSeq);
    return ahead > 0 && ahead <= MAX_ACK_AHEAD;
  }

  /** True while an ack for the other direction waits on this one (holdAck). */
  get holdsAck(): boolean {
    return this.heldAck !== null;
  }

  /**
   * A segment of this direction at `seq`, with bytes before it missing, acknowledged `ack` of
   * `peer`: the peer's bytes up to `ack` came before this segment, but whether before or after
   * the missing bytes is unknown, and a protocol's order is requests first (a lost response
   * declared ahead of its lost request would answer the next request, and every later pairing
   * would shift). So the peer's gap waits until the bytes before `seq` arrive or are declared
   * lost. A later ack while one waits only moves it further.
   */
  holdAck(seq: number, peer: TcpDirection, ack: number): void {
    if (this.heldAck === null) this.heldAck = { seq, ack, peer };
    else if (seqDiff(ack, this.heldAck.ack) > 0) this.heldAck.ack = ack;
  }

  /**
   * The other direction acknowledged `ack`: the receiver had every byte before it, so a hole
   * there will never be filled from this capture. An ack further ahead than any real window is
   * ignored (a corrupt or forged packet must not invent gigabytes of gap).
   */
  peerAck(ack: number, tsMs: number): void {
    if (!this.known || this.ended) return;
    const ahead = seqDiff(ack, this.nextSeq);
    if (ahead <= 0 || ahead > MAX_ACK_AHEAD) return;
    // A FIN takes one sequence number: its ack is one past the last byte, not a hole.
    if (this.finSeq >= 0 && seqDiff(ack, this.finSeq) > 0 && this.held === null) {
      this.emitGap(seqDiff(this.finSeq, this.nextSeq), tsMs);
      this.checkFin(tsMs);
      return;
    }
    while (seqDiff(ack, this.nextSeq) > 0) {
      // Bytes below the ack are lost for good; bytes between the ack and the next held segment
      // may still arrive, so the gap stops at whichever comes first.
      const first = this.held !== null ? this.held[0]!.seq : ack;
      const until = seqDiff(first, ack) < 0 ? first : ack;
      this.emitGap(seqDiff(until, this.nextSeq), tsMs);
      this.drain();
      if (until === ack) break;
    }
    this.checkFin(tsMs);
  }

  /** The flow is closing: declare every remaining hole, deliver what is held, end. */
  flush(tsMs: number): void {
    if (this.ended) return;
    while (this.held !== null) {
      const first = this.held[0]!;
      const hole = seqDiff(first.seq, this.nextSeq);
      if (hole > 0) this.emitGap(hole, tsMs);
      this.drain();
    }
    if (this.known && this.finSeq >= 0) {
      const hole = seqDiff(this.finSeq, this.nextSeq);
      if (hole > 0) this.emitGap(hole, tsMs);
    }
    this.releaseAck(tsMs, true);
    this.ended = true;
    this.sink.end(tsMs);
  }

  private place(seq: number, buf: Buffer, off: number, len: number, cut: number, tsMs: number): void {
    const diff = seqDiff(seq, this.nextSeq);
    const wire = len + cut;
    if (diff < 0) {
      if (diff + wire <= 0) {
        this.stats.shed('tcp_retransmission', wire);
        return;
      }
      const skip = -diff;
      this.stats.shed('tcp_overlap', skip);
      if (skip >= len) {
        // Only bytes the snaplen cut remain: they are a hole.
        this.emitGap(wire - skip, tsMs);
      } else {
        this.deliver(buf.subarray(off + skip, off + len), cut, tsMs);
      }
      if (this.held !== null) this.drain();
      return;
    }
    if (diff === 0) {
      this.deliver(buf.subarray(off, off + len), cut, tsMs);
      if (this.held !== null) this.drain();
      return;
    }
    this.hold(seq, buf, off, len, cut, tsMs);
  }

  private deliver(chunk: Buffer, cut: number, tsMs: number): void {
    this.releaseAck(tsMs, false);
    if (chunk.length > 0) {
      this.nextSeq = (this.nextSeq + chunk.length) >>> 0;
      this.sink.data(chunk, tsMs);
    }
    if (cut > 0) {
      this.stats.shed('snaplen', cut);
      this.emitGap(cut, tsMs);
    }
  }

  private hold(seq: number, buf: Buffer, off: number, len: number, cut: number, tsMs: number): void {
    const limits = this.budget.limits;
    if (this.heldBytes + len > limits.perDirectionBytes || this.budget.held + len > limits.globalBytes) {
      // Over budget: the hole before the oldest held byte will not be waited for any longer.
      const firstSeq = this.held !== null ? this.held[0]!.seq : seq;
      const hole = seqDiff(firstSeq, this.nextSeq);
      this.stats.shed('tcp_ooo_budget', hole, 1);
      this.emitGap(hole, tsMs);
      if (this.held !== null) this.drain();
      this.place(seq, buf, off, len, cut, tsMs);
      return;
    }
    const seg: HeldSegment = { seq, data: Buffer.from(buf.subarray(off, off + len)), cut, tsMs };
    this.heldBytes += len;
    this.budget.held += len;
    if (this.held === null) {
      this.held = [seg];
      return;
    }
    // Keep sorted by sequence; most out-of-order arrivals append.
    let i = this.held.length;
    while (i > 0 && seqDiff(this.held[i - 1]!.seq, seq) > 0) i--;
    this.held.splice(i, 0, seg);
  }

  /** Deliver held segments that have become contiguous, trimming what was already delivered. */
  private drain(): void {
    const held = this.held;
    if (held === null) return;
    let i = 0;
    while (i < held.length) {
      const seg = held[i]!;
      const diff = seqDiff(seg.seq, this.nextSeq);
      if (diff > 0) break;
      i++;
      this.release(seg.data.length);
      const wire = seg.data.length + seg.cut;
      if (diff + wire <= 0) {
        this.stats.shed('tcp_retransmission', wire);
        continue;
      }
      const skip = -diff;
      if (skip > 0) this.stats.shed('tcp_overlap', skip);
      if (skip >= seg.data.length) this.emitGap(wire - skip, seg.tsMs);
      else this.deliver(seg.data.subarray(skip), seg.cut, seg.tsMs);
    }
    if (i === held.length) this.held = null;
    else if (i > 0) held.splice(0, i);
  }

  private release(bytes: number): void {
    this.heldBytes -= bytes;
    this.budget.held -= bytes;
  }

  private emitGap(length: number, tsMs: number): void {
    if (length <= 0) return;
    this.nextSeq = (this.nextSeq + length) >>> 0;
    this.stats.gaps++;
    this.stats.gapBytes += length;
    this.sink.gap(length, tsMs);
    this.releaseAck(tsMs, false);
  }

  /** Applies the held ack once the bytes it waited for are settled (or, closing, at once). */
  private releaseAck(tsMs: number, closing: boolean): void {
    const held = this.heldAck;
    if (held === null || (!closing && seqDiff(held.seq, this.nextSeq) > 0)) return;
    this.heldAck = null;
    held.peer.peerAck(held.ack, tsMs);
  }

  private checkFin(tsMs: number): void {
    if (this.finSeq >= 0 && this.held === null && this.nextSeq === this.finSeq) {
      this.ended = true;
      this.sink.end(tsMs);
    }
  }
}
