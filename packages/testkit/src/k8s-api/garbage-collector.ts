import type { KubeObject, ObjectStore } from './object-store.js';
import type { ResourceName } from './resources.js';

/**
 * The garbage collector ("Garbage Collection", owners and dependents): an object whose owners
 * (metadata.ownerReferences, by uid) are all gone is deleted (background propagation); an owner
 * deleted in the foreground (`foregroundDeletion` finalizer, deletionTimestamp set) has its
 * dependents deleted first and goes once none is left. Like the real one it works after the
 * request that deleted the owner has been answered, a pass at a time, so a client sees the
 * dependents go and must wait for them.
 */
export const FOREGROUND = 'foregroundDeletion';

export interface Deleter {
  /** Deletes as a DELETE request would (a pod first terminates). */
  delete(resource: ResourceName, object: KubeObject, propagation: 'Background' | 'Foreground'): void;
}

export class GarbageCollector {
  private pending = false;

  constructor(private readonly store: ObjectStore, private readonly deleter: Deleter) {
    store.onChange(() => this.schedule());
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.pass();
    });
  }

  private pass(): void {
    const all = this.store.all();
    const uids = new Set(all.map((o) => o.object.metadata.uid));
    const dependents = (uid: string | undefined) => all.filter((o) => (o.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid));
    for (const { resource, object } of all) {
      const meta = object.metadata;
      if (meta.deletionTimestamp !== undefined && (meta.finalizers ?? []).includes(FOREGROUND)) {
        const left = dependents(meta.uid);
        if (left.length === 0) {
          this.store.remove(resource, meta.name, meta.namespace);
          continue;
        }
        for (const d of left) if (d.object.metadata.deletionTimestamp === undefined) this.deleter.delete(d.resource, d.object, 'Foreground');
        continue;
      }
      const owners = meta.ownerReferences ?? [];
      if (owners.length > 0 && meta.deletionTimestamp === undefined && owners.every((r) => !uids.has(r.uid))) {
        this.deleter.delete(resource, object, 'Background');
      }
    }
  }
}
