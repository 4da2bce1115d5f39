/**
 * Two "pods" for live worker tests (more on demand: addPod): network namespaces joined by
 * veths to a Linux bridge in the root namespace (promiscuous, so AF_PACKET on it sees
 * forwarded frames), as a node's CNI bridge would be:
 *
 *   [ns server] eth0 10.244.X.2/24 ─ veth ─┐
 *                                         ├─ bridge (no address) in the root namespace
 *   [ns client] eth0 10.244.X.3/24 ─ veth ─┘
 *
 * A real Node HTTP server runs in the server pod (200 for GET, 201 for POST, 404 for /missing,
 * the status NNN for /s/NNN, a query allowed;
 * an `x-reply-bytes: N` request header makes the body N bytes of `x`); curl runs in the client
 * pod. With `offloads: false` every veth end has TSO, GSO and GRO off, so TCP travels in
 * MTU-sized segments as on a real NIC path (with them on, a veth carries 64 KiB "packets" and a
 * request never splits). Names are unique per run; destroy() (also on process exit)
 * removes the namespaces, links and processes made here. Every command has a time limit.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ip, ipQuiet, waitFor } from '@shoal/testkit';

const TIMEOUT_MS = 10_000;
const labs = new Set<PodLab>();
let hooked = false;

function ethtoolOffloadsOff(netns: string | null, dev: string): void {
  const args = ['-K', dev, 'tso', 'off', 'gso', 'off', 'gro', 'off'];
  const [cmd, argv] = netns === null ? ['ethtool', args] : ['ip', ['netns', 'exec', netns, 'ethtool', ...args]];
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: TIMEOUT_MS });
}

/** Why the live tests cannot run here, or null when they can (root, ip, curl, and `tools`). */
export function labUnavailable(tools: string[] = []): string | null {
  if (process.getuid?.() !== 0) return 'live worker tests need root (network namespaces, AF_PACKET)';
  for (const tool of ['ip', 'curl', ...tools]) {
    if (spawnSync(tool, ['-V'], { stdio: 'ignore', timeout: TIMEOUT_MS }).error !== undefined) return `${tool} is not installed`;
  }
  return null;
}

export interface PodLabOptions {
  /** MTU of every veth end (the kernel's default for a veth is 1500). */
  mtu?: number;
  /** false: TSO, GSO and GRO off on every veth end (needs ethtool). Default: left as they are. */
  offloads?: boolean;
}

/** A pod: its namespace, its eth0 address and the root-side end of its veth on the bridge. */
export interface Pod {
  ns: string;
  ip: string;
  port: string;
}

/** Requests over one keep-alive connection: each answer's status and the client's port. */
export interface KeepAliveClient {
  /** Writes the request to the client at once (in this turn of the event loop); resolves with the answer. */
  send(method: string, path: string): Promise<{ status: number; localPort: number }>;
}

export class PodLab {
  readonly id: string;
  readonly bridge: string;
  readonly server: Pod;
  readonly client: Pod;
  readonly httpPort = 8080;
  private readonly pods: Pod[] = [];
  private readonly subnet: number;
  private readonly processes = new Set<ChildProcess>();
  private destroyed = false;

