/** Kubernetes objects as the API server sends them, for the test API server. */

/**
 * A pod as the API server shows it. A Running pod is Ready unless `ready: false`; `deleting`
 * sets metadata.deletionTimestamp (a pod in its grace period).
 */
export function pod(
  name: string,
  ip: string | undefined,
  options: {
    namespace?: string; node?: string; labels?: Record<string, string>; hostNetwork?: boolean; created?: string; phase?: string;
    ready?: boolean; deleting?: boolean;
  } = {},
) {
  const phase = options.phase ?? (ip === undefined ? 'Pending' : 'Running');
  const ready = options.ready ?? phase === 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name, namespace: options.namespace ?? 'shop', uid: `uid-${name}`, labels: options.labels ?? {}, creationTimestamp: options.created ?? '2026-01-01T00:00:00Z',
      ...(options.deleting === true ? { deletionTimestamp: '2026-01-01T01:00:00Z' } : {}),
    },
    spec: { nodeName: options.node ?? 'node-a', hostNetwork: options.hostNetwork ?? false, containers: [{ name: 'main', image: 'example' }] },
    status: {
      phase,
      ...(ip === undefined ? {} : { podIP: ip, podIPs: [{ ip }] }),
      conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export function service(name: string, clusterIP: string, ports: number[], namespace = 'shop') {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { clusterIP, clusterIPs: [clusterIP], ports: ports.map((port) => ({ port, protocol: 'TCP' })) },
  };
}

export function endpointSlice(serviceName: string, ips: string[], ports: number[], namespace = 'shop') {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-abcde`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: ports.map((port) => ({ port, protocol: 'TCP' })),
  };
}

export function node(name: string, ip: string) {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
  };
}

export function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}
