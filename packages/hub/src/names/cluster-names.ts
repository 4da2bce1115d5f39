import type { Workload } from '@shoal/model';
import { addressKey } from '@shoal/model';
import type { ClusterState, PodInfo } from './cluster-state.js';
import type { NameClaim } from './name-history.js';

/**
 * The names a cluster gives its addresses now:
 * - a node's IPs name the node;
 * - a pod's IPs name the pod (with its namespace and node, and its service when every service
 *   it backs is the same one); hostNetwork pods and finished pods name nothing (see PodInfo);
 * - a pod's IP:port behind a service names the pod *and* that service, so a pod backing two
 *   services is told apart by port;
 * - a service's cluster IPs, and each cluster IP:port, name the service.
 * When two pods show the same IP (a pod being replaced, a finished one not yet seen as such),
 * the newer pod holds it.
 */
export function clusterNames(state: ClusterState): Map<string, NameClaim> {
  const names = new Map<string, NameClaim>();
  for (const node of state.nodes) {
    for (const ip of node.ips) names.set(ip, { workload: { name: node.name, node: node.name } });
  }

  const podByIp = new Map<string, PodInfo>();
  for (const pod of state.pods) {
    if (pod.hostNetwork || pod.terminated) continue;
    for (const ip of pod.ips) {
      const other = podByIp.get(ip);
      if (other === undefined || (pod.createdMs ?? 0) > (other.createdMs ?? 0)) podByIp.set(ip, pod);
    }
  }

  const servicesByIp = new Map<string, Set<string>>();
  for (const endpoint of state.endpoints) {
    let services = servicesByIp.get(endpoint.ip);
    if (services === undefined) servicesByIp.set(endpoint.ip, (services = new Set()));
    services.add(`${endpoint.namespace}/${endpoint.service}`);
  }

  for (const [ip, pod] of podByIp) {
    const workload = podWorkload(pod);
    const services = servicesByIp.get(ip);
    if (services?.size === 1) {
      const only = [...services][0]!;
      if (only.startsWith(`${pod.namespace}/`)) workload.service = only.slice(pod.namespace.length + 1);
    }
    names.set(ip, withSince(workload, pod.createdMs));
  }

  for (const endpoint of state.endpoints) {
    const pod = podByIp.get(endpoint.ip);
    const base: Workload = pod !== undefined ? podWorkload(pod) : { name: endpoint.service, namespace: endpoint.namespace };
    for (const port of endpoint.ports) {
      names.set(addressKey(endpoint.ip, port), withSince({ ...base, service: endpoint.service }, pod?.createdMs));
    }
  }

  for (const service of state.services) {
    const workload: Workload = { name: service.name, namespace: service.namespace, service: service.name };
    for (const ip of service.clusterIPs) {
      // A cluster IP that is a pod's own address (an inventory's headless service) keeps the
      // pod, and its node, and gains the service.
      const pod = podByIp.get(ip);
      const claim: NameClaim = pod !== undefined ? withSince({ ...podWorkload(pod), service: service.name }, pod.createdMs) : { workload };
      names.set(ip, claim);
      for (const { port } of service.ports) names.set(addressKey(ip, port), claim);
    }
  }
  return names;
}

function podWorkload(pod: PodInfo): Workload {
  const workload: Workload = { name: pod.name, namespace: pod.namespace, pod: pod.name };
  if (pod.node !== undefined) workload.node = pod.node;
  return workload;
}

function withSince(workload: Workload, sinceMs: number | undefined): NameClaim {
  return sinceMs === undefined ? { workload } : { workload, sinceMs };
}
