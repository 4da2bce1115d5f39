/**
 * `lab down`: removes everything a lab made, whether `up` finished, failed or was killed.
 * Order matters: processes first (a namespace lives on while a process is inside it), then the
 * host's link, then the namespaces (their veths and bridges go with them) and their
 * /etc/netns folders (the pods' resolv.conf). Besides what the
 * state file recorded, it sweeps the names the lab's plan gives (lab-plan.ts) under the prefix,
 * so a lost state directory leaks nothing either.
 */
import * as fs from 'node:fs';
import { netnsEtcDir } from './lab-plan.js';
import { LabState } from './lab-state.js';
import { listLinks, listNetns, netnsPids, removeLink, removeNetns } from './lab-network.js';
import { isRunning, processStartTime, stopProcesses, type LabProcess } from './lab-processes.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Namespaces and links among `netns` and `links` that a lab with `prefix` names. */
export function labObjectNames(prefix: string, netns: string[], links: string[]): string[] {
  const p = escape(prefix);
  const ns = new RegExp(`^${p}-(net|node-\\d+(-[a-z]+)?)$`);
  return [...netns.filter((n) => ns.test(n)), ...links.filter((l) => l === `${prefix}0`)];
}

export interface DownResult {
  processes: number;
  netns: number;
  links: number;
  errors: string[];
}

export async function labDown(prefix: string, stateDir: string): Promise<DownResult> {
  const state = new LabState(stateDir);
  const records = state.records();
  const existingNetns = listNetns();
  const netns = new Set<string>();
  const links = new Set<string>();
  for (const r of records) {
    if (r.kind === 'netns') netns.add(r.name);
    if (r.kind === 'link') links.add(r.name);
  }
  for (const name of labObjectNames(prefix, existingNetns, listLinks())) (name === `${prefix}0` ? links : netns).add(name);

  // Recorded processes (the hub runs outside any lab namespace), then whatever runs inside
  // the lab's namespaces: a process started just before a kill -9 of `up` has no record yet.
  const procs: LabProcess[] = [];
  for (const r of records) if (r.kind === 'process' && isRunning(r.pid, r.start)) procs.push({ pid: r.pid, start: r.start });
  for (const name of netns) {
    if (!existingNetns.includes(name)) continue;
    for (const pid of netnsPids(name)) {
      const start = processStartTime(pid);
      if (start !== null && !procs.some((p) => p.pid === pid)) procs.push({ pid, start });
    }
  }
  await stopProcesses(procs);

  const errors: string[] = [];
  let removedLinks = 0;
  let removedNetns = 0;
  for (const name of links) {
    const present = listLinks().includes(name);
    const err = removeLink(name);
    if (err !== null) errors.push(err);
    else if (present) removedLinks++;
  }
  // Pods before nodes before the switch: each veth goes with the first of its two ends.
  for (const name of [...netns].sort((a, b) => b.length - a.length)) {
    const present = listNetns().includes(name);
    const err = removeNetns(name);
    if (err !== null) errors.push(err);
    else if (present) removedNetns++;
  }
  for (const name of netns) fs.rmSync(netnsEtcDir(name), { recursive: true, force: true });
  if (errors.length === 0) state.remove();
  return { processes: procs.length, netns: removedNetns, links: removedLinks, errors };
}
