/**
 * Names: which pod, service, namespace and node held an address over which time, from the
 * Kubernetes API or an inventory file, and the pods for targeting (docs/hub.md, "Names").
 */
export { addressKey } from '@shoal/model';
export type { ClusterNode, ClusterService, ClusterState, PodInfo, ServiceEndpoint } from './cluster-state.js';
export { clusterNames } from './cluster-names.js';
export { InventoryError, InventoryErrorCodes, type InventoryErrorCode } from './inventory-error.js';
export { inventoryState, parseInventory, type Inventory, type InventoryNode, type InventoryPod, type InventoryService } from './inventory-format.js';
export { InventoryNames, type InventoryNamesOptions } from './inventory-names.js';
export { KubernetesNames, type KubernetesNamesOptions, type WatchedKind } from './kubernetes-names.js';
export { NameHistory, type NameClaim, type NameHistoryOptions } from './name-history.js';
export type { NamesLogger } from './names-logger.js';
export type { PodDirectory } from './pod-directory.js';
export { defaultKubeConfig, startHubNames, targetablePods, type HubNames, type NamesSource } from './hub-names.js';
