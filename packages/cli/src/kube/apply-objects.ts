import { PatchStrategy } from '@kubernetes/client-node';
import type { BuiltObject } from '@shoal/deploy';
import type { KubeClient } from './kube-client.js';
import { describeRef, refOf } from './object-ref.js';

/**
 * Server-side apply ("Server-Side Apply": PATCH application/apply-patch+yaml) of the builder's
 * objects, in install order, one progress line each. The field manager `shoal` owns every field
 * it sets, and takes a field another manager changed (`force`), as a controller of its own
 * objects does: the objects are what `shoal manifests` prints, nothing else.
 */
export const FIELD_MANAGER = 'shoal';

export type Progress = (line: string) => void;

export async function applyObjects(client: KubeClient, built: readonly BuiltObject[], progress: Progress): Promise<void> {
  for (const { object } of built) {
    const ref = refOf(object);
    const info = await client.kindInfo(ref.apiVersion, ref.kind);
    await client.call({ verb: 'patch', group: info.group, resource: info.resource, name: ref.name, ...(info.namespaced ? { namespace: ref.namespace! } : {}) }, () =>
      client.objects.patch(structuredClone(object), undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
    progress(`  applied ${describeRef(ref)}`);
  }
}
