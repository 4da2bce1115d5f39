import { now, type KubeObject } from './object-store.js';

/**
 * What becomes of a pod, decided by the test in place of a cluster's scheduler, image puller and
 * container runtime. Each fate gives the pod the status the kubelet and the scheduler write in
 * that case (core/v1 PodStatus: phase, conditions, containerStatuses with their waiting reasons),
 * and the events they record (core/v1 Event, reasons as the kubelet and the scheduler spell them).
 */
export type PodFate =
  /** Scheduled, image pulled, containers running and ready; `logs` are their output. */
  | { state: 'ready'; logs?: string[] }
  /** Scheduled, containers being created: not ready, nothing wrong yet. */
  | { state: 'starting' }
  /** The image cannot be pulled: `ImagePullBackOff` naming the pod's image. */
  | { state: 'image-pull-backoff' }
  /** The scheduler finds no node: Pending, `FailedScheduling` with its message. */
  | { state: 'unschedulable'; message: string }
  /** The container exits again and again: `CrashLoopBackOff`, its output in the logs. */
  | { state: 'crash-loop'; logs: string[]; exitCode?: number; restarts?: number };

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

interface Container {
  name: string;
  image?: string;
}

export interface FateOutcome {
  /** The node the scheduler bound the pod to, if it did. */
  scheduled: boolean;
  status: Record<string, unknown>;
  events: PodEvent[];
  /** Each container's output, for `/log`. */
  logs: string[];
}

function containersOf(pod: KubeObject): Container[] {
  return ((pod['spec'] as { containers?: Container[] } | undefined)?.containers ?? []);
}

function condition(type: string, ok: boolean, reason?: string, message?: string): Record<string, unknown> {
  return { type, status: ok ? 'True' : 'False', lastTransitionTime: now(), ...(reason !== undefined ? { reason } : {}), ...(message !== undefined ? { message } : {}) };
}

function notReady(): Record<string, unknown>[] {
  return [condition('PodScheduled', true), condition('Initialized', true), condition('Ready', false, 'ContainersNotReady'), condition('ContainersReady', false, 'ContainersNotReady')];
}

/** The outcome of `fate` for `pod` on its node, whose address is `hostIP`; `podIP` is the pod's own. */
export function outcome(pod: KubeObject, fate: PodFate, addresses: { hostIP: string; podIP: string }): FateOutcome {
  const containers = containersOf(pod);
  const name = pod.metadata.name;
  const ips = { hostIP: addresses.hostIP, hostIPs: [{ ip: addresses.hostIP }], podIP: addresses.podIP, podIPs: [{ ip: addresses.podIP }], startTime: now() };
  switch (fate.state) {
    case 'unschedulable':
      return {
        scheduled: false,
        status: { phase: 'Pending', conditions: [condition('PodScheduled', false, 'Unschedulable', fate.message)], qosClass: 'Burstable' },
        events: [{ type: 'Warning', reason: 'FailedScheduling', message: fate.message, component: 'default-scheduler' }],
        logs: [],
      };
    case 'starting':
      return {
        scheduled: true,
        status: { phase: 'Pending', conditions: notReady(), ...ips, containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } })) },
        events: [{ type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${name}`, component: 'default-scheduler' }],
        logs: [],
      };
    case 'image-pull-backoff':
      return {
        scheduled: true,
        status: {
          phase: 'Pending',
          conditions: notReady(),
          ...ips,
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } } })),
        },
        events: containers.flatMap((c) => [
          { type: 'Normal' as const, reason: 'Pulling', message: `Pulling image "${c.image}"`, component: 'kubelet' },
          { type: 'Warning' as const, reason: 'Failed', message: `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`, component: 'kubelet' },
          { type: 'Warning' as const, reason: 'Failed', message: 'Error: ErrImagePull', component: 'kubelet' },
          { type: 'Normal' as const, reason: 'BackOff', message: `Back-off pulling image "${c.image}"`, component: 'kubelet' },
          { type: 'Warning' as const, reason: 'Failed', message: 'Error: ImagePullBackOff', component: 'kubelet' },
        ]),
        logs: [],
      };
    case 'crash-loop': {
      const restarts = fate.restarts ?? 3;
      return {
        scheduled: true,
        status: {
          phase: 'Running',
          conditions: notReady(),
          ...ips,
          containerStatuses: containers.map((c) => ({
            name: c.name, image: c.image, imageID: `${c.image}@sha256:0`, ready: false, started: false, restartCount: restarts,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${c.name} pod=${name}_${pod.metadata.namespace}(${pod.metadata.uid})` } },
            lastState: { terminated: { exitCode: fate.exitCode ?? 1, reason: 'Error', startedAt: now(), finishedAt: now() } },
          })),
        },
        events: containers.map((c) => ({ type: 'Warning' as const, reason: 'BackOff', message: `Back-off restarting failed container ${c.name} in pod ${name}_${pod.metadata.namespace}(${pod.metadata.uid})`, component: 'kubelet' })),
        logs: fate.logs,
      };
    }
    case 'ready':
      return {
        scheduled: true,
        status: {
          phase: 'Running',
          conditions: [condition('PodScheduled', true), condition('Initialized', true), condition('Ready', true), condition('ContainersReady', true)],
          ...ips,
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: `${c.image}@sha256:0`, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now() } } })),
        },
        events: [{ type: 'Normal', reason: 'Started', message: 'Started container', component: 'kubelet' }],
        logs: fate.logs ?? [],
      };
  }
}

/** Whether a pod's Ready condition is True (what Services and controllers count). */
export function isReady(pod: KubeObject): boolean {
  return ((pod['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Why a container's log cannot be read yet (the kubelet's words), or undefined when it can. */
export function logRefusal(pod: KubeObject, container: string): string | undefined {
  const statuses = ((pod['status'] as { containerStatuses?: { name: string; state?: { waiting?: { reason?: string } } }[] } | undefined)?.containerStatuses ?? []);
  const waiting = statuses.find((s) => s.name === container)?.state?.waiting?.reason;
  if (waiting === undefined || waiting === 'CrashLoopBackOff') return statuses.length === 0 ? `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating` : undefined;
  const why = waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' ? 'trying and failing to pull image' : waiting;
  return `container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${why}`;
}
