/**
 * Names of addresses, shared by the hub (which holds the Kubernetes watch or the inventory) and
 * the workers (which stamp them on entries as they are made): the bodies and answers of the
 * worker's PUT and PATCH /resolution (docs/api.md, "Versions" under /resolution).
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

/** A whole name table: address key (addressKey) → workload. */
export type NameTable = Record<string, Workload>;

/**
 * An incremental change to a worker's table (PATCH /resolution): `upsert` sets the workload of
 * each address (replacing what it had), `remove` forgets addresses. Applied in that order, to
 * entries made from then on.
 */
export interface ResolutionPatch {
  upsert?: NameTable;
  remove?: string[];
}

/**
 * The versioned form of PUT /resolution: the table, and the version the worker keeps with it.
 * (A bare table is the unversioned form; it cannot be mistaken for this one, since a table's
 * values are objects and `version` here is a string.)
 */
export interface VersionedResolutionTable {
  version: string;
  table: NameTable;
}

/**
 * The versioned form of PATCH /resolution: applied only when the worker's table is at `base`,
 * which then becomes `version`; otherwise the worker answers 409 WRK_ERR_VERSION and the sender
 * sends the whole table (PUT). Versions are opaque strings, compared for equality only.
 */
export interface VersionedResolutionPatch extends ResolutionPatch {
  base: string;
  version: string;
}

/** What PUT and PATCH /resolution answer: the table's size and version afterwards. */
export interface ResolutionAnswer {
  ok: true;
  addresses: number;
  /** The table's version; null after an unversioned PUT or PATCH (and before any table). */
  version: string | null;
}

/** The longest version a worker accepts. */
export const MAX_RESOLUTION_VERSION_LENGTH = 128;

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
