/**
 * A worker on a node of its own for the hub's tests: a network namespace joined to the root
 * namespace by one veth pair, routed (no bridge), and a real worker process listening inside
 * it (netns-worker-child.ts):
 *
 *   [root] sho<id> 10.253.X.1/30 ── veth ── eth0 10.253.X.2/30 [ns shoal-ho<id>] worker :30001
 *
 * linkDown() sets the namespace's end down: packets to and from the worker vanish, no FIN, no
 * RST (a node that lost its network), until linkUp(); forgetConnections() meanwhile makes it a
 * node that rebooted. Names carry this process's
 * PID and a random number, with a prefix of their own (`shoal-ho`, `sho`); destroy() (also on
 * process exit) kills the processes started here by PID and removes the namespace and links.
 * Every command has a time limit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ip, ipQuiet, waitFor } from '@shoal/testkit';

const TIMEOUT_MS = 10_000;
const CHILD = fileURLToPath(new URL('./netns-worker-child.js', import.meta.url));
const labs = new Set<WorkerNetns>();
let hooked = false;

/** Why this test cannot run here, or null when it can (root, `ip` and `ss`). */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const tool of ['ip', 'ss']) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore', timeout: TIMEOUT_MS }).error !== undefined) return `${tool} (iproute2) is not installed`;
  }
  return null;
}

/** A worker process in the namespace. */
export interface NetnsWorker {
  pid: number;
  /** Replays a capture file into it; resolves with the packets delivered. */
  play(path: string): Promise<number>;
  /** Ends it at once (SIGKILL): with the link down nothing reaches the hub. */
  kill(): Promise<void>;
}

export class WorkerNetns {
  readonly id: string;
  readonly ns: string;
  readonly hostSide: string;
  readonly workerIp: string;
  readonly port = 30001;
  readonly dir: string;
  readonly tokenFile: string;
  readonly token = `netns-worker-token-${process.pid}`;
  private readonly processes = new Set<ChildProcess>();
  private destroyed = false;

  constructor() {
    this.id = `${process.pid % 100_000}${Math.floor(Math.random() * 1000)}`;
    this.ns = `shoal-ho${this.id}`;
    this.hostSide = `sho${this.id}`.slice(0, 15);
    const subnet = Number(this.id) % 250;
    this.workerIp = `10.253.${subnet}.2`;
    this.dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-netns-'));
    this.tokenFile = join(this.dir, 'token');
    fs.writeFileSync(this.tokenFile, `${this.token}\n`, { mode: 0o600 });
    labs.add(this);
    if (!hooked) {
      hooked = true;
      process.on('exit', () => {
        for (const lab of labs) lab.destroy();
      });
    }
    try {
      ip(['netns', 'add', this.ns]);
      ip(['link', 'add', this.hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ns]);
      ip(['addr', 'add', `10.253.${subnet}.1/30`, 'dev', this.hostSide]);
      ip(['link', 'set', this.hostSide, 'up']);
      ip(['-n', this.ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', this.ns, 'addr', 'add', `${this.workerIp}/30`, 'dev', 'eth0']);
      ip(['-n', this.ns, 'link', 'set', 'eth0', 'up']);
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** Starts a worker in the namespace on `port`, with the same data dir each time (a restarted node). */
  async startWorker(): Promise<NetnsWorker> {
    const args = ['netns', 'exec', this.ns, process.execPath, CHILD, this.workerIp, String(this.port), join(this.dir, 'data'), this.tokenFile, 'node-h'];
    const child = spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.processes.add(child);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await waitFor(() => `the worker to listen: ${out}`, () => out.includes('"port"') || child.exitCode !== null, TIMEOUT_MS);
    if (!out.includes('"port"')) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start in the namespace: ${out}`);
    }
    let plays = 0;
    return {
      pid: child.pid!,
      play: async (path) => {
        const before = plays++;
        child.stdin!.write(`play ${path}\n`);
        const played = () => out.split('\n').filter((l) => l.startsWith('played ')).length;
        await waitFor(() => `the worker to play ${path}: ${out}`, () => played() > before, TIMEOUT_MS);
        return Number(out.split('\n').filter((l) => l.startsWith('played '))[before]!.slice('played '.length));
      },
      kill: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        process.kill(child.pid!, 'SIGKILL');
        await exited;
        this.processes.delete(child);
      },
    };
  }

  /** The worker's end goes down: what is sent to it, or by it, is lost without a word. */
  linkDown(): void {
    ip(['-n', this.ns, 'link', 'set', 'eth0', 'down']);
  }

  linkUp(): void {
    ip(['-n', this.ns, 'link', 'set', 'eth0', 'up']);
  }

  /**
   * The namespace's kernel forgets every TCP connection (ss -K), as a rebooted node's does: a
   * killed worker's sockets would otherwise linger, retrying their FIN, and close the hub's
   * end once the link is back. What it sends on the way out is lost while the link is down.
   */
  forgetConnections(): void {
    ip(['netns', 'exec', this.ns, 'ss', '-K', '-tn']);
  }

  /** Removes everything made here; safe to call twice; synchronous (runs in the exit hook). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    labs.delete(this);
    for (const child of this.processes) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
    ipQuiet(['link', 'del', this.hostSide]);
    ipQuiet(['netns', 'del', this.ns]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
