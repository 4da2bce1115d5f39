import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ShoalError } from '@shoal/model';
import type { PodInfo } from '../names/cluster-state.js';
import type { WorkerAddress } from './worker-list.js';

/** Which pods are the workers (`--worker-selector`, `--worker-namespace`, `--worker-port`). */
export interface WorkerPodSelector {
  namespace: string;
  /** Every label must be on the pod with this value (an equality label selector). */
  labels: Record<string, string>;
  /** The workers' API port: pods are reached at their IP on it. */
  port: number;
}

/** Kubernetes' recommended labels for Shoal's worker pods (what the Helm chart's DaemonSet is to carry). */
export const DEFAULT_WORKER_LABELS = 'app.kubernetes.io/name=shoal,app.kubernetes.io/component=worker';
/** The worker's default `--port` (docs/api.md). */
export const DEFAULT_WORKER_PORT = 30001;
/** In a pod, the namespace of its service account: the hub looks for workers next to itself. */
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The hub's own namespace when it runs in a pod, else `default`. */
export function defaultWorkerNamespace(file = SERVICE_ACCOUNT_NAMESPACE): string {
  if (!existsSync(file)) return 'default';
  return readFileSync(file, 'utf8').trim() || 'default';
}

/** Parses `--worker-selector KEY=VALUE,…` (equality only, as `kubectl get -l` takes it). */
export function parseLabelSelector(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9][-A-Za-z0-9_./]*)==?([-A-Za-z0-9_.]*)$/.exec(item);
    if (m === null) throw new ShoalError('CLI_ERR_USAGE', `--worker-selector: '${item}' is not KEY=VALUE (e.g. ${DEFAULT_WORKER_LABELS})`);
    labels[m[1]!] = m[2]!;
  }
  if (Object.keys(labels).length === 0) throw new ShoalError('CLI_ERR_USAGE', '--worker-selector: give at least one KEY=VALUE');
  return labels;
}

/**
 * The workers the pods show: one per node, named after the node (spec.nodeName, which the
 * DaemonSet gives each worker as `--node-name`) and reached at the pod's IP. A pod becomes its
 * node's worker once it is Running and Ready; it stays so while it runs and is not being
 * deleted, even when it turns not Ready (the worker's readiness probe is its /health, which fails
 * while a capture is down: it still serves its store, and /status shows `capturing: false`).
 * When a node shows two (a replacement starting before the old one is gone), the newest Ready
 * one is taken. `current` is the previous answer, by node.
 */
export function workerAddresses(pods: readonly PodInfo[], selector: WorkerPodSelector, current: ReadonlyMap<string, WorkerAddress>): WorkerAddress[] {
  const byNode = new Map<string, PodInfo[]>();
  for (const pod of pods) {
    if (!isWorkerPod(pod, selector) || !isRunning(pod)) continue;
    const list = byNode.get(pod.node!) ?? [];
    list.push(pod);
    byNode.set(pod.node!, list);
  }
  const out: WorkerAddress[] = [];
  for (const [node, candidates] of byNode) {
    const ready = candidates.filter((p) => p.ready !== false).sort((a, b) => (b.createdMs ?? 0) - (a.createdMs ?? 0));
    const kept = current.get(node)?.pod;
    const pod = ready[0] ?? candidates.find((p) => podKey(p) === kept);
    if (pod !== undefined) out.push({ name: node, host: urlHost(pod.ip!), port: selector.port, pod: podKey(pod) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function isWorkerPod(pod: PodInfo, selector: WorkerPodSelector): boolean {
  return pod.namespace === selector.namespace && Object.entries(selector.labels).every(([k, v]) => pod.labels[k] === v);
}

/** Up and reachable: an IP, a node, Running (sources without phases count as running), not shutting down. */
function isRunning(pod: PodInfo): boolean {
  return pod.ip !== undefined && pod.node !== undefined && (pod.phase ?? 'Running') === 'Running' && pod.deleting !== true;
}

function podKey(pod: PodInfo): string {
  return `${pod.namespace}/${pod.name}`;
}

/** An IPv6 address goes in brackets in a URL, as `--workers` takes it. */
function urlHost(ip: string): string {
  return isIP(ip) === 6 ? `[${ip}]` : ip;
}
