/**
 * Shapes of the hub's API answers that more than one package reads: the hub writes them, the
 * dashboard and the CLI read them (docs/hub.md documents every field; keep the two in step).
 */

/** One worker in `GET /status`. */
export interface WorkerState {
  name: string;
  url: string;
  up: boolean;
  /** Epoch ms of the transition to down; null while up (and before the first poll). */
  downSince: number | null;
  lastError: string | null;
  /** Epoch ms of the last successful poll. */
  lastSeen: number | null;
  /** From the worker's /health: false while one of its captures is not running. */
  capturing: boolean | null;
  capture: { requested: string; backends: string[] } | null;
  packets: { received: number; dropped: number } | null;
  store: { bytes: number; entries: number } | null;
  /** The worker's run id: a new one means it restarted. */
  run: string | null;
  /** `namespace/name` of the worker pod the hub found it from; null for one given by `--workers`. */
  pod: string | null;
}

/** A workload of `GET /servicemap`. */
export interface ServiceMapNode {
  id: string;
  name: string;
  namespace: string | null;
  /** `pod`, `service`, or `ip` when nothing named the address. */
  kind: 'pod' | 'service' | 'ip';
  /** The Kubernetes node a pod runs on (resolution's), so a map can group by node; else null. */
  node: string | null;
}

/** A (client, server, protocol) of `GET /servicemap`. */
export interface ServiceMapEdge {
  source: string;
  target: string;
  protocol: string;
  count: number;
  bytes: number;
  /** Status ≥ 500 or malformed. */
  errors: number;
  p50Ms: number;
  p95Ms: number;
}
