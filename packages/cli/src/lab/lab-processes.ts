/**
 * The lab's long-running processes: started detached (their own session) so they outlive
 * `shoal lab up`, each logging to a file under the state directory, each recorded with its PID
 * and kernel start time. Stopping checks that start time before every signal, so a PID reused
 * by an unrelated process is never signalled.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { netnsPath } from './lab-plan.js';
import type { LabState } from './lab-state.js';

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if PID is gone. */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // After "pid (comm) ": comm may hold spaces and parentheses, so cut at the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z') return null; // exited, not reaped: nothing left to stop
  return fields[19] ?? null;
}

/** True while the process recorded as (pid, start) still runs. */
export function isRunning(pid: number, start: string): boolean {
  return processStartTime(pid) === start;
}

/**
 * Whether a recorded process is still what the lab started, so `down` may signal it: one in a
 * lab namespace must be in that namespace now (same namespace inode), one on the host must be
 * the CLI's own (`bin/shoal` in its command line). A journal edited to name another process
 * gets it left alone.
 */
export function isLabProcess(rec: { pid: number; netns: string | null }): boolean {
  try {
    if (rec.netns !== null) return fs.statSync(`/proc/${rec.pid}/ns/net`).ino === fs.statSync(netnsPath(rec.netns)).ino;
    return fs.readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith('bin/shoal'));
  } catch {
    return false;
  }
}

export interface StartOptions {
  name: string;
  netns: string | null;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** A started process: its PID and kernel start time, which together name it for good. */
export interface LabProcess {
  pid: number;
  start: string;
}

/**
 * Starts `command` inside `netns` (`ip netns exec` execs it, so the PID is the command's own)
 * and records it; the log is state-dir/logs/NAME.log.
 */
export function startProcess(state: LabState, opts: StartOptions): LabProcess {
  fs.mkdirSync(state.path('logs'), { recursive: true });
  const log = fs.openSync(state.path('logs', `${opts.name}.log`), 'a');
  const [cmd, argv] = opts.netns === null ? [opts.command, opts.args] : ['ip', ['netns', 'exec', opts.netns, opts.command, ...opts.args]];
  const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...opts.env } });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${opts.name}: ${cmd} did not start`);
  const start = processStartTime(pid);
  if (start === null) throw new Error(`${opts.name} exited at once; see ${state.path('logs', `${opts.name}.log`)}`);
  state.record({ kind: 'process', name: opts.name, pid, start, netns: opts.netns });
  child.unref();
  return { pid, start };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stops each (pid, start): SIGTERM, then SIGKILL for those still running after `graceMs`.
 * Resolves once all are gone (bounded: SIGKILL cannot be refused; 5 s more at most).
 */
export async function stopProcesses(list: LabProcess[], graceMs = 5000): Promise<void> {
  const signal = (p: LabProcess, sig: NodeJS.Signals) => {
    if (!isRunning(p.pid, p.start)) return;
    try {
      process.kill(p.pid, sig);
    } catch {
      // exited between the check and the signal
    }
  };
  for (const p of list) signal(p, 'SIGTERM');
  for (let waited = 0; waited < graceMs && list.some((p) => isRunning(p.pid, p.start)); waited += 100) await sleep(100);
  for (const p of list) signal(p, 'SIGKILL');
  for (let waited = 0; waited < 5000 && list.some((p) => isRunning(p.pid, p.start)); waited += 100) await sleep(100);
}

/** Whether something accepts TCP connections on ip:port (1 s at most). */
export function isListening(ip: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: ip, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Whether a TCP socket inside namespace `netns` listens on ip:port: `ss` reads the namespace's own
 * socket table, so no packet is sent (a connection from the host would be captured as traffic of
 * the pod, and drawn on the service map).
 */
export function listensInNetns(netns: string, ip: string, port: number): boolean {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'ss', '-Hltn', `src ${ip}:${port}`], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** Resolves once `listening()` (something listens on `where`); bounded, and fails early when `alive()` no longer holds. */
async function waitForListener(listening: () => boolean | Promise<boolean>, where: string, alive: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await listening()) return;
    if (!alive()) throw new Error(`${what} exited before it listened on ${where}`);
    if (Date.now() > deadline) throw new Error(`${what} does not listen on ${where} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once something accepts TCP on ip:port (the host's own services); bounded. */
export function waitForTcp(ip: string, port: number, alive: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  return waitForListener(() => isListening(ip, port), `${ip}:${port}`, alive, what, timeoutMs);
}

/** Resolves once a pod's process listens on TCP ip:port inside its namespace, without connecting; bounded. */
export function waitForPodListener(netns: string, ip: string, port: number, alive: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  return waitForListener(() => listensInNetns(netns, ip, port), `${ip}:${port}`, alive, what, timeoutMs);
}
