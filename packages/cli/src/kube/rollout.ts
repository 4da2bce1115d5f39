import type { V1DaemonSet, V1Deployment, V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import type { BuiltObject } from '@shoal/deploy';
import { ShoalError } from '@shoal/model';
import type { Progress } from './apply-objects.js';
import type { KubeClient } from './kube-client.js';
import { diagnosePod, type PodOwner } from './pod-diagnosis.js';
import { poll } from './poll.js';

/**
 * Waits until Shoal's Deployments and DaemonSet run what was applied ("Deployments", rollout
 * status: the controller has seen the generation, every replica is updated and ready; a
 * DaemonSet's pods on every node it should run on are), printing a line whenever a rollout's
 * count changes (`workers ready 3/5 (waiting on node-d, node-e)`). A pod that the cluster says
 * is failing ends the wait at once with the reason in words (pod-diagnosis.ts): the reason does
 * not fix itself, and "not ready in time" would hide it.
 */
export interface Rollout extends PodOwner {
  kind: 'Deployment' | 'DaemonSet';
  name: string;
  namespace: string;
  /** The progress line's name: `hub`, `front`, `workers`. */
  label: string;
}

const OWNERS: Record<string, Omit<Rollout, 'kind' | 'name' | 'namespace'>> = {
  hub: { label: 'hub', whose: 'the hub\'s', who: 'the hub', resourcesKey: 'tap.resources.hub' },
  front: { label: 'front', whose: 'the front\'s', who: 'the front', resourcesKey: 'tap.resources.front' },
  worker: { label: 'workers', whose: 'a worker\'s', who: 'a worker', resourcesKey: 'tap.resources.sniffer' },
};

/** The rollouts among the builder's objects, named by their component label. */
export function rolloutsOf(built: readonly BuiltObject[]): Rollout[] {
  return built.flatMap(({ object }) => {
    if (object.kind !== 'Deployment' && object.kind !== 'DaemonSet') return [];
    const component = object.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
    const owner = OWNERS[component] ?? { label: component, whose: `the ${component}'s`, who: `the ${component}`, resourcesKey: `tap.resources.${component}` };
    return [{ kind: object.kind, name: object.metadata!.name!, namespace: object.metadata!.namespace!, ...owner }];
  });
}

export function selectorText(selector: V1LabelSelector | undefined): string {
  return Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

interface RolloutState {
  done: boolean;
  line: string;
  /** Pods not ready yet (each may say why). */
  waiting: V1Pod[];
}

async function state(client: KubeClient, r: Rollout): Promise<RolloutState> {
  const call = { verb: 'get', group: 'apps', resource: r.kind === 'Deployment' ? 'deployments' : 'daemonsets', namespace: r.namespace, name: r.name };
  const workload: V1Deployment | V1DaemonSet = await client.call(call, () =>
    r.kind === 'Deployment' ? client.apps.readNamespacedDeployment({ name: r.name, namespace: r.namespace }) : client.apps.readNamespacedDaemonSet({ name: r.name, namespace: r.namespace }),
  );
  const pods = (await client.call({ verb: 'list', group: '', resource: 'pods', namespace: r.namespace }, () =>
    client.core.listNamespacedPod({ namespace: r.namespace, labelSelector: selectorText(workload.spec?.selector) }),
  )).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
  const waiting = pods.filter((p) => !isReady(p));
  const observed = (workload.status?.observedGeneration ?? 0) >= (workload.metadata?.generation ?? 1);
  if (r.kind === 'Deployment') {
    const d = workload as V1Deployment;
    const desired = d.spec?.replicas ?? 1;
    const ready = d.status?.readyReplicas ?? 0;
    const done = observed && (d.status?.updatedReplicas ?? 0) >= desired && ready >= desired && (d.status?.replicas ?? 0) <= desired;
    return { done, line: `${r.label} ready ${ready}/${desired}`, waiting };
  }
  const ds = workload as V1DaemonSet;
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const ready = ds.status?.numberReady ?? 0;
  if (observed && ds.status !== undefined && desired === 0) {
    throw new ShoalError('CLI_ERR_ROLLOUT', `no node may run the ${r.label}: DaemonSet ${r.name} matches no node (see tap.nodeSelectorTerms.workers and tap.tolerations.workers)`);
  }
  const done = observed && ready >= desired && (ds.status?.updatedNumberScheduled ?? 0) >= desired;
  const pending = waiting.map((p) => p.spec?.nodeName ?? `${p.metadata?.name} (not scheduled)`).sort();
  const unplaced = Math.max(desired - pods.length, 0);
  const names = [...pending, ...(unplaced > 0 ? [`${unplaced} node${unplaced > 1 ? 's' : ''} without a pod yet`] : [])];
  return { done, line: `${r.label} ready ${ready}/${desired}${!done && names.length > 0 ? ` (waiting on ${names.join(', ')})` : ''}`, waiting };
}

export async function waitForRollouts(client: KubeClient, rollouts: readonly Rollout[], progress: Progress, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const shown = new Map<string, string>();
  let lines: string[] = [];
  const finished = await poll(async () => {
    lines = [];
    let all = true;
    for (const r of rollouts) {
      const s = await state(client, r);
      lines.push(s.line);
      if (shown.get(r.name) !== s.line) progress(s.line);
      shown.set(r.name, s.line);
      for (const pod of s.waiting) {
        const problem = await diagnosePod(client, pod, r);
        if (problem !== undefined) throw new ShoalError('CLI_ERR_ROLLOUT', problem);
      }
      all &&= s.done;
    }
    return all ? true : undefined;
  }, Date.now() + timeoutMs, signal);
  if (finished === undefined) {
    throw new ShoalError('CLI_ERR_ROLLOUT', `not ready after ${Math.round(timeoutMs / 1000)} s: ${lines.join('; ')}. Nothing the cluster reports is wrong: see kubectl -n ${rollouts[0]?.namespace} get pods,events, or wait longer with --timeout`);
  }
}
