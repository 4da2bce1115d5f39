import { networkInterfaces } from 'node:os';
import type { Workload } from '@shoal/model';
import type { Target } from '@shoal/worker';

/** Namespace given to this machine's own addresses, where a cluster would name a pod's. */
export const LOCAL_NAMESPACE = 'local';

export interface LocalAddresses {
  /** Every address of every interface, loopback included, once each. */
  targets: Target[];
  /** Each address named after the host (and its interface), for the resolution table. */
  names: Record<string, Workload>;
}

/**
 * This machine's addresses as worker targets: a host is its own only "pod". Loopback is kept
 * (local services often talk over it); link-local IPv6 addresses are kept too, without their
 * zone, as packets carry them so.
 */
export function localAddresses(host: string): LocalAddresses {
  const targets: Target[] = [];
  const names: Record<string, Workload> = {};
  for (const [ifname, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) {
      const ip = a.address.replace(/%.*$/, '');
      if (names[ip] !== undefined) continue;
      targets.push({ ip, name: `${host}:${ifname}`, namespace: LOCAL_NAMESPACE, node: host });
      names[ip] = { name: host, namespace: LOCAL_NAMESPACE, node: host };
    }
  }
  return { targets, names };
}

/** The node's address in entries: the first non-loopback IPv4 address, else loopback. */
export function defaultNodeIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
