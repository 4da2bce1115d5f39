import { ShoalError } from '@shoal/model';
import { KERNEL_FILTER_MAX_HOSTS, targetFilter, type Target } from '../targets.js';
import type { CaptureSpec } from './packet-source.js';

/**
 * Interface used inside a pod's namespace: `any` also sees the pod talking to itself over lo.
 * eBPF serves it too, attached to each interface up at open (a pod's lo and eth0).
 */
export const NETNS_INTERFACE = 'any';

/**
 * Which captures the targets need, each with its kernel filter.
 *
 * Targets with a `netns` get a capture inside that namespace; the rest are covered by one
 * capture on `rootInterface` in the worker's own namespace. A packet between two targets
 * could be seen by two captures, so each packet is given to exactly one of them, in the
 * kernel: captures are ordered (namespaces by path, then the root one) and each filter leaves
 * out the hosts of every capture before it. A packet thus goes to the first capture holding
 * one of its ends. When a filter would grow past `maxHosts`, the exclusion (and, if needed,
 * the host list) gives way to `ip or ip6` plus the user-space checks: the target check per
 * flow and the duplicate filter for packets seen twice.
 */
export function planCaptures(targets: readonly Target[], rootInterface: string, maxHosts = KERNEL_FILTER_MAX_HOSTS): CaptureSpec[] {
  const groups = new Map<string, Target[]>();
  for (const t of targets) {
    const key = t.netns ?? '';
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [t]);
    else list.push(t);
  }
  // Namespaces first (sorted, so the plan is stable), the root namespace ('' key) last.
  const order = [...groups.keys()].filter((k) => k !== '').sort();
  if (groups.has('')) order.push('');

  const specs: CaptureSpec[] = [];
  const claimed = new Set<string>();
  for (const key of order) {
    const group = groups.get(key)!.filter((t) => !claimed.has(t.ip));
    if (group.length === 0) continue;
    const own = targetFilter(group, maxHosts).bpf!;
    const ownHosts = new Set(group.map((t) => t.ip)).size;
    let filter = own;
    if (claimed.size > 0 && ownHosts + claimed.size <= maxHosts) {
      const earlier = targetFilter([...claimed].map((ip) => ({ ip, name: '', namespace: '' })), maxHosts).bpf!;
      filter = `(${own}) and not (${earlier})`;
    }
    for (const t of group) claimed.add(t.ip);
    const spec: CaptureSpec = {
      interface: key === '' ? rootInterface : NETNS_INTERFACE,
      filter,
      targets: group.map((t) => `${t.namespace}/${t.name}`),
    };
    if (key !== '') spec.netns = key;
    specs.push(spec);
  }
  return specs;
}

/**
 * Leaves TCP `ports` out of every capture, in the kernel filter. A worker whose targets include
 * the addresses its own API and hub talk over (`shoal local`: every address of the machine)
 * would otherwise capture the entries it streams, make entries of them, stream those, and so on.
 */
export function withoutPorts(specs: CaptureSpec[], ports: readonly number[]): CaptureSpec[] {
  if (ports.length === 0) return specs;
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new ShoalError('CLI_ERR_USAGE', `ignored port ${p} is not a TCP port`);
  const not = [...new Set(ports)].sort((a, b) => a - b).map((p) => `tcp port ${p}`).join(' or ');
  return specs.map((s) => ({ ...s, filter: `(${s.filter}) and not (${not})` }));
}

/** Two specs are the same capture: an unchanged capture is kept open across a target update. */
export function specKey(spec: CaptureSpec): string {
  return `${spec.netns ?? ''}\u0000${spec.interface}\u0000${spec.filter}`;
}
