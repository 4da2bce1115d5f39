import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from './kube-client.js';

/**
 * Why a pod is not ready, in words, when the cluster says something is wrong (the kubelet's and
 * the scheduler's reasons: "Debug Pods", "Pod Lifecycle"): an image that cannot be pulled (and
 * which), no node with room (and the scheduler's words), a container that keeps crashing (and
 * its last log lines), a container that cannot be created. Undefined while the pod is merely on
 * its way (being scheduled, pulling, starting).
 */
export interface PodOwner {
  /** Whose pod, in a sentence: `the hub's`, `a worker's`. */
  whose: string;
  /** Who crashes, in a sentence: `the hub`, `a worker`. */
  who: string;
  /** The `--set` key of the container's resources: `tap.resources.hub`. */
  resourcesKey: string;
}

/** How many of a crashing container's last log lines are shown. */
export const LOG_LINES = 10;

const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const CREATE_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

function where(pod: V1Pod): string {
  return `pod ${pod.metadata?.name}${pod.spec?.nodeName !== undefined ? ` on ${pod.spec.nodeName}` : ''}`;
}

async function schedulerMessage(client: KubeClient, pod: V1Pod): Promise<string | undefined> {
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (condition === undefined) return undefined;
  if (condition.message !== undefined && condition.message !== '') return condition.message;
  // Older schedulers leave the message to their FailedScheduling event.
  try {
    const events = await client.core.listNamespacedEvent({ namespace: pod.metadata!.namespace!, fieldSelector: `involvedObject.name=${pod.metadata!.name}` });
    return events.items.filter((e) => e.reason === 'FailedScheduling').at(-1)?.message ?? 'the scheduler finds no node for it';
  } catch {
    return 'the scheduler finds no node for it';
  }
}

async function lastLogLines(client: KubeClient, pod: V1Pod, container: string): Promise<string[]> {
  const read = (previous: boolean) => client.core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, container, tailLines: LOG_LINES, previous });
  let text: string;
  try {
    // The crashed container's output; a container that never ran before has none, so ask for the current one.
    text = await read(true);
  } catch {
    try {
      text = await read(false);
    } catch (err) {
      return [`(its log cannot be read: ${(err as Error).message.split('\n')[0]})`];
    }
  }
  const lines = text.split('\n').filter((l) => l !== '');
  return lines.length > 0 ? lines.slice(-LOG_LINES) : ['(it wrote nothing)'];
}

function imageProblem(owner: PodOwner, pod: V1Pod, s: V1ContainerStatus): string {
  const waiting = s.state!.waiting!;
  const image = s.image ?? pod.spec?.containers.find((c) => c.name === s.name)?.image ?? '(unknown)';
  return `${owner.whose} ${where(pod)} cannot pull its image ${image} (${waiting.reason}${waiting.message !== undefined ? `: ${waiting.message}` : ''}). `
    + 'Make the images reachable from the nodes: push them to a registry and give it with -r REGISTRY (and -t TAG), with tap.docker.imagePullSecrets for a private one (docs/kubernetes.md)';
}

export async function diagnosePod(client: KubeClient, pod: V1Pod, owner: PodOwner): Promise<string | undefined> {
  const unschedulable = await schedulerMessage(client, pod);
  if (unschedulable !== undefined) {
    return `${owner.whose} ${where(pod)} cannot be scheduled: ${unschedulable} Free room on the nodes or lower what it asks for (--set ${owner.resourcesKey}.requests.memory=…, --set ${owner.resourcesKey}.requests.cpu=…)`;
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    const reason = s.state?.waiting?.reason ?? '';
    if (IMAGE_REASONS.has(reason)) return imageProblem(owner, pod, s);
    if (reason === 'CrashLoopBackOff') {
      const exit = s.lastState?.terminated?.exitCode;
      const lines = await lastLogLines(client, pod, s.name);
      return `${owner.who} keeps crashing (${where(pod)}, container ${s.name}, restarted ${s.restartCount} times${exit !== undefined ? `, last exit code ${exit}` : ''}); its last log lines:\n${lines.map((l) => `    ${l}`).join('\n')}`;
    }
    if (CREATE_REASONS.has(reason)) return `${owner.whose} ${where(pod)} cannot start its container ${s.name} (${reason}${s.state?.waiting?.message !== undefined ? `: ${s.state.waiting.message}` : ''})`;
  }
  return undefined;
}