  constructor(private readonly options: PodLabOptions = {}) {
    this.id = `${process.pid % 100_000}${Math.floor(Math.random() * 1000)}`;
    this.subnet = 100 + (Number(this.id) % 150);
    this.bridge = `swb${this.id}`.slice(0, 15);
    this.server = this.pod('server', 2);
    this.client = this.pod('client', 3);
    labs.add(this);
    if (!hooked) {
      hooked = true;
      process.on('exit', () => {
        for (const lab of labs) lab.destroy();
      });
    }
    try {
      this.create();
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** Names a pod (`role`, a short word) at host number `host` of the lab's /24; destroy() removes it. */
  private pod(role: string, host: number): Pod {
    const pod = { ns: `shoal-w${this.id}-${role}`, ip: `10.244.${this.subnet}.${host}`, port: `sw${role[0]}${this.id}`.slice(0, 15) };
    this.pods.push(pod);
    return pod;
  }

  private create(): void {
    ip(['link', 'add', this.bridge, 'type', 'bridge']);
    ip(['link', 'set', this.bridge, 'promisc', 'on']);
    ip(['link', 'set', this.bridge, 'up']);
    for (const pod of this.pods) this.plug(pod);
  }

  /** Makes the pod's namespace and veth, eth0 addressed and up, on the bridge. */
  private plug(pod: Pod): void {
    ip(['netns', 'add', pod.ns]);
    ip(['link', 'add', pod.port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.ns]);
    ip(['link', 'set', pod.port, 'master', this.bridge]);
    ip(['link', 'set', pod.port, 'up']);
    ip(['-n', pod.ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', pod.ns, 'addr', 'add', `${pod.ip}/24`, 'dev', 'eth0']);
    ip(['-n', pod.ns, 'link', 'set', 'eth0', 'up']);
    if (this.options.mtu !== undefined) {
      ip(['link', 'set', pod.port, 'mtu', String(this.options.mtu)]);
      ip(['-n', pod.ns, 'link', 'set', 'eth0', 'mtu', String(this.options.mtu)]);
    }
    if (this.options.offloads === false) {
      ethtoolOffloadsOff(null, pod.port);
      ethtoolOffloadsOff(pod.ns, 'eth0');
    }
  }

  /** One more pod on the bridge (`role` must start with a letter no other pod's starts with). */
  addPod(role: string): Pod {
    const pod = this.pod(role, 2 + this.pods.length);
    this.plug(pod);
    return pod;
  }

  netnsPath(ns: string): string {
    return `/var/run/netns/${ns}`;
  }

  /**
   * Starts the HTTP server in the server pod; resolves once it listens. `maxHeaderSize` raises
   * Node's limit on a request head (16 KiB by default).
   */
  async startServer(options: { maxHeaderSize?: number } = {}): Promise<void> {
    const script = `
      const http = require('node:http');
      http.createServer({ maxHeaderSize: ${options.maxHeaderSize ?? 16 * 1024} }, (req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          const asked = /^[/]s[/]([0-9]{3})([?]|$)/.exec(req.url);
          res.statusCode = asked !== null ? Number(asked[1]) : req.url === '/missing' ? 404 : req.method === 'POST' ? 201 : 200;
          const replyBytes = req.headers['x-reply-bytes'];
          if (replyBytes !== undefined) {
            res.setHeader('content-type', 'text/plain');
            res.end('x'.repeat(Number(replyBytes)));
            return;
          }
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ path: req.url, got: body.length }));
        });
      }).listen(${this.httpPort}, ${JSON.stringify(this.server.ip)}, () => console.log('listening'));
      setTimeout(() => process.exit(0), 120000);
    `;
    const child = spawn('ip', ['netns', 'exec', this.server.ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.processes.add(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the HTTP server did not start in 10 s')), TIMEOUT_MS);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        if (d.includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the HTTP server exited with ${code}`));
      });
    });
  }

  /**
   * curl from the client pod (or `from`) to the server; returns the HTTP status. The body goes
   * through curl's stdin, as a 1 MB body would not fit in one argument (the kernel caps each at
   * 128 KiB).
   */
  curl(method: string, path: string, body?: string, options: { from?: Pod; headers?: string[] } = {}): number {
    const from = options.from ?? this.client;
    const args = ['netns', 'exec', from.ns, 'curl', '-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', '-X', method];
    for (const header of options.headers ?? []) args.push('-H', header);
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', '@-');
    args.push(`http://${this.server.ip}:${this.httpPort}${path}`);
    const r = spawnSync('ip', args, { encoding: 'utf8', timeout: TIMEOUT_MS, ...(body !== undefined ? { input: body } : {}) });
    if (r.status !== 0) throw new Error(`curl ${method} ${path} failed: ${r.stderr}`);
    return Number(r.stdout);
  }

  /**
   * Sends `count` UDP datagrams from the client pod to the server pod's `port` (nothing listens:
   * the packets only need to be captured), and returns once they are sent. Synchronous on
   * purpose: this process's event loop stands still meanwhile, as in a long pause of a
   * worker's main thread, so a capture here queues what it reads instead of delivering it.
   */
  udpBurstBlocking(count: number, port: number): void {
    const script = `
      const socket = require('node:dgram').createSocket('udp4');
      const payload = Buffer.alloc(100, 0x2e);
      let sent = 0, done = 0;
      const pump = () => {
        while (sent < ${count} && sent - done < 64) {
          sent++;
          socket.send(payload, ${port}, ${JSON.stringify(this.server.ip)}, () => (++done === ${count} ? socket.close() : pump()));
        }
      };
      pump();
    `;
    const r = spawnSync('ip', ['netns', 'exec', this.client.ns, process.execPath, '-e', script], { encoding: 'utf8', timeout: TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`UDP burst failed (${r.status ?? r.signal}): ${r.stderr}`);
  }

  /**
   * A Node HTTP client in the client pod that sends every request on one keep-alive connection
   * (an http.Agent with keepAlive and one socket), one at a time; destroy() kills it.
   */
  async keepAliveClient(): Promise<KeepAliveClient> {
    const script = `
      const http = require('node:http');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let chain = Promise.resolve();
      require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
        const [method, path] = line.split(' ');
        chain = chain.then(() => new Promise((resolve) => {
          const req = http.request({ host: ${JSON.stringify(this.server.ip)}, port: ${this.httpPort}, method, path, agent }, (res) => {
            const port = req.socket.localPort;
            res.resume();
            res.on('end', () => { console.log(res.statusCode + ' ' + port); resolve(); });
          });
          req.on('error', (err) => { console.log('error ' + err.message); resolve(); });
          req.end(method === 'POST' ? '{}' : undefined);
        }));
      });
      setTimeout(() => process.exit(0), 120000);
    `;
    const child = this.own(spawn('ip', ['netns', 'exec', this.client.ns, process.execPath, '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] }));
    const lines: string[] = [];
    let rest = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
    });
    let asked = 0;
    return {
      send: async (method, path) => {
        const before = asked++;
        child.stdin!.write(`${method} ${path}\n`);
        await waitFor(`an answer to keep-alive ${method} ${path}`, () => lines.length > before || child.exitCode !== null, { timeoutMs: TIMEOUT_MS, intervalMs: 5 });
        const line = lines[before];
        const m = line === undefined ? null : /^(\d+) (\d+)$/.exec(line);
        if (m === null) throw new Error(`keep-alive ${method} ${path} failed: ${line ?? 'the client ended'}`);
        return { status: Number(m[1]), localPort: Number(m[2]) };
      },
    };
  }

  /** Tracks a process to be killed by destroy(). */
  own(child: ChildProcess): ChildProcess {
    this.processes.add(child);
    return child;
  }

  /** Removes everything made here; safe to call twice; synchronous (runs in the exit hook). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    labs.delete(this);
    for (const child of this.processes) child.kill('SIGKILL');
    for (const pod of this.pods) ipQuiet(['link', 'del', pod.port]);
    ipQuiet(['link', 'del', this.bridge]);
    for (const pod of this.pods) ipQuiet(['netns', 'del', pod.ns]);
  }
}
