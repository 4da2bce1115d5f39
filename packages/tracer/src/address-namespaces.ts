/**
 * Which network namespace holds an address: how a pod given only by its IP (a cluster's target:
 * the hub knows pods by address) is found on the node. Each namespace is read once, through one
 * of its processes: /proc/PID/net/fib_trie lists the IPv4 addresses local to it ("/32 host
 * LOCAL" below the address), /proc/PID/net/if_inet6 its IPv6 ones.
 */

import fs from 'node:fs';
import path from 'node:path';
import { formatIp } from '@shoal/dissect';
import { listPids, processNamespace } from './proc-files.js';

/** IPv4 addresses local to a namespace, from its fib_trie text. */
export function localIpv4(fibTrie: string): string[] {
  const found = new Set<string>();
  let last: string | null = null;
  for (const line of fibTrie.split('\n')) {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (leaf !== null) last = leaf[1]!;
    else if (last !== null && /\/32 host LOCAL/.test(line)) found.add(last);
  }
  return [...found];
}

/** IPv6 addresses of a namespace, from its if_inet6 text (32 hex digits first on each line). */
export function localIpv6(ifInet6: string): string[] {
  const found: string[] = [];
  for (const line of ifInet6.split('\n')) {
    const hex = /^([0-9a-f]{32})\s/.exec(line)?.[1];
    if (hex === undefined) continue;
    const words = Uint32Array.from(hex.match(/.{8}/g)!, (w) => parseInt(w, 16));
    found.push(formatIp(6, words));
  }
  return found;
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

/** Address → namespace inode, for every namespace with a process in `proc` now. */
export function namespacesByAddress(proc: string): Map<string, number> {
  const seen = new Set<number>();
  const byAddress = new Map<string, number>();
  for (const pid of listPids(proc)) {
    const inode = processNamespace(proc, pid);
    if (inode === null || seen.has(inode)) continue;
    seen.add(inode);
    const net = path.join(proc, String(pid), 'net');
    for (const ip of [...localIpv4(read(path.join(net, 'fib_trie'))), ...localIpv6(read(path.join(net, 'if_inet6')))]) {
      if (ip === '127.0.0.1' || ip === '::1') continue;
      // An address in several namespaces (the node's own and a host-network pod's) is ambiguous: keep the first.
      if (!byAddress.has(ip)) byAddress.set(ip, inode);
    }
  }
  return byAddress;
}
