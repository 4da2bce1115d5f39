/**
 * `GET /stats` of the hub (docs/hub.md): entries per protocol per time bucket, walked from the
 * workers' history. The hub writes it, the dashboard reads it. No Node-only import.
 */

/** What every walk of the history answers besides its own result. */
export interface WalkAnswer {
  /** Entries the walk counted. */
  entries: number;
  /** The walk stopped at its bound before the start of the range. */
  truncated: boolean;
  /** Workers that were down or failed, with why: the answer lacks their entries. */
  unavailable: Record<string, string>;
}

export interface TrafficCounts {
  count: number;
  bytes: number;
  /** Status ≥ 500, or a malformed exchange. */
  errors: number;
}

export interface StatsBucket {
  start: number;
  protocols: Record<string, TrafficCounts>;
}

export interface StatsAnswer extends WalkAnswer {
  from: number;
  to: number;
  bucketMs: number;
  /** Every bucket from `from`, empty ones too. */
  buckets: StatsBucket[];
}
