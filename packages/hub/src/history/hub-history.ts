import { MAX_HISTORY_LIMIT } from '@shoal/model';
import type { NameLookup } from '../names.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import { WalkGate } from './walk-gate.js';

/** The bounds of the history routes (docs/hub.md, `shoal hub --help`). */
export interface HistoryLimits {
  /** Largest `limit=` of GET /entries; a larger one is lowered to it (`--max-history-limit`), 1 to MAX_HISTORY_LIMIT. */
  maxPageEntries: number;
  /** /stats and /servicemap walks running at once (`--max-walks`); more are refused with 503. */
  maxWalks: number;
  /** How long a walk's answer serves the same question again (`--walk-share-ms`); 0 shares only while it runs. */
  shareMs: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxPageEntries: MAX_HISTORY_LIMIT, maxWalks: 4, shareMs: 5_000 };

/** What the history routes (/entries, /stats, /servicemap) share: the workers, the names, the bounds. */
export class HubHistory {
  readonly walks: WalkGate;
  /** GET /entries requests whose `limit` was lowered to `limits.maxPageEntries`. */
  limitsLowered = 0;

  constructor(
    readonly registry: WorkerRegistry,
    readonly names: NameLookup | undefined,
    readonly limits: HistoryLimits,
    now: () => number = Date.now,
  ) {
    this.walks = new WalkGate(limits.maxWalks, limits.shareMs, now);
  }
}
