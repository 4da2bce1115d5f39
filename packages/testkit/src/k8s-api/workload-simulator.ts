import { createHash } from 'node:crypto';
import { now, type KubeObject, type ObjectStore, type StoreEvent } from './object-store.js';
import type { ObjectWrites } from './object-writes.js';
import { isReady, outcome, type PodEvent, type PodFate } from './pod-fates.js';
import { workloadSelector } from './selectors.js';

/**
 * The cluster's moving parts that a test drives instead of a real cluster: the Deployment,
 * ReplicaSet and DaemonSet controllers (a Deployment makes a ReplicaSet per pod template, which
 * makes its pods; a DaemonSet makes one pod per node of the store), the scheduler and the kubelet
 * (each new pod meets the fate the test decided: ready, starting, an image that cannot be pulled,
 * no node with room, a crash loop; a deleted pod terminates, then goes). The workloads' status
 * follows their pods as the controllers write it (readyReplicas, numberReady,
 * desiredNumberScheduled…; zero counts left out, as the API's omitempty does). Everything runs
 * after the request that caused it has been answered, a step at a time, as controllers do: a
 * client has to wait for the pods.
 *
 * Simplifications, said plainly: a new pod template replaces the old pods at once (no rolling
 * surge), every node may run every DaemonSet pod (no taints or node affinity are checked), and
 * pods only reach the states of their fate (no restarts over time).
 */
export type PodMatcher = (pod: KubeObject) => boolean;

interface FateRule {
  match: PodMatcher;
  fate: PodFate;
}

/** The container's name → its log lines. */
type ContainerLogs = Map<string, string[]>;

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...digest.subarray(0, 10)].map((b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

interface Workload extends KubeObject {
  spec?: { replicas?: number; selector?: Parameters<typeof workloadSelector>[0]; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } };
}

function ownedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
}

function ownerRef(owner: KubeObject): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return { apiVersion: String(owner.apiVersion), kind: String(owner.kind), name: owner.metadata.name, uid: String(owner.metadata.uid), controller: true, blockOwnerDeletion: true };
}

/** Leaves out zero counts, as the API's `omitempty` does for these status fields. */
function counts(values: Record<string, number>, keep: string[] = []): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== 0 || keep.includes(k)));
}

export class WorkloadSimulator {
  private readonly rules: FateRule[] = [];
  /** Pods the controllers made, by uid → the fate they met (to record events once per fate). */
  private readonly decided = new Map<string, string>();
  private readonly logs = new Map<string, ContainerLogs>();
  private readonly queue = new Map<string, () => void>();
  private flushing = false;
  private stopped = false;
  private podCount = 0;
  private spread = 0;
  private eventCount = 0;

  constructor(private readonly store: ObjectStore, private readonly writes: ObjectWrites) {
    store.onChange((e) => this.react(e));
  }

  /**
   * From now on, pods that `match` meet `fate` (the latest rule that matches wins; without one a
   * pod becomes ready). Pods already made are decided again at once.
   */
  fate(match: PodMatcher, fate: PodFate): void {
    this.rules.push({ match, fate });
    for (const pod of this.store.list('pods')) {
      if (this.decided.has(String(pod.metadata.uid)) && match(pod)) this.later(`pod/${pod.metadata.uid}`, () => this.decide(pod.metadata.name, pod.metadata.namespace!));
    }
  }

