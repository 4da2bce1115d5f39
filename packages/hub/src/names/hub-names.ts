import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Pod, PodDirectory as HubPods, NameLookup } from '../names.js';
import type { PodInfo } from './cluster-state.js';
import { InventoryNames } from './inventory-names.js';
import { podInfo } from './k8s-objects.js';
import { KubernetesNames } from './kubernetes-names.js';
import { NameHistory } from './name-history.js';
import type { NamesLogger } from './names-logger.js';
import type { PodDirectory } from './pod-directory.js';

/** Where the hub's names come from: `--inventory FILE` or `--kubernetes` (docs/hub.md, "Names"). */
export type NamesSource = { inventory: string } | { kubernetes: KubeConfig };

/** In a pod: its service account; elsewhere: $KUBECONFIG or ~/.kube/config. */
export function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

export interface HubNames {
  /** Names as of a time, for delivery; the whole table and its changes, for the workers. */
  lookup: NameLookup;
  /** The pods for targeting, in the shape the hub's targets take. */
  pods: HubPods;
  /** Every pod the source knows, as it knows it (hostNetwork and not-ready ones too): the worker pods are found in it. */
  clusterPods: PodDirectory;
  stop(): Promise<void>;
}

/** How often intervals that ended before the retention are dropped, when nothing changes. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Starts one names source feeding one NameHistory, and adapts both to what the hub takes. An
 * inventory that does not read or validate at start is an error (the caller says so and exits);
 * the Kubernetes source keeps retrying in the background while the API server is away.
 */
export async function startHubNames(source: NamesSource, logger: NamesLogger): Promise<HubNames> {
  const history = new NameHistory();
  let stopSource: () => Promise<void> | void;
  let directory: PodDirectory;
  if ('inventory' in source) {
    const inventory = new InventoryNames({ path: source.inventory, history, logger });
    await inventory.start();
    stopSource = () => inventory.stop();
    directory = inventory;
  } else {
    const kubernetes = new KubernetesNames({ kubeConfig: source.kubernetes, history, logger });
    void kubernetes.start();
    stopSource = () => kubernetes.stop();
    directory = kubernetes;
  }
  const pruner = setInterval(() => history.prune(), PRUNE_EVERY_MS);
  pruner.unref();
  return {
    lookup: {
      namesAt: (ip, port, tsMs) => history.at(ip, port, tsMs),
      current: () => history.snapshot(),
      onPatch: (listener) => history.onPatch(listener),
    },
    pods: { pods: () => directory.pods().flatMap(toHubPod), onChange: (listener) => directory.onChange(listener) },
    clusterPods: directory,
    stop: async () => {
      clearInterval(pruner);
      await stopSource();
    },
  };
}

/** The pods the hub can target among the API's pods: what `shoal tap --dry-run` lists. */
export function targetablePods(pods: readonly V1Pod[]): Pod[] {
  return pods.map(podInfo).flatMap(toHubPod);
}

/**
 * A pod the hub can target: running, with an address of its own and a node. hostNetwork pods
 * share their node's address, so capturing "them" would capture the node: they are left out.
 */
function toHubPod(p: PodInfo): Pod[] {
  if (p.terminated || p.hostNetwork || p.ip === undefined || p.node === undefined) return [];
  return [{ name: p.name, namespace: p.namespace, ip: p.ip, node: p.node, labels: p.labels, ...(p.netns !== undefined ? { netns: p.netns } : {}) }];
}
