/**
 * What a source of names knows about the cluster, in one small shape whatever the source
 * (the Kubernetes watch or an inventory file), so naming and targeting are written once.
 */

/** A pod, as targeting needs it (`PodDirectory`) and naming reads it. */
export interface PodInfo {
  name: string;
  namespace: string;
  node?: string;
  /** The primary IP (status.podIP); undefined until the pod has one. */
  ip?: string;
  /** Every IP of the pod (status.podIPs: one per family on a dual-stack cluster). */
  ips: string[];
  labels: Record<string, string>;
  /**
   * The pod uses its node's network: its IP is the node's and is shared by every such pod on
   * the node, so it names no address (the node's name does).
   */
  hostNetwork: boolean;
  /** Succeeded or Failed: the IP went back to the pool though status.podIP still shows it. */
  terminated: boolean;
  /** creationTimestamp, epoch ms: the earliest the pod can have held its IP. */
  createdMs?: number;
  /** status.phase (Pending, Running, …); sources without one (an inventory) leave it out. */
  phase?: string;
  /** Its Ready condition is True; sources without conditions (an inventory) leave it out. */
  ready?: boolean;
  /** metadata.deletionTimestamp is set: the pod is shutting down. */
  deleting?: boolean;
  /**
   * Its network namespace on its node, when the source knows it (an inventory's `netns`): the
   * worker then captures inside it, as with its own --targets.
   */
  netns?: string;
}

export interface ClusterService {
  name: string;
  namespace: string;
  /** spec.clusterIPs (headless services have none). */
  clusterIPs: string[];
  ports: { port: number; protocol: string }[];
}

export interface ClusterNode {
  name: string;
  ips: string[];
}

/** One pod address behind a service (an EndpointSlice endpoint, or a selector's match). */
export interface ServiceEndpoint {
  service: string;
  namespace: string;
  ip: string;
  /** The pod's ports that serve the service (the slice's ports); empty when unknown. */
  ports: number[];
}

export interface ClusterState {
  nodes: ClusterNode[];
  pods: PodInfo[];
  services: ClusterService[];
  endpoints: ServiceEndpoint[];
}