  /** A container's output so far, or undefined when the pod is not one the kubelet runs. */
  logsOf(namespace: string, pod: string, container: string): string[] | undefined {
    return this.logs.get(`${namespace}/${pod}`)?.get(container);
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  private react(e: StoreEvent): void {
    const o = e.object;
    const ns = o.metadata.namespace;
    switch (e.resource) {
      case 'deployments':
        if (e.type !== 'DELETED') this.later(`deployment/${ns}/${o.metadata.name}`, () => this.deployment(o.metadata.name, ns!));
        break;
      case 'replicasets':
        if (e.type !== 'DELETED') this.later(`replicaset/${ns}/${o.metadata.name}`, () => this.replicaSet(o.metadata.name, ns!));
        for (const owner of o.metadata.ownerReferences ?? []) if (owner.kind === 'Deployment') this.later(`deployment/${ns}/${owner.name}`, () => this.deployment(owner.name, ns!));
        break;
      case 'daemonsets':
        if (e.type !== 'DELETED') this.later(`daemonset/${ns}/${o.metadata.name}`, () => this.daemonSet(o.metadata.name, ns!));
        break;
      case 'nodes':
        for (const ds of this.store.list('daemonsets')) this.later(`daemonset/${ds.metadata.namespace}/${ds.metadata.name}`, () => this.daemonSet(ds.metadata.name, ds.metadata.namespace!));
        break;
      case 'pods':
        if (e.type === 'DELETED') {
          this.decided.delete(String(o.metadata.uid));
          this.logs.delete(`${ns}/${o.metadata.name}`);
        } else if (o.metadata.deletionTimestamp !== undefined) {
          this.later(`kill/${o.metadata.uid}`, () => this.terminate(o.metadata.name, ns!));
        }
        for (const owner of o.metadata.ownerReferences ?? []) {
          if (owner.kind === 'ReplicaSet') this.later(`replicaset/${ns}/${owner.name}`, () => this.replicaSet(owner.name, ns!));
          if (owner.kind === 'DaemonSet') this.later(`daemonset/${ns}/${owner.name}`, () => this.daemonSet(owner.name, ns!));
        }
        break;
    }
  }

  /** Runs `step` after the current request, once however often it was asked for meanwhile. */
  private later(key: string, step: () => void): void {
    if (this.stopped) return;
    this.queue.set(key, step);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const steps = [...this.queue.values()];
      this.queue.clear();
      for (const s of steps) if (!this.stopped) s();
    });
  }

  private deployment(name: string, namespace: string): void {
    const d = this.store.get('deployments', name, namespace) as Workload | undefined;
    if (d === undefined || d.metadata.deletionTimestamp !== undefined) return;
    const hash = templateHash(d.spec?.template);
    const owned = this.store.list('replicasets', namespace).filter((rs) => ownedBy(rs, d)) as Workload[];
    const current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const replicas = d.spec?.replicas ?? 1;
    for (const old of owned) {
      if (old !== current && (old.spec?.replicas ?? 0) !== 0) this.store.put('replicasets', { ...old, spec: { ...old.spec, replicas: 0 } });
    }
    if (current === undefined) {
      const labels = { ...(d.spec?.template?.metadata?.labels ?? {}), 'pod-template-hash': hash };
      this.store.put('replicasets', {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { name: `${name}-${hash}`, namespace, labels, ownerReferences: [ownerRef(d)] },
        spec: { replicas, selector: { matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash } }, template: { ...d.spec?.template, metadata: { ...d.spec?.template?.metadata, labels } } },
      });
      return;
    }
    if ((current.spec?.replicas ?? 1) !== replicas) this.store.put('replicasets', { ...current, spec: { ...current.spec, replicas } });
    const pods = this.store.list('pods', namespace).filter((p) => owned.some((rs) => ownedBy(p, rs)) && p.metadata.deletionTimestamp === undefined);
    const updated = pods.filter((p) => ownedBy(p, current));
    const ready = pods.filter(isReady).length;
    const status = {
      observedGeneration: Number(d.metadata['generation'] ?? 1),
      ...counts({ replicas: pods.length, updatedReplicas: updated.length, readyReplicas: ready, availableReplicas: ready, unavailableReplicas: Math.max(replicas - ready, 0) }),
      conditions: [
        { type: 'Available', status: ready >= replicas ? 'True' : 'False', reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
        { type: 'Progressing', status: 'True', reason: updated.length === replicas && ready >= replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${current.metadata.name}" is progressing.` },
      ],
    };
    this.setStatus('deployments', d, status);
  }

  private replicaSet(name: string, namespace: string): void {
    const rs = this.store.get('replicasets', name, namespace) as Workload | undefined;
    if (rs === undefined || rs.metadata.deletionTimestamp !== undefined) return;
    const pods = this.store.list('pods', namespace).filter((p) => ownedBy(p, rs) && p.metadata.deletionTimestamp === undefined);
    const want = rs.spec?.replicas ?? 1;
    for (let i = pods.length; i < want; i++) this.makePod(rs, `${name}-${suffix(5)}`);
    for (const extra of pods.slice(want)) this.writes.delete('pods', extra, 'Background');
    const ready = pods.filter(isReady).length;
    this.setStatus('replicasets', rs, { observedGeneration: Number(rs.metadata['generation'] ?? 1), ...counts({ replicas: Math.min(pods.length, want), fullyLabeledReplicas: Math.min(pods.length, want), readyReplicas: ready, availableReplicas: ready }, ['replicas']) });
  }

  private daemonSet(name: string, namespace: string): void {
    const ds = this.store.get('daemonsets', name, namespace) as Workload | undefined;
    if (ds === undefined || ds.metadata.deletionTimestamp !== undefined) return;
    const hash = templateHash(ds.spec?.template);
    const nodes = this.store.list('nodes').map((n) => n.metadata.name);
    const pods = this.store.list('pods', namespace).filter((p) => ownedBy(p, ds) && p.metadata.deletionTimestamp === undefined);
    for (const old of pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash)) this.writes.delete('pods', old, 'Background');
    const current = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
    for (const node of nodes) {
      if (!current.some((p) => targetNode(p) === node)) this.makePod(ds, `${name}-${suffix(5)}`, node, { 'controller-revision-hash': hash });
    }
    const scheduled = current.filter((p) => (p['spec'] as { nodeName?: string }).nodeName !== undefined);
    const ready = current.filter(isReady).length;
    this.setStatus('daemonsets', ds, {
      observedGeneration: Number(ds.metadata['generation'] ?? 1),
      ...counts({ desiredNumberScheduled: nodes.length, currentNumberScheduled: scheduled.length, numberMisscheduled: 0, numberReady: ready, updatedNumberScheduled: current.length, numberAvailable: ready, numberUnavailable: Math.max(nodes.length - ready, 0) }, ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady']),
    });
  }

  private setStatus(resource: 'deployments' | 'replicasets' | 'daemonsets', object: KubeObject, status: Record<string, unknown>): void {
    const old = object['status'] as Record<string, unknown> | undefined;
    const comparable = (s: Record<string, unknown> | undefined) => JSON.stringify({ ...s, conditions: ((s?.['conditions'] ?? []) as Record<string, unknown>[]).map((c) => ({ ...c, lastTransitionTime: '', lastUpdateTime: '' })) });
    if (comparable(old) === comparable(status)) return;
    const stamped = { ...status, ...(status['conditions'] !== undefined ? { conditions: (status['conditions'] as Record<string, unknown>[]).map((c) => ({ ...c, lastTransitionTime: now(), lastUpdateTime: now() })) } : {}) };
    this.store.put(resource, { ...object, status: stamped });
  }

  /** A pod from the owner's template; a DaemonSet's pod asks for its node by affinity, as the real controller does. */
  private makePod(owner: Workload, name: string, node?: string, extraLabels: Record<string, string> = {}): void {
    const template = owner.spec?.template ?? {};
    const spec = structuredClone(template.spec ?? {}) as Record<string, unknown>;
    if (node !== undefined) {
      spec['affinity'] = { ...(spec['affinity'] as object | undefined), nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } } };
    }
    const pod = this.store.put('pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: owner.metadata.namespace!, labels: { ...(template.metadata?.labels ?? {}), ...extraLabels }, ...(template.metadata?.annotations !== undefined ? { annotations: template.metadata.annotations } : {}), ownerReferences: [ownerRef(owner)] },
      spec,
      status: { phase: 'Pending', qosClass: 'Burstable' },
    });
    this.decided.set(String(pod.metadata.uid), '');
    this.later(`pod/${pod.metadata.uid}`, () => this.decide(name, owner.metadata.namespace!));
  }

  private fateOf(pod: KubeObject): PodFate {
    for (let i = this.rules.length - 1; i >= 0; i--) if (this.rules[i]!.match(pod)) return this.rules[i]!.fate;
    return { state: 'ready' };
  }

  /** The scheduler and the kubelet: bind the pod to a node and give it the status of its fate. */
  private decide(name: string, namespace: string): void {
    const pod = this.store.get('pods', name, namespace);
    if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) return;
    const nodes = this.store.list('nodes');
    let fate = this.fateOf(pod);
    if (nodes.length === 0 && fate.state !== 'unschedulable') fate = { state: 'unschedulable', message: 'no nodes available to schedule pods' };
    const spec = pod['spec'] as { nodeName?: string; hostNetwork?: boolean };
    const nodeName = spec.nodeName ?? targetNode(pod) ?? nodes[this.spread++ % Math.max(nodes.length, 1)]?.metadata.name;
    const node = nodes.find((n) => n.metadata.name === nodeName);
    const hostIP = ((node?.['status'] as { addresses?: { type: string; address: string }[] } | undefined)?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '192.168.0.1';
    const n = ++this.podCount;
    const result = outcome(pod, fate, { hostIP, podIP: spec.hostNetwork === true ? hostIP : `10.244.${n >> 8}.${n & 255}` });
    const fateKey = JSON.stringify(fate);
    const isNew = this.decided.get(String(pod.metadata.uid)) !== fateKey;
    this.decided.set(String(pod.metadata.uid), fateKey);
    this.store.put('pods', { ...pod, spec: { ...spec, ...(result.scheduled && nodeName !== undefined ? { nodeName } : {}) }, status: result.status });
    const containers = ((spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
    this.logs.set(`${namespace}/${name}`, new Map(containers.map((c) => [c, result.logs])));
    if (isNew) for (const event of result.events) this.record(pod, event);
  }

  /** The kubelet ends a deleted pod's containers, then the pod goes. */
  private terminate(name: string, namespace: string): void {
    const pod = this.store.get('pods', name, namespace);
    if (pod !== undefined && pod.metadata.deletionTimestamp !== undefined && (pod.metadata.finalizers ?? []).length === 0) this.store.remove('pods', name, namespace);
  }

  private record(pod: KubeObject, event: PodEvent): void {
    const time = now();
    this.store.put('events', {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${pod.metadata.name}.${(++this.eventCount).toString(16).padStart(16, '0')}`, namespace: pod.metadata.namespace! },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
      reason: event.reason, message: event.message, type: event.type,
      source: { component: event.component }, reportingComponent: event.component,
      firstTimestamp: time, lastTimestamp: time, count: 1,
    });
  }
}

/** The node a DaemonSet's pod asked for (its matchFields on metadata.name), if any. */
function targetNode(pod: KubeObject): string | undefined {
  const terms = ((pod['spec'] as { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; values?: string[] }[] }[] } } } }).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []);
  for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === 'metadata.name') return f.values?.[0];
  return undefined;
}
