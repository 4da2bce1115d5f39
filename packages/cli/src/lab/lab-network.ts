/**
 * Makes and removes the lab's namespaces, bridges, veths and routes (layout: lab-plan.ts).
 * Every veth has MTU 1500 and TSO, GSO and GRO off on both ends: with offloads on a veth hands
 * the capture 64 KiB "packets" and a request never splits, so the workers would see a network
 * no cluster has. Every command has a time limit.
 */
import { execFileSync } from 'node:child_process';
import type { LabPlan } from './lab-plan.js';
import type { LabState } from './lab-state.js';

const TIMEOUT_MS = 10_000;

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${cmd} ${args.join(' ')} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

const ip = (args: string[]) => run('ip', args);
const inNs = (ns: string, cmd: string, args: string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args]);

/** TSO/GSO: the sender cuts MSS-sized segments itself; GRO: the receiver does not merge them. */
function offloadsOff(ns: string | null, dev: string): void {
  const args = ['-K', dev, 'tso', 'off', 'gso', 'off', 'gro', 'off'];
  if (ns === null) run('ethtool', args);
  else inNs(ns, 'ethtool', args);
}

function addNetns(state: LabState, name: string): void {
  state.record({ kind: 'netns', name });
  ip(['netns', 'add', name]);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
}

/**
 * A veth from `aNs` (null: the root namespace) to `bNs`, both ends MTU 1500, offloads off.
 * Only a root-namespace end needs its own record: the others go with their namespace.
 */
function addVeth(state: LabState, aNs: string | null, a: string, bNs: string, b: string): void {
  if (aNs === null) state.record({ kind: 'link', name: a });
  ip([...(aNs === null ? [] : ['-n', aNs]), 'link', 'add', a, 'mtu', '1500', 'type', 'veth', 'peer', 'name', b, 'mtu', '1500', 'netns', bNs]);
  offloadsOff(aNs, a);
  offloadsOff(bNs, b);
}

/** A bridge in `ns`, promiscuous so AF_PACKET there sees forwarded frames too. */
function addBridge(ns: string, name: string): void {
  ip(['-n', ns, 'link', 'add', name, 'type', 'bridge']);
  ip(['-n', ns, 'link', 'set', name, 'promisc', 'on', 'up']);
}

/** Host routes that would collide with the lab's (another lab on the same subnets), or []. */
export function conflictingRoutes(plan: LabPlan): string[] {
  const ours = [`10.244.${plan.base}.0/24`, ...plan.nodes.map((n) => n.podCidr)];
  const routes = JSON.parse(ip(['-j', 'route', 'show'])) as { dst: string; dev?: string }[];
  return routes.filter((r) => ours.includes(r.dst) || ours.includes(`${r.dst}/32`)).map((r) => `${r.dst} dev ${r.dev ?? '?'}`);
}

export function buildNetwork(plan: LabPlan, state: LabState): void {
  const sw = plan.switchNetns;
  addNetns(state, sw);
  addBridge(sw, 'sw0');
  addVeth(state, null, plan.hostLink, sw, 'host');
  ip(['-n', sw, 'link', 'set', 'host', 'master', 'sw0', 'up']);
  ip(['addr', 'add', `${plan.hostIp}/24`, 'dev', plan.hostLink]);
  ip(['link', 'set', plan.hostLink, 'up']);

  for (const node of plan.nodes) {
    addNetns(state, node.netns);
    const swPort = `p-${node.name}`;
    addVeth(state, sw, swPort, node.netns, 'eth0');
    ip(['-n', sw, 'link', 'set', swPort, 'master', 'sw0', 'up']);
    ip(['-n', node.netns, 'addr', 'add', `${node.ip}/24`, 'dev', 'eth0']);
    ip(['-n', node.netns, 'link', 'set', 'eth0', 'up']);
    addBridge(node.netns, 'br0');
    ip(['-n', node.netns, 'addr', 'add', `${node.gateway}/24`, 'dev', 'br0']);
    // A node routes between its pods' bridge and the switch: forwarding is per namespace, so
    // this changes nothing outside the lab.
    inNs(node.netns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    for (const other of plan.nodes) {
      if (other !== node) ip(['-n', node.netns, 'route', 'add', other.podCidr, 'via', other.ip]);
    }
    // The host reaches each node's pods through that node.
    ip(['route', 'add', node.podCidr, 'via', node.ip, 'dev', plan.hostLink]);
  }

  for (const pod of plan.pods) {
    const node = plan.nodes.find((n) => n.name === pod.node)!;
    addNetns(state, pod.netns);
    addVeth(state, node.netns, pod.veth, pod.netns, 'eth0');
    ip(['-n', node.netns, 'link', 'set', pod.veth, 'master', 'br0', 'up']);
    ip(['-n', pod.netns, 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0']);
    ip(['-n', pod.netns, 'link', 'set', 'eth0', 'up']);
    ip(['-n', pod.netns, 'route', 'add', 'default', 'via', node.gateway]);
  }
}

/** Names of the network namespaces that exist now. */
export function listNetns(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name !== '');
}

/** Names of the root namespace's links. */
export function listLinks(): string[] {
  return (JSON.parse(ip(['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname);
}

/** PIDs of the processes inside namespace `name` (empty once it is gone). */
export function netnsPids(name: string): number[] {
  try {
    return ip(['netns', 'pids', name])
      .split('\n')
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Deletes a link or namespace that may already be gone; returns an error message or null. */
export function removeLink(name: string): string | null {
  if (!listLinks().includes(name)) return null;
  try {
    ip(['link', 'del', name]);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

export function removeNetns(name: string): string | null {
  if (!listNetns().includes(name)) return null;
  try {
    ip(['netns', 'del', name]);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
