import { addressKey, type Endpoint, type NameTable, type ResolutionPatch, type Workload } from '@shoal/model';

/**
 * IP → workload names, pushed by the hub (PUT /resolution) or loaded from an inventory file.
 * Applied to each entry as it is emitted, so a name is the one valid when the traffic was seen.
 * The table keeps the version its sender gave it (docs/api.md, /resolution "Versions"), so the
 * sender learns when a change it sends would not apply to what the worker has.
 */
export class ResolutionTable {
  private table = new Map<string, Workload>();
  /** Keys with a port ("ip:port", model addressKey): looked up first, only when there are any. */
  private portKeys = 0;
  private currentVersion: string | null = null;

  /** The version of the table; null when the last change was unversioned (or none came). */
  get version(): string | null {
    return this.currentVersion;
  }

  replace(entries: NameTable, version: string | null = null): void {
    this.table = new Map(Object.entries(entries));
    this.portKeys = 0;
    for (const key of this.table.keys()) if (hasPort(key)) this.portKeys++;
    this.currentVersion = version;
  }

  /**
   * An incremental change (PATCH /resolution): upserts first, then removals, as the model's
   * ResolutionPatch says. The caller validates the whole patch (and its base version) before,
   * so it applies entirely. The table is at `version` afterwards; an unversioned change leaves
   * it at none, since the sender's versions no longer describe it.
   */
  apply(patch: ResolutionPatch, version: string | null = null): void {
    this.currentVersion = version;
    for (const [key, workload] of Object.entries(patch.upsert ?? {})) {
      if (!this.table.has(key) && hasPort(key)) this.portKeys++;
      this.table.set(key, workload);
    }
    for (const key of patch.remove ?? []) if (this.table.delete(key) && hasPort(key)) this.portKeys--;
  }

  get size(): number {
    return this.table.size;
  }

  /**
   * Fills the endpoint's names in place; `name` is the pod, else the service. A name for the
   * address and port (a service's port) wins over the address's own.
   */
  resolve(endpoint: Endpoint): void {
    const w = (this.portKeys > 0 ? this.table.get(addressKey(endpoint.ip, endpoint.port)) : undefined) ?? this.table.get(endpoint.ip);
    if (w === undefined) return;
    if (w.pod !== undefined) endpoint.pod = w.pod;
    if (w.service !== undefined) endpoint.service = w.service;
    if (w.namespace !== undefined) endpoint.namespace = w.namespace;
    if (w.node !== undefined) endpoint.node = w.node;
    const name = w.name ?? w.pod ?? w.service;
    if (name !== undefined) endpoint.name = name;
  }
}

/** "10.0.0.1:80" and "[fd00::1]:80" carry a port; a bare IPv6 address has colons but no "]:". */
function hasPort(key: string): boolean {
  return key.includes(']:') || (!key.includes('[') && key.indexOf(':') === key.lastIndexOf(':') && key.includes(':'));
}
