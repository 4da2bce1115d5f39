import { ShoalError, type Target } from '@shoal/model';

/** A pod the worker captures for: set by the hub (PUT /targets) or a `--targets` file. */
export type { Target };

/**
 * Above this many addresses the kernel filter is dropped for a per-flow check in user space:
 * a BPF program grows with each `host` clause and libpcap's optimiser slows down sharply with
 * hundreds of them (Kubeshark's cliff near 150 pods). The per-flow check costs one Set lookup
 * per new connection, whatever the number of targets.
 */
export const KERNEL_FILTER_MAX_HOSTS = 64;

export interface TargetFilter {
  /** BPF for the capture, or null for "capture nothing" (no targets). */
  bpf: string | null;
  /** Per-flow check in user space; undefined when the kernel filter already selects exactly. */
  acceptFlow: ((a: { ip: string }, b: { ip: string }) => boolean) | undefined;
}

/**
 * A target with this `ip` stands for every address: the capture takes all IP traffic and no
 * per-flow check runs. `shoal view` uses it, as a capture file's hosts are all of interest and
 * not known before it is read. It is never implied: an empty list still captures nothing.
 */
export const MATCH_ALL_IP = '*';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Validates an address so it can be placed in a BPF expression safely. */
function checkIp(ip: string): string {
  if (ip === MATCH_ALL_IP) return ip;
  const v4 = IPV4.exec(ip);
  if (v4 !== null && v4.slice(1).every((o) => Number(o) <= 255)) return ip;
  if (/^[0-9a-fA-F:.]+$/.test(ip) && ip.includes(':')) return ip.toLowerCase();
  throw new ShoalError('CLI_ERR_USAGE', `target ip '${ip}' is not an IPv4 or IPv6 address (or '${MATCH_ALL_IP}' for all)`);
}

/**
 * Turns targets into the capture's filter. An empty list captures nothing, not everything: a
 * worker that has not been told what to watch must not record everyone's traffic.
 */
export function targetFilter(targets: readonly Target[], maxHosts = KERNEL_FILTER_MAX_HOSTS): TargetFilter {
  const ips = [...new Set(targets.map((t) => checkIp(t.ip)))].sort();
  if (ips.length === 0) return { bpf: null, acceptFlow: undefined };
  if (ips.includes(MATCH_ALL_IP)) return { bpf: 'ip or ip6', acceptFlow: undefined };
  if (ips.length <= maxHosts) return { bpf: ips.map((ip) => `host ${ip}`).join(' or '), acceptFlow: undefined };
  const wanted = new Set(ips);
  return { bpf: 'ip or ip6', acceptFlow: (a, b) => wanted.has(a.ip) || wanted.has(b.ip) };
}

/** Parses and checks a target list (the body of PUT /targets, or a --targets file). */
export function parseTargets(json: unknown): Target[] {
  if (!Array.isArray(json)) throw new ShoalError('CLI_ERR_USAGE', 'targets must be a JSON array of {ip, name, namespace}');
  return json.map((t: unknown, i) => {
    const o = t as Partial<Target> | null;
    if (o === null || typeof o !== 'object' || typeof o.ip !== 'string' || typeof o.name !== 'string' || typeof o.namespace !== 'string') {
      throw new ShoalError('CLI_ERR_USAGE', `target ${i} needs string fields ip, name and namespace`);
    }
    checkIp(o.ip);
    const target: Target = { ip: o.ip, name: o.name, namespace: o.namespace };
    if (typeof o.node === 'string') target.node = o.node;
    if (typeof o.netns === 'string') target.netns = o.netns;
    return target;
  });
}
