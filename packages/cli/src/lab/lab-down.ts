/**
 * `lab down`: removes everything a lab made, whether `up` finished, failed or was killed.
 * Order matters: processes first (a namespace lives on while a process is inside it), then the
 * host's link, then the namespaces (their veths and bridges go with them) and their
 * /etc/netns folders (the pods' resolv.conf). Besides what the
 * state file recorded, it sweeps the names the lab's plan gives (lab-plan.ts) under the prefix,
 * so a lost state directory leaks nothing either.
 *
 * The journal is read as untrusted: a state directory without one is not a lab's (its removal
 * would delete whatever it holds), and a journal naming anything a lab of the prefix does not
 * make (another namespace, a link, a process that is not the lab's) is refused whole, before
 * anything is stopped or removed.
 */
import * as fs from 'node:fs';
import { netnsEtcDir, planLab, podDataDir } from './lab-plan.js';
import { LabState, type StateRecord } from './lab-state.js';
import { listLinks, listNetns, netnsPids, removeLink, removeNetns } from './lab-network.js';
import { isLabProcess, isRunning, processStartTime, stopProcesses, type LabProcess } from './lab-processes.js';
import { DASHBOARD } from './lab-workers.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The namespaces a lab with `prefix` names: its switch, its nodes and their pods. */
function netnsPattern(prefix: string): RegExp {
  return new RegExp(`^${escape(prefix)}-(net|node-\\d+(-[a-z]+)?)$`);
}

/** Namespaces and links among `netns` and `links` that a lab with `prefix` names. */
export function labObjectNames(prefix: string, netns: string[], links: string[]): string[] {
  const ns = netnsPattern(prefix);
  return [...netns.filter((n) => ns.test(n)), ...links.filter((l) => l === `${prefix}0`)];
}

/** The processes a lab starts: its hub and dashboard, a worker per node, the demo's pods. */
const PROCESS_NAME = new RegExp(`^(hub|${DASHBOARD}|worker-node-\\d+|${planLab('x', 1, 0).pods.map((p) => p.name).join('|')})$`);

/** What `down` refuses to act on: a message, nothing stopped or removed. */
export class DownRefused extends Error {}

/**
 * The journal's records that a lab with `prefix` cannot have made, described; empty when every
 * record is one of its own.
 */
export function foreignRecords(prefix: string, records: readonly StateRecord[]): string[] {
  const ns = netnsPattern(prefix);
  const foreign: string[] = [];
  for (const r of records) {
    const rec = r as Partial<Record<string, unknown>>;
    if (r.kind === 'netns' && typeof r.name === 'string' && ns.test(r.name)) continue;
    if (r.kind === 'link' && r.name === `${prefix}0`) continue;
    if (
      r.kind === 'process' &&
      typeof r.name === 'string' &&
      PROCESS_NAME.test(r.name) &&
      Number.isInteger(r.pid) &&
      r.pid > 1 &&
      typeof r.start === 'string' &&
      /^\d+$/.test(r.start) &&
      (r.netns === null || (typeof r.netns === 'string' && ns.test(r.netns)))
    ) {
      continue;
    }
    foreign.push(`${String(rec['kind'])} ${JSON.stringify(rec['name'] ?? null)}${r.kind === 'process' ? ` (pid ${String(rec['pid'])}, netns ${JSON.stringify(rec['netns'] ?? null)})` : ''}`);
  }
  return foreign;
}

/**
 * The journal of `state`, checked for `prefix`: [] when there is no state directory at all (a
 * lost one: `down` sweeps by prefix only). Throws DownRefused for a directory without a journal,
 * and for a journal with records outside the prefix.
 */
function checkedRecords(prefix: string, state: LabState): StateRecord[] {
  if (!fs.existsSync(state.dir)) return [];
  if (!state.exists()) throw new DownRefused(`${state.dir} holds no lab journal (state.jsonl): it is not a lab's state directory, so nothing was stopped or removed; give the --state-dir that 'lab up' used`);
  const records = state.records();
  const foreign = foreignRecords(prefix, records);
  if (foreign.length > 0) {
    throw new DownRefused(
      `the journal in ${state.dir} names what a lab with the prefix '${prefix}' does not make (${foreign.slice(0, 3).join('; ')}${foreign.length > 3 ? '; …' : ''}), so nothing was stopped or removed: give that lab's --prefix, or remove its objects by hand`,
    );
  }
  return records;
}

export interface DownResult {
  processes: number;
  netns: number;
  links: number;
  errors: string[];
}

/** Throws DownRefused (before anything is done) when the state directory or its journal is not this lab's. */
export async function labDown(prefix: string, stateDir: string): Promise<DownResult> {
  const state = new LabState(stateDir);
  const records = checkedRecords(prefix, state);
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
  for (const r of records) if (r.kind === 'process' && isRunning(r.pid, r.start) && isLabProcess(r)) procs.push({ pid: r.pid, start: r.start });
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
  for (const name of netns) {
    fs.rmSync(netnsEtcDir(name), { recursive: true, force: true });
    fs.rmSync(podDataDir(name), { recursive: true, force: true });
  }
  if (errors.length === 0 && state.exists()) state.remove();
  return { processes: procs.length, netns: removedNetns, links: removedLinks, errors };
}
