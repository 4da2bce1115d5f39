import { ShoalError } from '@shoal/model';
import { isNotFound } from './kube-errors.js';
import type { KubeClient } from './kube-client.js';
import { releaseSelector, type InstalledObject, type Release } from './installation.js';
import { describeRef, header } from './object-ref.js';
import { poll } from './poll.js';
import type { Progress } from './apply-objects.js';

/**
 * Deletes an installation's objects and waits until they are gone: in the foreground
 * ("Garbage Collection", propagationPolicy Foreground), so a Deployment or DaemonSet goes only
 * after its pods, and the wait ends when the API server no longer has any of them, nor a pod of
 * the release. Each object is reported once it is gone. An object already gone is no error.
 */
export async function deleteInstallation(client: KubeClient, release: Release, objects: readonly InstalledObject[], progress: Progress, timeoutMs: number): Promise<void> {
  // The reverse of install order: what routes to the pods and the pods first, identities last.
  for (const o of [...objects].reverse()) {
    const call = { verb: 'delete', group: o.info.group, resource: o.info.resource, name: o.name, ...(o.info.namespaced ? { namespace: o.namespace! } : {}) };
    await client.call(call, async () => {
      try {
        await client.objects.delete(header(o), undefined, undefined, undefined, undefined, 'Foreground');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    });
  }
  const left = new Set(objects);
  const gone = await poll(async () => {
    for (const o of [...left]) {
      const call = { verb: 'get', group: o.info.group, resource: o.info.resource, name: o.name, ...(o.info.namespaced ? { namespace: o.namespace! } : {}) };
      const present = await client.call(call, async () => {
        try {
          await client.objects.read(header(o));
          return true;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      });
      if (!present) {
        left.delete(o);
        progress(`  removed ${describeRef(o)}`);
      }
    }
    if (left.size > 0) return undefined;
    const pods = await client.call({ verb: 'list', group: '', resource: 'pods', namespace: release.namespace }, () => client.core.listNamespacedPod({ namespace: release.namespace, labelSelector: releaseSelector(release) }));
    return pods.items.length === 0 ? true : undefined;
  }, Date.now() + timeoutMs);
  if (gone === undefined) {
    const names = [...left].map(describeRef);
    throw new ShoalError('CLI_ERR_CLUSTER', `still there after ${Math.round(timeoutMs / 1000)} s: ${names.length > 0 ? names.join(', ') : 'pods of the release'}; the API server keeps them (finalizers, or pods that do not terminate): see kubectl -n ${release.namespace} get all -l ${releaseSelector(release)}`);
  }
}
