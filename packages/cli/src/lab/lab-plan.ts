/**
 * The lab's layout, computed before anything is made: every name and address follows from the
 * prefix, the node count and the subnet base, so `down` and `status` can name the same objects
 * again from the state file alone.
 *
 *   host (root namespace) ── <prefix>0 ─┐ 10.244.B.254
 *                                       │
 *   <prefix>-net: bridge sw0 (a switch between the "machines"; no address, no forwarding)
 *        │ eth0 10.244.B.(10+i)
 *   <prefix>-node-i: bridge br0 10.244.(B+i).1/24, forwarding on, worker :30001,
 *        │          routes to every other node's pod CIDR via that node (host-gw style)
 *   <prefix>-node-i-<pod>: eth0 10.244.(B+i).(2+k)/24, default route via br0
 *
 * Nodes meet on a switch namespace instead of being routed by the host, so the host's own
 * ip_forward and interfaces stay untouched; the host only gets one veth and routes to the pod
 * CIDRs through it (the hub reaches the workers, a user's curl reaches the pods).
 */

export const DEFAULT_PREFIX = 'shoal-lab';
export const WORKER_PORT = 30001;
export const APP_PORT = 8080;
/** The demo's HTTPS service (`auth`) listens here. */
export const HTTPS_PORT = 8443;

/** A pod of the demo workload: its role decides what runs in it (at most 10 characters: `veth-ROLE`). */
export type PodRole = 'dns' | 'front' | 'users' | 'orders' | 'redis' | 'traffic' | 'catalog' | 'payments' | 'reviews' | 'events' | 'monitor' | 'postgres' | 'mqtt' | 'auth';

export interface PlannedNode {
  /** Kubernetes-style node name, also the worker's --node-name. */
  name: string;
  netns: string;
  /** Address on the switch (eth0), where its worker listens. */
  ip: string;
  podCidr: string;
  /** br0's address, the pods' default gateway. */
  gateway: string;
}

export interface PlannedPod {
  role: PodRole;
  name: string;
  namespace: string;
  node: string;
  netns: string;
  ip: string;
  /** The node-side end of the pod's veth (inside the node's namespace). */
  veth: string;
  labels: Record<string, string>;
  /** Port of the service it backs, or null for a client-only pod. */
  servicePort: number | null;
  serviceProtocol: 'TCP' | 'UDP';
}

export interface LabPlan {
  prefix: string;
  /** Third octet of the switch subnet; node i's pods use base + i. */
  base: number;
  switchNetns: string;
  /** The host's end of its veth to the switch (root namespace). */
  hostLink: string;
  hostIp: string;
  nodes: PlannedNode[];
  pods: PlannedPod[];
  dnsIp: string;
}

/**
 * The demo's pods and the node each goes to (index modulo the node count): with two nodes the
 * traffic generator calls the front across nodes, the front calls users and the catalog (gRPC)
 * across nodes, orders reaches Redis and payments (HTTP/2) across nodes, the monitor subscribes
 * to the events feed (WebSocket) across nodes, users query PostgreSQL and orders and events meet
 * at the MQTT broker across nodes, the front calls auth over HTTPS across nodes, while front →
 * orders and front → reviews (GraphQL) stay on one node. New pods go last, so the first ones keep
 * their addresses.
 */
const DEMO_PODS: { role: PodRole; namespace: string; slot: number; port: number | null; protocol?: 'UDP' }[] = [
  { role: 'dns', namespace: 'kube-system', slot: 0, port: 53, protocol: 'UDP' },
  { role: 'front', namespace: 'demo', slot: 0, port: APP_PORT },
  { role: 'orders', namespace: 'demo', slot: 0, port: APP_PORT },
  { role: 'users', namespace: 'demo', slot: 1, port: APP_PORT },
  { role: 'redis', namespace: 'demo', slot: 1, port: 6379 },
  { role: 'traffic', namespace: 'demo', slot: 1, port: null },
  { role: 'catalog', namespace: 'demo', slot: 1, port: APP_PORT },
  { role: 'payments', namespace: 'demo', slot: 1, port: APP_PORT },
  { role: 'reviews', namespace: 'demo', slot: 0, port: APP_PORT },
  { role: 'events', namespace: 'demo', slot: 0, port: APP_PORT },
  { role: 'monitor', namespace: 'demo', slot: 1, port: null },
  { role: 'postgres', namespace: 'demo', slot: 0, port: 5432 },
  { role: 'mqtt', namespace: 'demo', slot: 1, port: 1883 },
  { role: 'auth', namespace: 'demo', slot: 1, port: HTTPS_PORT },
];

/**
 * At most 10 characters, so `<prefix>0` fits an interface name (15 bytes); never ending like a
 * node's namespace (`x-node-1`), whose own names `down` would otherwise take for a pod's of
 * prefix `x`.
 */
export const PREFIX_PATTERN = /^(?!.*-node-\d+$)[a-z][a-z0-9-]{0,9}$/;

export function planLab(prefix: string, nodeCount: number, base: number): LabPlan {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`prefix '${prefix}' must match ${PREFIX_PATTERN} (it names interfaces, at most 15 bytes)`);
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 8) throw new Error(`node count must be 1-8, got ${nodeCount}`);
  if (!Number.isInteger(base) || base < 0 || base + nodeCount > 255) throw new Error(`subnet base must leave room for ${nodeCount} pod CIDRs below 10.244.255.0, got ${base}`);
  const nodes: PlannedNode[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    nodes.push({
      name: `node-${i}`,
      netns: `${prefix}-node-${i}`,
      ip: `10.244.${base}.${10 + i}`,
      podCidr: `10.244.${base + i}.0/24`,
      gateway: `10.244.${base + i}.1`,
    });
  }
  const hostsUsed = new Map<string, number>();
  const pods = DEMO_PODS.map((p): PlannedPod => {
    const node = nodes[p.slot % nodeCount]!;
    const host = (hostsUsed.get(node.name) ?? 1) + 1;
    hostsUsed.set(node.name, host);
    return {
      role: p.role,
      name: p.role,
      namespace: p.namespace,
      node: node.name,
      netns: `${node.netns}-${p.role}`,
      ip: `10.244.${base + nodes.indexOf(node) + 1}.${host}`,
      veth: `veth-${p.role}`,
      labels: { app: p.role },
      servicePort: p.port,
      serviceProtocol: p.protocol ?? 'TCP',
    };
  });
  return {
    prefix,
    base,
    switchNetns: `${prefix}-net`,
    hostLink: `${prefix}0`,
    hostIp: `10.244.${base}.254`,
    nodes,
    pods,
    dnsIp: pods.find((p) => p.role === 'dns')!.ip,
  };
}

/** The DNS name of a pod's service, as Kubernetes would give it. */
export function serviceFqdn(pod: PlannedPod): string {
  return `${pod.name}.${pod.namespace}.svc.cluster.local`;
}

export function netnsPath(netns: string): string {
  return `/var/run/netns/${netns}`;
}

/** Files `ip netns exec` mounts over /etc for processes in `netns` (resolv.conf here). */
export function netnsEtcDir(netns: string): string {
  return `/etc/netns/${netns}`;
}

/**
 * A pod's own files that a server running as another user keeps (PostgreSQL refuses root, and the
 * lab's state folder is root's alone): outside the state folder, named by the pod's namespace
 * like its /etc/netns folder, and removed with it by `down`.
 */
export function podDataDir(netns: string): string {
  return `/run/shoal-lab/${netns}`;
}
