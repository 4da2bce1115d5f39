/**
 * A two-host lab of network namespaces for live-capture tests, made fresh per test file:
 *
 *   [ns <id>-srv] srv0 10.244.X.1/24 ── veth ── <bridge in the root namespace> ── veth ── cli0 10.244.X.2/24 [ns <id>-cli]
 *                                        root-side ports: sp<id>, cp<id>; bridge: br<id>
 *
 * A real Node HTTP server listens on 10.244.X.1:8080 in the server namespace; curl runs in
 * the client namespace. Nothing has an address in the root namespace; names carry the test
 * process's PID so concurrent runs do not collide. destroy() (also run on process exit)
 * removes the namespaces, links and processes made here. Every command has a time limit.
 */

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { ip, ipQuiet } from '@shoal/testkit';

const COMMAND_TIMEOUT_MS = 10_000;
let labCounter = 0;
const liveLabs = new Set<NetnsLab>();
let exitHookInstalled = false;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a time limit; resolves with its exit code and output (never rejects
 * for a non-zero exit). */
export function run(command: string, args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** True when the tests can make namespaces (root). */
export function canMakeNamespaces(): { ok: true } | { ok: false; reason: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'live capture tests need root (network namespaces, AF_PACKET); run them as root' };
  }
  return { ok: true };
}

export class NetnsLab {
  readonly id: string;
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIf = 'srv0';
  readonly clientIf = 'cli0';
  /** Root-namespace ends of the veth pairs, both ports of `bridge`. */
  readonly serverPort: string;
  readonly clientPort: string;
  readonly bridge: string;
  readonly serverIp: string;
  readonly clientIp: string;
  readonly httpPort = 8080;
  readonly #processes = new Set<ChildProcess>();
  readonly #extraLinks = new Set<string>();
  #destroyed = false;

