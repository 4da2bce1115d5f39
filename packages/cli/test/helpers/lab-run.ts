/**
 * Shared by the lab tests: whether they can run here, a lab of their own (a prefix, subnets and
 * a state directory no other run uses, so test files running in parallel and a user's lab never
 * meet), and what is left of a lab on the machine after `down`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor as waitUntil } from '@shoal/testkit';

/** Why the lab tests cannot run here, or null. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, capture)';
  for (const [tool, arg] of [['ip', '-V'], ['ethtool', '--version'], ['dnsmasq', '--version'], ['redis-server', '--version']] as const) {
    if (spawnSync(tool, [arg], { stdio: 'ignore', timeout: 10_000 }).error !== undefined) return `${tool} is not installed (make setup)`;
  }
  return null;
}

export interface TestLab {
  prefix: string;
  /** Third octet of the node network; node i's pods are on base + i. */
  base: number;
  stateDir: string;
  hubPort: number;
  /** The dashboard's port (`lab up --front-port`). */
  frontPort: number;
  /** The options every `shoal lab` verb of this lab takes. */
  where: string[];
}

/** A free TCP port on the host (for the hub and the dashboard, should `shoal hub` be available). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * A lab of this test file: `tag` (a letter) and `bases` (a range of third octets, disjoint
 * between test files) keep parallel files apart; the PID keeps two runs apart.
 */
export async function testLab(tag: string, bases: [number, number]): Promise<TestLab> {
  const prefix = `sl${tag}${process.pid % 100_000}`;
  const base = bases[0] + (process.pid % Math.floor((bases[1] - bases[0]) / 4)) * 4;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${prefix}-`));
  fs.rmdirSync(stateDir); // `up` makes it and refuses one that holds a lab
  return { prefix, base, stateDir, hubPort: await freePort(), frontPort: await freePort(), where: ['--prefix', prefix, '--state-dir', stateDir] };
}

/**
 * Namespaces, root links and /etc/netns folders (pods' resolv.conf) named under `prefix`
 * (`PREFIX-…`, or the host link `PREFIX0`).
 */
export function leftovers(prefix: string): string[] {
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`${prefix}-`));
  const links = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[]).map((l) => l.ifname).filter((n) => n === `${prefix}0` || n.startsWith(`${prefix}-`));
  let etc: string[] = [];
  try {
    etc = fs.readdirSync('/etc/netns').filter((n) => n.startsWith(`${prefix}-`));
  } catch {
    // no /etc/netns at all
  }
  return [...netns.map((n) => `netns ${n}`), ...links.map((l) => `link ${l}`), ...etc.map((n) => `/etc/netns/${n}`)];
}

/** The processes a lab recorded, as (pid, start time) from its state file. */
export function recordedProcesses(stateDir: string): { name: string; pid: number; start: string }[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(stateDir, 'state.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { kind: string; name: string; pid: number; start: string })
    .filter((r) => r.kind === 'process');
}

/** True while the process with this PID and start time runs (a reused PID does not count). */
export function stillRunning(p: { pid: number; start: string }): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && fields[19] === p.start;
  } catch {
    return false;
  }
}

/** The process the lab recorded last under `name` (a restart records a new one); asserts it runs. */
export function labProcess(stateDir: string, name: string): { pid: number; start: string } {
  const p = recordedProcesses(stateDir).filter((r) => r.name === name).at(-1);
  assert.ok(p !== undefined && stillRunning(p), `${name} runs`);
  return p;
}

/** SIGKILL to a process the lab started, as a crash would end it; resolves once it is gone. */
export async function crash(p: { pid: number; start: string }, what: string): Promise<void> {
  process.kill(p.pid, 'SIGKILL');
  await waitFor(`${what} (pid ${p.pid}) to exit`, () => (stillRunning(p) ? undefined : true), 10_000);
}

/** Runs `cmd` inside namespace `ns`; its stdout, or throws with its stderr. */
export function inNetns(ns: string, cmd: string, args: string[], timeoutMs = 15_000): string {
  return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8', timeout: timeoutMs });
}

/**
 * @shoal/testkit's wait with the lab's bounds: a check asks the lab's processes, so every 200 ms,
 * and the lab is slow to settle, so 30 s unless told.
 */
export function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  return waitUntil(what, check, { timeoutMs, intervalMs: 200 }) as Promise<T>;
}

/** The last lines of the lab's logs named (`front`, `worker-node-1`, …), for failure messages. */
export function logTails(stateDir: string, names: string[], lines = 15): string {
  return names
    .map((name) => {
      let text: string;
      try {
        text = fs.readFileSync(path.join(stateDir, 'logs', `${name}.log`), 'utf8');
      } catch (err) {
        text = String(err);
      }
      return `--- ${name}.log:\n${text.split('\n').slice(-lines).join('\n')}`;
    })
    .join('\n');
}
