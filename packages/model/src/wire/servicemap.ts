/**
 * `GET /servicemap` of the hub (docs/hub.md): who talks to whom over a time range, walked from
 * the workers' history. The hub writes it, the dashboard reads it. No Node-only import.
 */
import type { WalkAnswer } from './stats.js';

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

export interface ServiceMapAnswer extends WalkAnswer {
  from: number;
  to: number;
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}
