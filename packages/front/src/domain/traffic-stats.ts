/**
 * The hub's `GET /stats` answer (docs/hub.md: entries per protocol per time bucket) turned into
 * what the statistics view draws: the share of each protocol and one total per bucket.
 */
import type { StatsAnswer, TrafficCounts } from '@shoal/model';

/** Count, bytes and errors (status ≥ 500 or malformed), as the hub counts them. */
export type Counts = TrafficCounts;
export type StatsJson = StatsAnswer;

export interface ProtocolShare extends Counts {
  protocol: string;
  /** count / all entries, 0..1. */
  share: number;
}

export interface BucketTotals extends Counts {
  start: number;
  /** The count of each protocol in this bucket, for stacked bars. */
  byProtocol: Record<string, number>;
}

export interface TrafficStats {
  from: number;
  to: number;
  bucketMs: number;
  total: Counts;
  /** Busiest first. */
  protocols: ProtocolShare[];
  buckets: BucketTotals[];
}

const add = (into: Counts, c: Counts): void => {
  into.count += c.count;
  into.bytes += c.bytes;
  into.errors += c.errors;
};

export function buildTrafficStats(json: StatsJson): TrafficStats {
  const total: Counts = { count: 0, bytes: 0, errors: 0 };
  const perProtocol = new Map<string, Counts>();
  const buckets = json.buckets.map((b) => {
    const sum: BucketTotals = { start: b.start, count: 0, bytes: 0, errors: 0, byProtocol: {} };
    for (const [protocol, c] of Object.entries(b.protocols)) {
      add(sum, c);
      sum.byProtocol[protocol] = c.count;
      let p = perProtocol.get(protocol);
      if (p === undefined) perProtocol.set(protocol, (p = { count: 0, bytes: 0, errors: 0 }));
      add(p, c);
    }
    add(total, sum);
    return sum;
  });
  const protocols = [...perProtocol]
    .map(([protocol, c]) => ({ protocol, ...c, share: total.count === 0 ? 0 : c.count / total.count }))
    .sort((a, b) => b.count - a.count || a.protocol.localeCompare(b.protocol));
  return { from: json.from, to: json.to, bucketMs: json.bucketMs, total, protocols, buckets };
}

/** `42.5 %`, `0.3 %`, `< 0.1 %` for a tiny non-zero share. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '< 0.1 %';
  return `${(share * 100).toFixed(1)} %`;
}
