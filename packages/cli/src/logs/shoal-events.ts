import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { BuiltObject } from '@shoal/deploy';
import type { KubeClient } from '../kube/kube-client.js';

/**
 * The events of the release namespace that are about Shoal's objects, oldest first, one line
 * each as `kubectl get events` shows them: an object the builder makes (by kind and name), one
 * of the installation's pods (listed by its labels), or what a workload's controller names
 * after it — a Deployment's ReplicaSets and pods, a DaemonSet's pods are `<workload>-<suffix>`
 * ("Deployments", "DaemonSet": generated names), so a pod that could never be created (its
 * ReplicaSet's FailedCreate) is found too.
 */
function about(built: readonly BuiltObject[], pods: readonly V1Pod[]): (e: CoreV1Event) => boolean {
  const exact = new Set(built.map(({ object }) => `${object.kind}/${object.metadata?.name}`));
  for (const p of pods) exact.add(`Pod/${p.metadata?.name}`);
  const workloads = built.filter(({ object }) => object.kind === 'Deployment' || object.kind === 'DaemonSet').map(({ object }) => `${object.metadata?.name}-`);
  return (e) => {
    const { kind = '', name = '' } = e.involvedObject;
    if (exact.has(`${kind}/${name}`)) return true;
    return (kind === 'Pod' || kind === 'ReplicaSet') && workloads.some((prefix) => name.startsWith(prefix));
  };
}

function timeOf(e: CoreV1Event): Date | undefined {
  return e.lastTimestamp ?? (e.eventTime as Date | undefined) ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}

export async function shoalEvents(client: KubeClient, namespace: string, built: readonly BuiltObject[], pods: readonly V1Pod[]): Promise<CoreV1Event[]> {
  const list = await client.call({ verb: 'list', group: '', resource: 'events', namespace }, () => client.core.listNamespacedEvent({ namespace }));
  const ours = about(built, pods);
  return list.items.filter(ours).sort((a, b) => (timeOf(a)?.getTime() ?? 0) - (timeOf(b)?.getTime() ?? 0));
}

/** `2026-05-01T14:03:07.000Z  Warning  BackOff  Pod/shoal-hub-…  Back-off restarting … (×4)`. */
export function eventLine(e: CoreV1Event): string {
  const time = timeOf(e);
  const count = (e.count ?? 1) > 1 ? ` (×${e.count})` : '';
  return `${time !== undefined ? new Date(time).toISOString() : '-'}  ${(e.type ?? '').padEnd(7)}  ${e.reason ?? ''}  ${e.involvedObject.kind}/${e.involvedObject.name}  ${(e.message ?? '').trim()}${count}`;
}
