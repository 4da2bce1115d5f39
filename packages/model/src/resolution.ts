/**
 * Names of addresses, shared by the hub (which holds the Kubernetes watch or the inventory) and
 * the workers (which stamp them on entries as they are made). See docs/api.md, /resolution.
 */

/** What an address belongs to: a pod, or a service's cluster IP. */
export interface Workload {
  /** What a feed row shows: the pod, else the service. */
  name?: string;
  namespace?: string;
  pod?: string;
  service?: string;
  node?: string;
}

/**
 * An incremental change to a worker's table (PATCH /resolution): `upsert` sets the workload of
 * each address (replacing what it had), `remove` forgets addresses. Applied in that order, to
 * entries made from then on.
 */
export interface ResolutionPatch {
  upsert?: Record<string, Workload>;
  remove?: string[];
}
