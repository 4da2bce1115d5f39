import { ApiException, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { apiMessage, kubeError } from '../kube/kube-errors.js';
import type { KubeClient } from '../kube/kube-client.js';

/**
 * The logs of one of Shoal's pods, as `kubectl logs` reads them (`pods/log`): every container's
 * (init containers first, as they ran), and, for a container that restarted, the log of the run
 * before too (`previous=true`: the crash that restarted it is in there, not in the new run's).
 * A log the API server cannot give (the container has not started yet, RBAC refuses `pods/log`)
 * is recorded with its words, not a failure; an API server that cannot be reached is.
 */
export interface ContainerLog {
  container: string;
  /** The log of the run before the last restart. */
  previous: boolean;
  text?: string;
  /** Why there is no text, in the API server's words. */
  missing?: string;
}

/** Each log is read up to this many bytes (the API's limitBytes); a longer one is cut, and said. */
export const LOG_BYTES_MAX = 64 * 1024 * 1024;

async function read(client: KubeClient, pod: V1Pod, container: string, previous: boolean): Promise<ContainerLog> {
  const name = pod.metadata!.name!;
  const namespace = pod.metadata!.namespace!;
  try {
    const text = await client.core.readNamespacedPodLog({ name, namespace, container, previous, limitBytes: LOG_BYTES_MAX });
    return { container, previous, text };
  } catch (err) {
    if (!(err instanceof ApiException)) throw kubeError(err, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace, name }, client);
    return { container, previous, missing: apiMessage(err) };
  }
}

function restarted(statuses: V1ContainerStatus[] | undefined, container: string): boolean {
  return (statuses?.find((s) => s.name === container)?.restartCount ?? 0) > 0;
}

export async function podLogs(client: KubeClient, pod: V1Pod): Promise<ContainerLog[]> {
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ name: c.name, statuses: pod.status?.initContainerStatuses })),
    ...(pod.spec?.containers ?? []).map((c) => ({ name: c.name, statuses: pod.status?.containerStatuses })),
  ];
  const logs: ContainerLog[] = [];
  for (const c of containers) {
    logs.push(await read(client, pod, c.name, false));
    if (restarted(c.statuses, c.name)) logs.push(await read(client, pod, c.name, true));
  }
  return logs;
}
