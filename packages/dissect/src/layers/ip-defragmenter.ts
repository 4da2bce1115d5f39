import type { DissectStats } from '../stats.js';

/**
 * Bounded IP fragment reassembly (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6). Fragments
 * are copied (they are rare and must not pin capture chunks); the budget caps both the number
 * of datagrams in progress and the bytes held, and a datagram that does not complete within the
 * timeout is shed. Overlapping fragments: the first copy of a byte wins (RFC 5722 forbids
 * overlaps for IPv6; we do not drop the datagram, we just ignore the re-sent bytes).
 */
export interface DefragLimits {
  maxDatagrams: number;
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_DEFRAG_LIMITS: DefragLimits = {
  maxDatagrams: 1024,
  maxBytes: 16 * 1024 * 1024,
  timeoutMs: 30_000, // Linux ipfrag_time
};

interface Fragment {
  offset: number;
  data: Buffer;
}

interface Pending {
  firstSeenMs: number;
  fragments: Fragment[];
  bytes: number;
  /** Known once the last fragment (MF clear) arrived. */
  totalLength: number;
}

const MAX_DATAGRAM = 65535;

export class IpDefragmenter {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;

  constructor(
    private readonly stats: DissectStats,
    private readonly limits: DefragLimits = DEFAULT_DEFRAG_LIMITS,
  ) {}

  /**
   * Adds one fragment. Returns the whole payload once every byte arrived, else null.
   * `key` names the datagram (addresses, identification, protocol).
   */
  add(
    key: string,
    nowMs: number,
    fragmentOffset: number,
    moreFragments: boolean,
    buf: Buffer,
    off: number,
    len: number,
  ): Buffer | null {
    this.stats.ipFragments++;
    if (fragmentOffset + len > MAX_DATAGRAM) {
      this.stats.shed('bad_header', len);
      return null;
    }
    let p = this.pending.get(key);
    if (p === undefined) {
      if (this.pending.size >= this.limits.maxDatagrams) this.evictOldest();
      p = { firstSeenMs: nowMs, fragments: [], bytes: 0, totalLength: -1 };
      this.pending.set(key, p);
    }
    if (this.heldBytes + len > this.limits.maxBytes) {
      this.stats.shed('ip_fragment_budget', len);
      return null;
    }
    p.fragments.push({ offset: fragmentOffset, data: Buffer.from(buf.subarray(off, off + len)) });
    p.bytes += len;
    this.heldBytes += len;
    if (!moreFragments) p.totalLength = fragmentOffset + len;
    if (p.totalLength < 0) return null;
    const whole = assemble(p);
    if (whole === null) return null;
    this.pending.delete(key);
    this.heldBytes -= p.bytes;
    this.stats.ipDatagramsReassembled++;
    return whole;
  }

  /** Sheds datagrams older than the timeout (capture clock). */
  expire(nowMs: number): void {
    for (const [key, p] of this.pending) {
      if (nowMs - p.firstSeenMs <= this.limits.timeoutMs) continue;
      this.drop(key, p, 'ip_fragment_timeout');
    }
  }

  /** End of input: whatever is still incomplete will never complete. */
  flush(): void {
    for (const [key, p] of this.pending) this.drop(key, p, 'ip_fragment_timeout');
  }

  private evictOldest(): void {
    const first = this.pending.entries().next();
    if (first.done === true) return;
    const [key, p] = first.value;
    this.drop(key, p, 'ip_fragment_budget');
  }

  private drop(key: string, p: Pending, reason: 'ip_fragment_budget' | 'ip_fragment_timeout'): void {
    this.pending.delete(key);
    this.heldBytes -= p.bytes;
    this.stats.shed(reason, p.bytes, p.fragments.length);
  }
}

/** Copies the fragments into one buffer if they cover [0, totalLength) without a hole. */
function assemble(p: Pending): Buffer | null {
  const frags = p.fragments.slice().sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const f of frags) {
    if (f.offset > covered) return null;
    covered = Math.max(covered, f.offset + f.data.length);
  }
  if (covered < p.totalLength) return null;
  const out = Buffer.alloc(p.totalLength);
  let filled = 0;
  for (const f of frags) {
    const from = Math.max(filled, f.offset);
    const to = Math.min(f.offset + f.data.length, p.totalLength);
    if (to > from) f.data.copy(out, from, from - f.offset, to - f.offset);
    filled = Math.max(filled, to);
  }
  return out;
}
