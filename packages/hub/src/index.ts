/**
 * @shoal/hub: the one place that sees every node. It finds the workers, pushes them targets and
 * names, merges their entries in time order, and serves dashboards and the CLI (docs/hub.md).
 */
export type { ResolutionPatch, Workload } from '@shoal/model';
export { startHub, createHubLogger } from './hub.js';
export type { HubOptions, RunningHub } from './hub.js';
export { parseWorkerList } from './workers/worker-list.js';
export type { WorkerAddress } from './workers/worker-list.js';
export { DEFAULT_WORKER_LABELS, DEFAULT_WORKER_PORT, defaultWorkerNamespace, parseLabelSelector, workerAddresses } from './workers/worker-pods.js';
export type { WorkerPodSelector } from './workers/worker-pods.js';
export type { WorkerState } from './workers/worker-link.js';
export { DEFAULT_CLIENT_LIMITS } from './feed/client-feed.js';
export type { ClientLimits } from './feed/client-feed.js';
export { MergeWindow } from './feed/merge-window.js';
export { DEFAULT_FEED_OPTIONS } from './feed/feed-hub.js';
export type { FeedOptions } from './feed/feed-hub.js';
export type { FeedClock, FeedEnvironment } from './feed/feed-environment.js';
export { NODE_CLOCK, NODE_FEED_ENVIRONMENT } from './feed/feed-environment.js';
export { DEFAULT_HISTORY_LIMITS } from './history/hub-history.js';
export type { HistoryLimits } from './history/hub-history.js';
export { METRIC_PREFIX } from './metrics.js';
export type { NameLookup, Pod, PodDirectory } from './names.js';
export { parseSelection, selectPods, DEFAULT_SELECTION } from './targets/target-selection.js';
export type { TargetSelection } from './targets/target-selection.js';
export { FileSelectionStore, SELECTION_FILE } from './targets/selection-store.js';
export { ConfigMapSelectionStore } from './targets/configmap-selection-store.js';
export type { SelectionStore } from './targets/selection-store.js';
export { DEFAULT_PCAP_TIMEOUTS } from './pcap/pcap-timeouts.js';
export type { PcapTimeouts } from './pcap/pcap-timeouts.js';
export { defaultKubeConfig, startHubNames, targetablePods, type HubNames, type NamesSource } from './names/index.js';
export type { KubeConfig } from '@kubernetes/client-node';
