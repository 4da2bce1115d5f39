/**
 * What the hub needs from the names (packages/hub/src/names/: a Kubernetes watch or an
 * inventory file), kept to two small interfaces so the feed and the targets do not depend on
 * where names come from.
 */
import type { ResolutionPatch, Workload } from '@shoal/model';

/** Time-indexed names: who held an address at a moment (a reused IP never renames older entries). */
export interface NameLookup {
  /**
   * The workload that held `ip` (or, for a service, `ip:port`) at `tsMs`, epoch milliseconds;
   * undefined when nothing is known.
   */
  namesAt(ip: string, port: number, tsMs: number): Workload | undefined;
  /** Calls `listener` with each change (pushed to the workers); returns the unsubscribe. */
  onPatch?(listener: (patch: ResolutionPatch) => void): () => void;
  /** The table valid now, IP → workload: pushed whole to a worker that comes (back) up. */
  current?(): Record<string, Workload>;
}

/** A pod the hub may ask workers to capture. */
export interface Pod {
  name: string;
  namespace: string;
  ip: string;
  /** The node it runs on: the worker of the same name captures it. */
  node: string;
  labels?: Record<string, string>;
  /** Network namespace path on its node, when known (the worker captures inside it). */
  netns?: string;
}

/** The pods of the cluster now (from the watch or the inventory). */
export interface PodDirectory {
  pods(): Pod[];
  /** Calls `listener` when the pods change (targets are recomputed); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}
