/**
 * The lab as a cluster describes itself: the inventory file the hub reads (`--inventory`), each
 * worker's targets (`--targets`) and the name table pushed to workers (`PUT /resolution`).
 *
 * The lab has no kube-proxy, so a Service has no virtual IP of its own: each demo Service is
 * backed by one pod and its `clusterIPs` hold that pod's address, which is also what the lab's
 * DNS answers for the Service's name (as for a headless Service).
 */
import { netnsPath, serviceFqdn, type LabPlan } from './lab-plan.js';

export interface Inventory {
  nodes: { name: string; ip: string }[];
  pods: { ip: string; name: string; namespace: string; node: string; labels: Record<string, string>; netns: string }[];
  services: { name: string; namespace: string; clusterIPs: string[]; ports: { port: number; protocol: string }[]; selector: Record<string, string> }[];
}

export function inventoryOf(plan: LabPlan): Inventory {
  return {
    nodes: plan.nodes.map((n) => ({ name: n.name, ip: n.ip })),
    // With its namespace, so targets the hub pushes are captured inside each pod, as `up` starts them.
    pods: plan.pods.map((p) => ({ ip: p.ip, name: p.name, namespace: p.namespace, node: p.node, labels: p.labels, netns: netnsPath(p.netns) })),
    services: plan.pods
      .filter((p) => p.servicePort !== null)
      .map((p) => ({
        name: p.name,
        namespace: p.namespace,
        clusterIPs: [p.ip],
        ports: [{ port: p.servicePort!, protocol: p.serviceProtocol }],
        selector: p.labels,
      })),
  };
}

/** A worker's targets: its node's pods, each captured inside its own namespace. */
export function targetsOf(plan: LabPlan, node: string): { ip: string; name: string; namespace: string; node: string; netns: string }[] {
  return plan.pods.filter((p) => p.node === node).map((p) => ({ ip: p.ip, name: p.name, namespace: p.namespace, node: p.node, netns: netnsPath(p.netns) }));
}

/** The `PUT /resolution` body: every pod (with its Service, if any) and every node address. */
export function resolutionOf(plan: LabPlan): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = {};
  for (const p of plan.pods) {
    table[p.ip] = { pod: p.name, namespace: p.namespace, node: p.node, ...(p.servicePort !== null ? { service: p.name } : {}) };
  }
  for (const n of plan.nodes) table[n.ip] = { name: n.name, node: n.name };
  return table;
}

/** The names the lab's DNS serves, for `up` to print. */
export function serviceNames(plan: LabPlan): string[] {
  return plan.pods.filter((p) => p.servicePort !== null).map(serviceFqdn);
}
