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

/**
 * The key of an address in a name table: the IP alone, or the IP with a port ("10.96.0.10:53",
 * "[fd00::a]:53") where a port names something more precise than the IP (a service's port, a
 * pod's port behind a service). IPv6 takes brackets so a key splits back without ambiguity.
 * Addresses come validated (API server, inventory check): a colon is enough to tell IPv6.
 */
export function addressKey(ip: string, port?: number): string {
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
