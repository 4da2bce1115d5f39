import type { Endpoint, ResolutionPatch, Workload } from '@shoal/model';
import { addressKey } from '@shoal/model';
import { Listeners } from './listeners.js';

/** What a source says an address belongs to now. */
export interface NameClaim {
  workload: Workload;
  /**
   * The earliest the holder can have had the address (a pod's creation), used when the address
   * had no earlier holder in the table: names learnt at the hub's start then still cover the
   * entries the workers stored before it.
   */
  sinceMs?: number;
}

export interface NameHistoryOptions {
  /**
   * How long an ended interval is kept: as long as the oldest entry a worker may still hold, so
   * scrolling back still finds the names of its time. Default 24 h.
   */
  retentionMs?: number;
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
}

/** Who held an address from `from` (inclusive) to `to` (exclusive; Infinity while it still does). */
interface Interval {
  workload: Workload;
  from: number;
  to: number;
}

const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Address → workload over time. Entries are named *as of their timestamp*: when an IP passes to a
 * new pod, the old pod's interval ends and a new one starts, so older entries keep the old name.
 * The current view is also kept as a table and its changes go out as ResolutionPatch objects, the
 * incremental form the workers receive (PATCH /resolution); `snapshot()` is the whole table for a
 * worker that just connected.
 */
export class NameHistory {
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly intervals = new Map<string, Interval[]>();
  private readonly current = new Map<string, Workload>();
  /** Ended intervals in the order they ended, so pruning takes them from the front. */
  private ended: { key: string; interval: Interval }[] = [];
  private endedHead = 0;
  private readonly patchListeners = new Listeners<ResolutionPatch>();

  constructor(options: NameHistoryOptions = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Makes the current view equal to `table` (every address a source names now): addresses whose
   * holder changed or vanished end their interval at `atMs`, new holders start one. Emits and
   * returns the patch, or undefined when nothing changed. The table is a source's whole picture,
   * so a history takes one source. Also prunes; a hub whose names may not change for a long time
   * calls prune() now and then as well.
   */
  reconcile(table: ReadonlyMap<string, NameClaim>, atMs: number = this.now()): ResolutionPatch | undefined {
    const upsert: Record<string, Workload> = {};
    const remove: string[] = [];
    for (const key of this.current.keys()) {
      if (table.has(key)) continue;
      this.end(key, atMs);
      remove.push(key);
    }
    for (const [key, claim] of table) {
      const held = this.current.get(key);
      if (held !== undefined && sameWorkload(held, claim.workload)) continue;
      if (held !== undefined) this.end(key, atMs);
      this.begin(key, claim, atMs);
      upsert[key] = claim.workload;
    }
    this.prune(atMs);
    if (remove.length === 0 && Object.keys(upsert).length === 0) return undefined;
    const patch: ResolutionPatch = {};
    if (Object.keys(upsert).length > 0) patch.upsert = upsert;
    if (remove.length > 0) patch.remove = remove;
    this.patchListeners.emit(patch);
    return patch;
  }

  /**
   * The workload that held `ip` (on `port`, when given and named apart: a service port) at
   * `tsMs`, or undefined. A port-specific name wins over the IP's own.
   */
  at(ip: string, port: number | undefined, tsMs: number): Workload | undefined {
    if (port !== undefined) {
      const named = this.find(addressKey(ip, port), tsMs);
      if (named !== undefined) return named;
    }
    return this.find(ip, tsMs);
  }

  /**
   * Names an entry's endpoint the worker could not name (it had not received the name yet) with
   * the workload valid at the entry's time. An endpoint that has a name keeps it: the worker named
   * it as of the traffic. Returns whether it filled anything.
   */
  fillEndpoint(endpoint: Endpoint, tsMs: number): boolean {
    if (endpoint.name !== undefined) return false;
    const w = this.at(endpoint.ip, endpoint.port, tsMs);
    if (w === undefined) return false;
    if (w.pod !== undefined) endpoint.pod = w.pod;
    if (w.service !== undefined) endpoint.service = w.service;
    if (w.namespace !== undefined) endpoint.namespace = w.namespace;
    if (w.node !== undefined) endpoint.node = w.node;
    const name = w.name ?? w.pod ?? w.service ?? w.node;
    if (name !== undefined) endpoint.name = name;
    return true;
  }

  /** The current table, whole: what a newly connected worker gets before the patches. */
  snapshot(): Record<string, Workload> {
    return Object.fromEntries(this.current);
  }

  /** Calls `listener` with every change of the current view; returns the unsubscribe function. */
  onPatch(listener: (patch: ResolutionPatch) => void): () => void {
    return this.patchListeners.add(listener);
  }

  /** Forgets intervals that ended more than the retention before `nowMs`; returns how many. */
  prune(nowMs: number = this.now()): number {
    const cutoff = nowMs - this.retentionMs;
    let pruned = 0;
    while (this.endedHead < this.ended.length) {
      const oldest = this.ended[this.endedHead]!;
      if (oldest.interval.to > cutoff) break;
      this.endedHead++;
      pruned++;
      const list = this.intervals.get(oldest.key);
      // A key's intervals end in order, so the oldest ended one is the first of its list.
      if (list !== undefined && list[0] === oldest.interval) list.shift();
      if (list !== undefined && list.length === 0) this.intervals.delete(oldest.key);
    }
    if (this.endedHead > 1024 && this.endedHead * 2 > this.ended.length) {
      this.ended = this.ended.slice(this.endedHead);
      this.endedHead = 0;
    }
    return pruned;
  }

  /** Addresses named now, and intervals kept (current and ended): what the memory holds. */
  get size(): { addresses: number; intervals: number } {
    let intervals = 0;
    for (const list of this.intervals.values()) intervals += list.length;
    return { addresses: this.current.size, intervals };
  }

  private find(key: string, tsMs: number): Workload | undefined {
    const list = this.intervals.get(key);
    if (list === undefined) return undefined;
    // Newest first: most lookups are for recent traffic.
    for (let i = list.length - 1; i >= 0; i--) {
      const interval = list[i]!;
      if (interval.from <= tsMs && tsMs < interval.to) return interval.workload;
      if (interval.to <= tsMs) return undefined;
    }
    return undefined;
  }

  private begin(key: string, claim: NameClaim, atMs: number): void {
    let list = this.intervals.get(key);
    if (list === undefined) {
      list = [];
      this.intervals.set(key, list);
    }
    const previousEnd = list.length > 0 ? list[list.length - 1]!.to : -Infinity;
    // Never before the previous holder left, never later than now.
    const from = Math.min(atMs, Math.max(claim.sinceMs ?? atMs, previousEnd));
    list.push({ workload: claim.workload, from, to: Infinity });
    this.current.set(key, claim.workload);
  }

  private end(key: string, atMs: number): void {
    const list = this.intervals.get(key);
    const open = list?.[list.length - 1];
    this.current.delete(key);
    if (open === undefined || open.to !== Infinity) return;
    open.to = Math.max(atMs, open.from);
    this.ended.push({ key, interval: open });
  }
}

function sameWorkload(a: Workload, b: Workload): boolean {
  return a.name === b.name && a.namespace === b.namespace && a.pod === b.pod && a.service === b.service && a.node === b.node;
}
