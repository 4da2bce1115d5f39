/**
 * Which pods are captured: the hub's selection (its GET and PUT /targets, docs/hub.md) and the
 * per-worker target list it becomes (the worker's PUT /targets, docs/api.md). The hub writes
 * and the dashboard and the CLI read the hub's shapes; the hub writes and the worker reads the
 * list.
 */

/** A pod a worker captures for: one item of the worker's PUT /targets body. */
export interface Target {
  ip: string;
  name: string;
  namespace: string;
  node?: string;
  /** Network namespace to capture in (`/proc/PID/ns/net`, `/var/run/netns/NAME`). */
  netns?: string;
}

/**
 * The hub's PUT /targets body, as Kubeshark's `tap.regex`, `tap.namespaces` and
 * `tap.excludedNamespaces`: a pod is targeted when its name matches `podRegex`, its namespace
 * is in `namespaces` (all when empty) and not in `excludedNamespaces`.
 */
export interface TargetSelection {
  podRegex: string;
  namespaces: string[];
  excludedNamespaces: string[];
}

/**
 * The key of the installation's ConfigMap that holds the selection (a TargetSelection as JSON):
 * written by `shoal tap` and the chart, kept and followed by the hub (`--targets-configmap`).
 */
export const TARGETS_CONFIG_KEY = 'targets.json';

/** A selected pod, as GET /targets lists it. */
export interface TargetPod {
  name: string;
  namespace: string;
  ip: string;
  node: string;
}

/** What GET /targets shows per worker: its target list and whether it landed. */
export interface WorkerTargets {
  /** How many targets the worker is to capture. */
  targets: number;
  /** Epoch ms of the last push the worker accepted; null before. */
  pushedAt: number | null;
  /** Why the last push failed (it is retried); null once the worker has its current list. */
  error: string | null;
  /** The worker does not have its current list yet (a push is under way or waits for a retry). */
  pending: boolean;
}

/** The hub's GET /targets and PUT /targets answer. */
export interface TargetsAnswer {
  /** The selection in force; null before one was set. */
  selection: TargetSelection | null;
  pods: TargetPod[];
  workers: Record<string, WorkerTargets>;
}
