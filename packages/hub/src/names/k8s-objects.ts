import type { V1EndpointSlice, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ClusterNode, ClusterService, PodInfo, ServiceEndpoint } from './cluster-state.js';

/*
 * Kubernetes objects → the sources' common shapes. Listed objects arrive deserialized (dates as
 * Date), watched ones as plain JSON (dates as strings): only fields that read the same either way
 * are used, and timestamps go through Date.
 *
 * The slim* functions keep only those fields (and the metadata the informer's cache keys on), so
 * the cache of a large cluster holds a few hundred bytes per object instead of whole objects
 * with their managedFields and container specs.
 */

function slimMeta(o: { metadata?: V1Pod['metadata'] }): V1Pod['metadata'] {
  const m = o.metadata ?? {};
  return {
    name: m.name, namespace: m.namespace, resourceVersion: m.resourceVersion, labels: m.labels, creationTimestamp: m.creationTimestamp,
    ...(m.deletionTimestamp !== undefined ? { deletionTimestamp: m.deletionTimestamp } : {}),
  };
}

export function slimPod(pod: V1Pod): V1Pod {
  const { spec, status } = pod;
  return {
    metadata: slimMeta(pod),
    spec: { containers: [], nodeName: spec?.nodeName, hostNetwork: spec?.hostNetwork },
    // Only the Ready condition: the hub reaches a worker pod once it is Ready (worker-pods.ts).
    status: { phase: status?.phase, podIP: status?.podIP, podIPs: status?.podIPs, conditions: status?.conditions?.filter((c) => c.type === 'Ready').map((c) => ({ type: c.type, status: c.status })) },
  };
}

export function slimService(service: V1Service): V1Service {
  const spec = service.spec;
  return { metadata: slimMeta(service), spec: { clusterIP: spec?.clusterIP, clusterIPs: spec?.clusterIPs, ports: spec?.ports?.map((p) => ({ port: p.port, protocol: p.protocol })) } };
}

export function slimNode(node: V1Node): V1Node {
  return { metadata: slimMeta(node), status: { addresses: node.status?.addresses } };
}

export function slimSlice(slice: V1EndpointSlice): V1EndpointSlice {
  return {
    metadata: slimMeta(slice),
    addressType: slice.addressType,
    endpoints: (slice.endpoints ?? []).map((e) => ({ addresses: e.addresses })),
    ports: slice.ports?.map((p) => ({ port: p.port })),
  };
}

export function podInfo(pod: V1Pod): PodInfo {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  const primary = pod.status?.podIP;
  if (ips.length === 0 && primary) ips.push(primary);
  const info: PodInfo = {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    ips,
    labels: { ...(pod.metadata?.labels ?? {}) },
    hostNetwork: pod.spec?.hostNetwork === true,
    terminated: pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed',
  };
  const ip = primary || ips[0];
  if (ip) info.ip = ip;
  if (pod.spec?.nodeName) info.node = pod.spec.nodeName;
  const created = epochMs(pod.metadata?.creationTimestamp);
  if (created !== undefined) info.createdMs = created;
  if (pod.status?.phase) info.phase = pod.status.phase;
  info.ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  if (pod.metadata?.deletionTimestamp) info.deleting = true;
  return info;
}

export function clusterService(service: V1Service): ClusterService {
  const spec = service.spec;
  const ips = spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : []);
  return {
    name: service.metadata?.name ?? '',
    namespace: service.metadata?.namespace ?? '',
    // "None" marks a headless service: no cluster IP to name.
    clusterIPs: ips.filter((ip) => ip !== '' && ip !== 'None'),
    ports: (spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** A node's InternalIP and ExternalIP addresses (hostnames are not addresses). */
export function clusterNode(node: V1Node): ClusterNode {
  const ips = (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address);
  return { name: node.metadata?.name ?? '', ips };
}

/** The pod addresses of a slice, each with the service the slice belongs to and its ports. */
export function sliceEndpoints(slice: V1EndpointSlice): ServiceEndpoint[] {
  const service = slice.metadata?.labels?.['kubernetes.io/service-name'];
  const namespace = slice.metadata?.namespace;
  if (!service || !namespace) return [];
  // A slice port without a number means "all ports": nothing port-specific to name then.
  const ports = (slice.ports ?? []).map((p) => p.port).filter((p): p is number => typeof p === 'number');
  const out: ServiceEndpoint[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    for (const ip of endpoint.addresses ?? []) out.push({ service, namespace, ip, ports });
  }
  return out;
}

function epochMs(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
