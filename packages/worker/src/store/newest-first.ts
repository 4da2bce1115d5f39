import type { Segment } from './segment.js';

/** A stored entry's place: `segment.ids[index]`, with its timestamp. */
export interface EntryPosition {
  segment: Segment;
  index: number;
  timestamp: number;
}

/** One segment's entries before the bound, walked from the newest. */
class SegmentWalk {
  /** Indexes of the entries before the bound, by (timestamp, store order) ascending. */
  private readonly order: number[] = [];
  private at: number;

  constructor(readonly segment: Segment, beforeMs: number) {
    const ts = segment.timestamps;
    for (let i = 0; i < ts.length; i++) if (ts[i]! < beforeMs) this.order.push(i);
    // Store order is nearly time order, so this sort sees long sorted runs (close to linear).
    this.order.sort((a, b) => ts[a]! - ts[b]! || a - b);
    this.at = this.order.length - 1;
  }

  get done(): boolean {
    return this.at < 0;
  }

  /** The newest entry not yet given out; -Infinity once done. */
  get head(): number {
    return this.done ? -Infinity : this.segment.timestamps[this.order[this.at]!]!;
  }

  take(): EntryPosition {
    const index = this.order[this.at--]!;
    return { segment: this.segment, index, timestamp: this.segment.timestamps[index]! };
  }
}

/** Newer head first; on a tie, the later segment (stored later) first. */
function newer(a: SegmentWalk, b: SegmentWalk): boolean {
  return a.head > b.head || (a.head === b.head && a.segment.number > b.segment.number);
}

/**
 * The entries of `segments` with timestamp < `beforeMs`, newest first; among equal timestamps,
 * the one stored later first. Memory only: it reads each segment's time range and timestamps,
 * never a record, and segments wholly at or after `beforeMs` are not walked at all.
 *
 * Entries are stored when they are finished, not in timestamp order: a slow response, or a
 * request emitted when its flow times out, lands after entries that began later. So segments'
 * time ranges overlap, and walking segment by segment would break the order. The segments are
 * merged instead, each joining the merge once its newest entry could be the next one out; as
 * overlaps are short, one or two are open at a time.
 */
export function* newestFirst(segments: readonly Segment[], beforeMs: number): Generator<EntryPosition> {
  const waiting = segments.filter((s) => s.minTimestamp < beforeMs).sort((a, b) => b.maxTimestamp - a.maxTimestamp || b.number - a.number);
  const open: SegmentWalk[] = [];
  let w = 0;
  for (;;) {
    let best: SegmentWalk | undefined;
    for (const walk of open) if (best === undefined || newer(walk, best)) best = walk;
    const next = waiting[w];
    // `>=`: a segment holding an entry of the best head's timestamp joins first, so ties are
    // given out in store order whatever segment they are in.
    if (next !== undefined && (best === undefined || Math.min(next.maxTimestamp, beforeMs) >= best.head)) {
      w++;
      const walk = new SegmentWalk(next, beforeMs);
      if (!walk.done) open.push(walk);
      continue;
    }
    if (best === undefined) return;
    const position = best.take();
    if (best.done) open.splice(open.indexOf(best), 1);
    // An evicted segment's records are gone (a caller that pauses between steps may see this).
    if (!best.segment.removed) yield position;
  }
}