  constructor() {
    const n = labCounter++;
    const pid = process.pid % 10_000_000;
    this.id = `${pid}${n}`;
    this.serverNs = `shoal-${pid}-${n}-srv`;
    this.clientNs = `shoal-${pid}-${n}-cli`;
    this.serverPort = `sp${this.id}`.slice(0, 15);
    this.clientPort = `cp${this.id}`.slice(0, 15);
    this.bridge = `br${this.id}`.slice(0, 15);
    const x = 20 + ((pid + n) % 200);
    this.serverIp = `10.244.${x}.1`;
    this.clientIp = `10.244.${x}.2`;
    liveLabs.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const lab of liveLabs) lab.destroy();
      });
    }
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
    ip(['link', 'add', this.bridge, 'type', 'bridge']);
    // No IPv6 addresses on the root side: the root namespace gets no address at all.
    for (const name of [this.bridge]) {
      const knob = `/proc/sys/net/ipv6/conf/${name}/disable_ipv6`;
      if (fs.existsSync(knob)) fs.writeFileSync(knob, '1');
    }
    ip(['link', 'add', this.serverPort, 'type', 'veth', 'peer', 'name', this.serverIf, 'netns', this.serverNs]);
    ip(['link', 'add', this.clientPort, 'type', 'veth', 'peer', 'name', this.clientIf, 'netns', this.clientNs]);
    for (const port of [this.serverPort, this.clientPort]) {
      const knob = `/proc/sys/net/ipv6/conf/${port}/disable_ipv6`;
      if (fs.existsSync(knob)) fs.writeFileSync(knob, '1');
      ip(['link', 'set', port, 'master', this.bridge]);
      ip(['link', 'set', port, 'up']);
    }
    ip(['link', 'set', this.bridge, 'up']);
    for (const [ns, dev, address] of [
      [this.serverNs, this.serverIf, this.serverIp],
      [this.clientNs, this.clientIf, this.clientIp],
    ] as const) {
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', dev]);
      ip(['-n', ns, 'link', 'set', dev, 'up']);
    }
  }

  /** /var/run/netns/NAME of one of the lab's namespaces. */
  nsPath(ns: string): string {
    return `/var/run/netns/${ns}`;
  }

  /** Runs `ip` synchronously (within the time limit); throws on failure. */
  ip(...args: string[]): void {
    ip(args);
  }

  /** True once `dev` in `ns` is up with its carrier (for a veth: both ends up). */
  linkUp(ns: string, dev: string): boolean {
    const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
    return (JSON.parse(out) as { operstate?: string }[])[0]?.operstate === 'UP';
  }

  /** Adds a veth pair `name` / `name`p inside `ns`, both up (removed by destroy()); returns
   * `name`. (This kernel has no dummy interfaces.) */
  addVethPair(ns: string, name: string): string {
    ip(['-n', ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
    ip(['-n', ns, 'link', 'set', name, 'up']);
    ip(['-n', ns, 'link', 'set', `${name}p`, 'up']);
    this.#extraLinks.add(`${ns}\0${name}`);
    return name;
  }

  /**
   * Joins the client and server namespaces directly by one more veth pair (no bridge, the
   * cheapest path for a flood): `fls` 10.245.X.1 in the server namespace, `flc` 10.245.X.2 in
   * the client's. Returns the server-side address. Removed with the namespaces.
   */
  addDirectLink(): { serverIf: string; serverIp: string; clientIp: string } {
    const x = this.serverIp.split('.')[2]!;
    const serverIp = `10.245.${x}.1`;
    const clientIp = `10.245.${x}.2`;
    ip(['-n', this.clientNs, 'link', 'add', 'flc', 'type', 'veth', 'peer', 'name', 'fls', 'netns', this.serverNs]);
    ip(['-n', this.serverNs, 'addr', 'add', `${serverIp}/24`, 'dev', 'fls']);
    ip(['-n', this.clientNs, 'addr', 'add', `${clientIp}/24`, 'dev', 'flc']);
    ip(['-n', this.serverNs, 'link', 'set', 'fls', 'up']);
    ip(['-n', this.clientNs, 'link', 'set', 'flc', 'up']);
    return { serverIf: 'fls', serverIp, clientIp };
  }

  /** Starts a process inside `ns`; it is killed by destroy(). */
  spawnIn(ns: string, command: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#processes.add(child);
    child.on('exit', () => this.#processes.delete(child));
    return child;
  }

  /** Runs a command inside `ns` to completion (time-limited). */
  runIn(ns: string, command: string, args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> {
    return run('ip', ['netns', 'exec', ns, command, ...args], timeoutMs);
  }

  /**
   * Starts a Node HTTP server on serverIp:8080 in the server namespace and waits until it
   * listens. It answers every request with 200 and a short body, and exits by itself when
   * its stdin closes (the test process went away) or after 5 minutes.
   */
  async startHttpServer(): Promise<{ pid: number }> {
    const script = `
      const http = require('node:http');
      const server = http.createServer((req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end('hello from the shoal lab ' + req.url + '\\n');
      });
      server.listen(${this.httpPort}, ${JSON.stringify(this.serverIp)}, () => console.log('ready ' + process.pid));
      process.stdin.on('end', () => process.exit(0));
      process.stdin.resume();
      setTimeout(() => process.exit(0), 300000);
    `;
    const child = this.spawnIn(this.serverNs, process.execPath, ['-e', script]);
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`HTTP server did not start in 10 s: ${err}`)), 10_000);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /ready (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`HTTP server exited with ${code}: ${err}`));
      });
    });
    return { pid };
  }

  /** curl from the client namespace; resolves with the HTTP status and body. */
  async curl(path: string): Promise<{ status: number; body: string }> {
    const url = `http://${this.serverIp}:${this.httpPort}${path}`;
    const r = await this.runIn(this.clientNs, 'curl', ['-sS', '--max-time', '5', '-o', '-', '-w', '\n%{http_code}', url]);
    if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr.trim()}`);
    const cut = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  }

  /**
   * Sends `count` UDP datagrams of `size` bytes (payload "shoal-udp" then filler) from the
   * client namespace to serverIp:port, with a Node sender (at most 64 sends outstanding).
   * `to: 'broadcast'` sends them to the subnet's broadcast address instead (Ethernet
   * broadcast frames, which a bridge passes up to itself whether promiscuous or not).
   */
  async sendUdp(count: number, port: number, size = 64, to: 'server' | 'broadcast' = 'server'): Promise<void> {
    const address = to === 'server' ? this.serverIp : this.serverIp.replace(/\.\d+$/, '.255');
    const script = `
      const dgram = require('node:dgram');
      const socket = dgram.createSocket('udp4');
      const payload = Buffer.alloc(${size}, 0x2e);
      payload.write('shoal-udp');
      let sent = 0, done = 0, outstanding = 0;
      const total = ${count};
      function pump() {
        while (sent < total && outstanding < 64) {
          sent++; outstanding++;
          socket.send(payload, ${port}, ${JSON.stringify(address)}, () => {
            outstanding--; done++;
            if (done === total) socket.close(); else pump();
          });
        }
      }
      // SO_BROADCAST can only be set on a bound socket.
      ${to === 'server' ? 'pump();' : 'socket.bind(() => { socket.setBroadcast(true); pump(); });'}
      setTimeout(() => process.exit(3), 60000).unref();
    `;
    const r = await this.runIn(this.clientNs, process.execPath, ['-e', script], 70_000);
    if (r.code !== 0) throw new Error(`UDP sender failed (${r.code}): ${r.stderr.trim()}`);
  }

  /** Removes everything made here; safe to call more than once. Synchronous (exit hook). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    liveLabs.delete(this);
    for (const child of this.#processes) {
      // `ip netns exec` execs the command, so this PID is the command's own.
      child.kill('SIGKILL');
    }
    this.#processes.clear();
    for (const key of this.#extraLinks) {
      const [ns, name] = key.split('\0') as [string, string];
      ipQuiet(['-n', ns, 'link', 'del', name]);
    }
    ipQuiet(['link', 'del', this.serverPort]);
    ipQuiet(['link', 'del', this.clientPort]);
    ipQuiet(['link', 'del', this.bridge]);
    ipQuiet(['netns', 'del', this.serverNs]);
    ipQuiet(['netns', 'del', this.clientNs]);
  }
}
