/**
 * Two "pods" for the TLS tracer's tests: network namespaces joined by a veth pair, each with
 * its address, and a certificate made for the run by openssl (a fresh key, valid one day, for
 * the server's address). Real servers and clients run inside them (`spawnIn`, `runIn`).
 *
 *   [ns <prefix>-srv] tls0 10.247.X.1/24 ──── veth ──── tls0 10.247.X.2/24 [ns <prefix>-cli]
 *
 * Nothing is added to the root namespace. Names carry the test process's PID, so concurrent
 * runs do not collide. destroy() — also run when the process exits — kills the processes
 * started here (by their PID) and removes the namespaces (the veth goes with them) and the
 * certificate's directory. Every command has a time limit.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ip, ipQuiet } from './ip-command.js';

const COMMAND_TIMEOUT_MS = 20_000;
let counter = 0;
const live = new Set<TlsPods>();

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** True when the tests can make namespaces and load eBPF (root). */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export class TlsPods {
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIp: string;
  readonly clientIp: string;
  /** PEM files of the run's certificate (CN and subjectAltName: the server's address). */
  readonly certFile: string;
  readonly keyFile: string;
  readonly #dir: string;
  readonly #processes = new Set<ChildProcess>();
  #destroyed = false;

  constructor() {
    const n = counter++;
    const pid = process.pid % 1_000_000;
    this.serverNs = `shoal-tls-${pid}-${n}-srv`;
    this.clientNs = `shoal-tls-${pid}-${n}-cli`;
    const x = 1 + ((pid * 7 + n) % 250);
    this.serverIp = `10.247.${x}.1`;
    this.clientIp = `10.247.${x}.2`;
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-tls-pods-'));
    this.certFile = path.join(this.#dir, 'cert.pem');
    this.keyFile = path.join(this.#dir, 'key.pem');
    if (live.size === 0) process.once('exit', () => [...live].forEach((p) => p.destroy()));
    live.add(this);
    try {
      this.#create();
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  #create(): void {
    ip(['netns', 'add', this.serverNs]);
    ip(['netns', 'add', this.clientNs]);
    ip(['-n', this.serverNs, 'link', 'add', 'tls0', 'type', 'veth', 'peer', 'name', 'tls0', 'netns', this.clientNs]);
    for (const [ns, address] of [
      [this.serverNs, this.serverIp],
      [this.clientNs, this.clientIp],
    ] as const) {
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'tls0']);
      ip(['-n', ns, 'link', 'set', 'tls0', 'up']);
    }
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${this.serverIp}`, '-addext', `subjectAltName=IP:${this.serverIp}`, '-keyout', this.keyFile, '-out', this.certFile],
      { stdio: 'ignore', timeout: COMMAND_TIMEOUT_MS },
    );
  }

  /** /var/run/netns/NAME of a namespace. */
  nsPath(ns: string): string {
    return `/var/run/netns/${ns}`;
  }

  /** Starts a process inside `ns` (`ip netns exec` replaces itself with it: the child's PID is its own); destroy() kills it. */
  spawnIn(ns: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.#processes.add(child);
    child.on('exit', () => this.#processes.delete(child));
    return child;
  }

  /** Runs a command inside `ns` to its end, within the time limit; never rejects for a non-zero exit. */
  runIn(ns: string, command: string, args: readonly string[], input?: string): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawnIn(ns, command, args);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${command} ${args.join(' ')} in ${ns} took longer than ${COMMAND_TIMEOUT_MS} ms: ${stderr}`));
      }, COMMAND_TIMEOUT_MS);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      // A command that does not read its input (ss) may have exited already: EPIPE on its stdin is
      // not a failure of the command, and with no input nothing is written at all.
      child.stdin!.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') reject(err);
      });
      if (input === undefined) child.stdin!.end();
      else child.stdin!.end(input);
    });
  }

  /** Kills what was started here and removes the namespaces and the certificate. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    for (const child of this.#processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    ipQuiet(['netns', 'del', this.serverNs]);
    ipQuiet(['netns', 'del', this.clientNs]);
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
