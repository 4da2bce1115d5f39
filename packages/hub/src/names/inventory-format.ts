import { isIP } from 'node:net';
import type { ClusterState, PodInfo, ServiceEndpoint } from './cluster-state.js';
import { InventoryError, InventoryErrorCodes } from './inventory-error.js';

/*
 * The inventory file: the cluster described by hand (or by `shoal lab`) when there is no
 * Kubernetes API. Format and rules: docs/hub.md, "Inventory". Unknown fields are refused, so a
 * misspelt key is reported instead of silently naming nothing.
 */

export interface InventoryNode {
  name: string;
  ip: string;
}

export interface InventoryPod {
  ip: string;
  name: string;
  namespace: string;
  node?: string;
  labels: Record<string, string>;
  netns?: string;
}

export interface InventoryService {
  name: string;
  namespace: string;
  clusterIPs: string[];
  ports: { port: number; protocol: string }[];
  selector?: Record<string, string>;
}

export interface Inventory {
  nodes: InventoryNode[];
  pods: InventoryPod[];
  services: InventoryService[];
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** Checks a parsed inventory file; throws HUB_ERR_INVENTORY_INVALID naming the first bad field. */
export function parseInventory(json: unknown): Inventory {
  const top = object(json, '(top level)', ['nodes', 'pods', 'services']);
  return {
    nodes: list(top.nodes, 'nodes', (v, at) => {
      const o = object(v, at, ['name', 'ip']);
      return { name: text(o.name, `${at}.name`), ip: ip(o.ip, `${at}.ip`) };
    }),
    pods: list(top.pods, 'pods', (v, at) => {
      const o = object(v, at, ['ip', 'name', 'namespace', 'node', 'labels', 'netns']);
      const pod: InventoryPod = {
        ip: ip(o.ip, `${at}.ip`),
        name: text(o.name, `${at}.name`),
        namespace: text(o.namespace, `${at}.namespace`),
        labels: o.labels === undefined ? {} : labels(o.labels, `${at}.labels`),
      };
      if (o.node !== undefined) pod.node = text(o.node, `${at}.node`);
      if (o.netns !== undefined) pod.netns = netnsPath(o.netns, `${at}.netns`);
      return pod;
    }),
    services: list(top.services, 'services', (v, at) => {
      const o = object(v, at, ['name', 'namespace', 'clusterIPs', 'ports', 'selector']);
      const service: InventoryService = {
        name: text(o.name, `${at}.name`),
        namespace: text(o.namespace, `${at}.namespace`),
        clusterIPs: list(o.clusterIPs, `${at}.clusterIPs`, ip),
        ports: list(o.ports, `${at}.ports`, (p, pAt) => {
          const po = object(p, pAt, ['port', 'protocol']);
          const protocol = po.protocol === undefined ? 'TCP' : text(po.protocol, `${pAt}.protocol`);
          if (!PROTOCOLS.includes(protocol)) invalid(`${pAt}.protocol`, `must be one of ${PROTOCOLS.join(', ')}`);
          return { port: port(po.port, `${pAt}.port`), protocol };
        }),
      };
      if (o.selector !== undefined) service.selector = labels(o.selector, `${at}.selector`);
      return service;
    }),
  };
}

/**
 * The inventory as the sources' common shape. Services find their pods by selector, in their
 * namespace, as Kubernetes does; the file gives no target ports, so pod IP:port keys are not made.
 */
export function inventoryState(inventory: Inventory): ClusterState {
  const pods: PodInfo[] = inventory.pods.map((p) => {
    const pod: PodInfo = { name: p.name, namespace: p.namespace, ip: p.ip, ips: [p.ip], labels: { ...p.labels }, hostNetwork: false, terminated: false };
    if (p.node !== undefined) pod.node = p.node;
    if (p.netns !== undefined) pod.netns = p.netns;
    return pod;
  });
  const endpoints: ServiceEndpoint[] = [];
  for (const service of inventory.services) {
    const selector = service.selector;
    // An absent or empty selector selects nothing (a Kubernetes service without selector).
    if (selector === undefined || Object.keys(selector).length === 0) continue;
    for (const pod of pods) {
      if (pod.namespace !== service.namespace) continue;
      if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) continue;
      for (const podIp of pod.ips) endpoints.push({ service: service.name, namespace: service.namespace, ip: podIp, ports: [] });
    }
  }
  return {
    nodes: inventory.nodes.map((n) => ({ name: n.name, ips: [n.ip] })),
    pods,
    services: inventory.services.map((s) => ({ name: s.name, namespace: s.namespace, clusterIPs: s.clusterIPs, ports: s.ports })),
    endpoints,
  };
}

function invalid(field: string, problem: string): never {
  throw new InventoryError(InventoryErrorCodes.HUB_ERR_INVENTORY_INVALID, `inventory: ${field} ${problem}`, { field });
}

function object(v: unknown, at: string, allowed: string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(at, 'must be an object');
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) invalid(at === '(top level)' ? key : `${at}.${key}`, `is not a known field (expected one of: ${allowed.join(', ')})`);
  }
  return o;
}

/** An optional array: absent is empty. */
function list<T>(v: unknown, at: string, item: (v: unknown, at: string) => T): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) invalid(at, 'must be an array');
  return v.map((x, i) => item(x, `${at}[${i}]`));
}

function text(v: unknown, at: string): string {
  if (typeof v !== 'string' || v === '') invalid(at, 'must be a non-empty string');
  return v;
}

function ip(v: unknown, at: string): string {
  if (typeof v !== 'string' || isIP(v) === 0) invalid(at, `must be an IPv4 or IPv6 address (got ${JSON.stringify(v)})`);
  return v;
}

function port(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) invalid(at, `must be an integer from 1 to 65535 (got ${JSON.stringify(v)})`);
  return v;
}

function labels(v: unknown, at: string): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(at, 'must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') invalid(`${at}.${k}`, 'must be a string');
    out[k] = value;
  }
  return out;
}

/** A network namespace path as the worker's targets take it: absolute, no `..`. */
function netnsPath(v: unknown, at: string): string {
  if (typeof v !== 'string' || !v.startsWith('/') || v.split('/').includes('..')) invalid(at, `must be an absolute path such as /var/run/netns/NAME or /proc/PID/ns/net (got ${JSON.stringify(v)})`);
  return v;
}
