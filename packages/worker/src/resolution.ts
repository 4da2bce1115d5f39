import type { Endpoint, ResolutionPatch, Workload } from '@shoal/model';

/**
 * IP → workload names, pushed by the hub (PUT /resolution) or loaded from an inventory file.
 * Applied to each entry as it is emitted, so a name is the one valid when the traffic was seen.
 */
export class ResolutionTable {
  private table = new Map<string, Workload>();

  replace(entries: Record<string, Workload>): void {
    this.table = new Map(Object.entries(entries));
  }

  /**
   * An incremental change (PATCH /resolution): upserts first, then removals, as the model's
   * ResolutionPatch says. The caller validates the whole patch before, so it applies entirely.
   */
  apply(patch: ResolutionPatch): void {
    for (const [ip, workload] of Object.entries(patch.upsert ?? {})) this.table.set(ip, workload);
    for (const ip of patch.remove ?? []) this.table.delete(ip);
  }

  get size(): number {
    return this.table.size;
  }

  /** Fills the endpoint's names in place; `name` is the pod, else the service. */
  resolve(endpoint: Endpoint): void {
    const w = this.table.get(endpoint.ip);
    if (w === undefined) return;
    if (w.pod !== undefined) endpoint.pod = w.pod;
    if (w.service !== undefined) endpoint.service = w.service;
    if (w.namespace !== undefined) endpoint.namespace = w.namespace;
    if (w.node !== undefined) endpoint.node = w.node;
    const name = w.name ?? w.pod ?? w.service;
    if (name !== undefined) endpoint.name = name;
  }
}
