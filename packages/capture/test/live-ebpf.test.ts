/**
 * The eBPF backend with real packets (tc clsact programs + BPF ring buffer), the PF_RING
 * detection and the `best` chain. Same two-namespace lab as the other live tests: a real HTTP
 * server, curl, UDP from a Node sender. Needs root; the eBPF tests are skipped (with the
 * reason) only when the build had no clang / libbpf-dev, never merely because loading failed.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { isShoalError } from '@shoal/model';
import { LiveCaptureError, chooseBackend, liveBackendAvailability, liveCaptureAvailability, openLiveCapture } from '@shoal/capture';
import type { LiveCapture, LiveCaptureOptions } from '@shoal/capture';
import { NetnsLab, canMakeNamespaces, waitFor } from './helpers/netns-lab.js';
import { PacketLog } from './helpers/netns-packets.js';

const CODE_OF_REASON: Record<string, string> = {
  options: 'CAP_ERR_LIVE_OPTIONS',
  interface: 'CAP_ERR_INTERFACE',
  filter: 'CAP_ERR_FILTER',
  permission: 'CAP_ERR_PERMISSION',
  netns: 'CAP_ERR_NETNS',
  backend: 'CAP_ERR_BACKEND_UNAVAILABLE',
  system: 'CAP_ERR_OPEN',
};

const allowed = canMakeNamespaces();
const buildStatus = readBuildStatus();
const skip = !allowed.ok
  ? allowed.reason
  : buildStatus?.built === false
    ? `the eBPF backend was not built here: ${buildStatus.reason ?? 'no reason recorded'}`
    : false;
/** The chain tests run either way: they expect eBPF first when it was built, af_packet else. */
const chainSkip = allowed.ok ? false : allowed.reason;
const ebpfBuilt = skip === false;
const pfRingLoaded = fs.existsSync('/proc/net/pf_ring') || fs.existsSync('/sys/module/pf_ring');

function readBuildStatus(): { built: boolean; reason?: string } | null {
  try {
    return JSON.parse(fs.readFileSync(new URL('../build/Release/shoal_capture.ebpf.json', import.meta.url), 'utf8')) as { built: boolean; reason?: string };
  } catch {
    return null;
  }
}

function openError(options: LiveCaptureOptions): LiveCaptureError {
  try {
    openLiveCapture(options, new PacketLog()).close();
  } catch (err) {
    assert.ok(err instanceof LiveCaptureError, `expected a LiveCaptureError, got ${String(err)}`);
    assert.ok(isShoalError(err));
    assert.equal(err.code, CODE_OF_REASON[err.reason], `the code follows the reason '${err.reason}'`);
    assert.doesNotMatch(err.message, /\n/, 'one-line message');
    return err;
  }
  assert.fail(`opening ${JSON.stringify(options)} did not fail`);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `env` over the body of a test and puts the old values back. */
async function withEnv<T>(env: Record<string, string>, body: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The packets' bytes, sorted: two captures of the same traffic compare equal. */
function fingerprint(log: PacketLog): string[] {
  return log.packets.map((p) => `${p.originalLength}:${p.bytes.toString('hex')}`).sort();
}

describe('eBPF backend (tc clsact + ring buffer)', { skip }, () => {
  let lab: NetnsLab;
  const open: LiveCapture[] = [];
  let serverNs: string;

  function capture(options: Omit<LiveCaptureOptions, 'backend'>, backend: LiveCaptureOptions['backend'] = 'ebpf', log = new PacketLog()): { cap: LiveCapture; log: PacketLog } {
    const cap = openLiveCapture({ backend, ...options }, log);
    open.push(cap);
    return { cap, log };
  }

  /** `tc ARGS` inside namespace `ns`; its standard output. */
  async function tc(ns: string, ...args: string[]): Promise<string> {
    const r = await lab.runIn(ns, 'tc', args);
    assert.equal(r.code, 0, `tc ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** Our filters on `dev` (both directions) and whether a clsact qdisc is there. */
  async function tcState(ns: string, dev: string): Promise<{ ingress: string; egress: string; clsact: boolean }> {
    return {
      ingress: await tc(ns, 'filter', 'show', 'dev', dev, 'ingress'),
      egress: await tc(ns, 'filter', 'show', 'dev', dev, 'egress'),
      clsact: (await tc(ns, 'qdisc', 'show', 'dev', dev)).includes('clsact'),
    };
  }

  /** Runs a module script in a child Node process (bounded). */
  function runChild(body: string, opts: { killAfter?: string } = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
    const script = `
      const { openLiveCapture } = await import(${JSON.stringify(import.meta.resolve('@shoal/capture'))});
      ${body}
    `;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (opts.killAfter !== undefined && stdout.includes(opts.killAfter)) child.kill('SIGKILL');
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child still running after 15 s: ${stderr}`));
      }, 15_000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  before(async () => {
    lab = new NetnsLab();
    serverNs = lab.nsPath(lab.serverNs);
    await lab.startHttpServer();
  });

  after(() => {
    for (const cap of open) cap.close();
    lab?.destroy();
  });

  it('captures the HTTP request (ingress) and response (egress) on a veth in a namespace, the same bytes as af_packet', async () => {
    const started = Date.now();
    const where = { interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080' };
    const ebpf = capture(where);
    const reference = capture(where, 'af_packet');
    assert.equal(ebpf.cap.backend, 'ebpf');
    assert.equal(ebpf.cap.requested, 'ebpf');
    assert.deepEqual(ebpf.cap.skipped, []);

    const reply = await lab.curl('/ebpf-both-ways');
    assert.equal(reply.status, 200);
    const same = (): boolean =>
      ebpf.log.has('GET /ebpf-both-ways HTTP/1.1') &&
      ebpf.log.has('HTTP/1.1 200 OK') &&
      ebpf.log.count(6) >= 8 &&
      ebpf.log.packets.length === reference.log.packets.length;
    assert.ok(await waitFor(same), `ebpf ${ebpf.log.packets.length} packets, af_packet ${reference.log.packets.length}`);
    await sleep(200); // the connection's last segments
    assert.ok(await waitFor(same));
    const stats = ebpf.cap.stats();
    const final = ebpf.cap.close();
    reference.cap.close();
    await within(ebpf.cap.done, 1000, 'done settling');

    assert.ok(ebpf.log.has('hello from the shoal lab /ebpf-both-ways'), 'the response body (egress)');
    assert.deepEqual(fingerprint(ebpf.log), fingerprint(reference.log), 'byte for byte what af_packet saw');
    assert.ok(ebpf.log.packets.every((p) => p.linkType === 1), 'Ethernet');
    assert.ok(ebpf.log.packets.every((p) => p.timestampMs >= started - 1000 && p.timestampMs <= Date.now() + 1000), 'wall-clock timestamps');
    for (let i = 1; i < ebpf.log.packets.length; i++) {
      assert.ok(ebpf.log.packets[i]!.timestampMs >= ebpf.log.packets[i - 1]!.timestampMs - 1, 'in time order (one CPU per direction here)');
    }
    assert.equal(ebpf.log.count(17), 0);
    assert.ok(stats.delivered >= 8 && stats.batches >= 1);
    assert.equal(final.delivered, ebpf.log.packets.length);
    assert.equal(final.received, final.delivered, 'every packet that passed the filter was delivered');
    assert.equal(final.dropped, 0);
    assert.equal(final.ringFreezes, 0);
    assert.equal(final.interfaceDropped, 0);
  });

  it('runs the capture filter in the kernel: what af_packet keeps, and only that is counted', async () => {
    const filters = ['tcp port 8080', 'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', 'udp and greater 150', `src host ${lab.clientIp} and not udp`, 'ip[8] = 64 and (udp or tcp dst port 8080)'];
    const pairs = filters.map((filter) => {
      const where = { interface: lab.serverIf, netns: serverNs, filter };
      return { filter, ebpf: capture(where), ref: capture(where, 'af_packet') };
    });
    const everything = capture({ interface: lab.serverIf, netns: serverNs });
    await lab.sendUdp(20, 9999, 64);
    await lab.sendUdp(10, 9998, 200);
    await lab.curl('/filtered-in-kernel');
    const settled = (): boolean =>
      everything.log.count(17) === 30 &&
      everything.log.has('HTTP/1.1 200 OK') &&
      pairs.every((p) => p.ref.log.packets.length > 0 && p.ebpf.log.packets.length === p.ref.log.packets.length);
    assert.ok(await waitFor(settled, 5000), pairs.map((p) => `${p.filter}: ${p.ebpf.log.packets.length}/${p.ref.log.packets.length}`).join(', '));
    await sleep(200);
    assert.ok(await waitFor(settled));
    for (const p of pairs) {
      const s = p.ebpf.cap.close();
      p.ref.cap.close();
      assert.deepEqual(fingerprint(p.ebpf.log), fingerprint(p.ref.log), `filter "${p.filter}"`);
      assert.equal(s.received, p.ebpf.log.packets.length, `"${p.filter}": the kernel counts only what passed the filter`);
    }
    const all = everything.cap.close();
    assert.ok(all.received >= all.delivered && all.delivered >= 30);
    assert.equal(pairs[0]!.ebpf.log.count(17), 0, 'tcp port 8080 kept out UDP');
    assert.equal(pairs[2]!.ebpf.log.packets.length, 10, 'the 10 large datagrams');
  });

  it('detaches its programs on close and removes the clsact qdisc it made (and promiscuous mode)', async () => {
    const dev = lab.serverIf;
    // A packet socket's membership counts in "promiscuity" (`ip -d`), not in the PROMISC flag.
    const promiscuous = async (): Promise<boolean> =>
      /promiscuity [1-9]/.test((await lab.runIn(lab.serverNs, 'ip', ['-d', 'link', 'show', 'dev', dev])).stdout);
    assert.deepEqual(await tcState(lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'nothing attached before');
    assert.equal(await promiscuous(), false);
    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab.serverNs, dev);
    assert.match(during.ingress, /pref 1 bpf .*handle 0x[0-9a-f]+ .*direct-action.*name shoal_ingress/);
    assert.match(during.egress, /pref 1 bpf .*handle 0x[0-9a-f]+ .*direct-action.*name shoal_egress/);
    assert.equal(during.clsact, true);
    assert.equal(await promiscuous(), true);
    cap.close();
    assert.deepEqual(await tcState(lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'nothing of ours after close');
    assert.equal(await promiscuous(), false);
  });

  it('on loopback attaches to ingress only: each packet once, as libpcap gives it', async () => {
    const where = { interface: 'lo', netns: serverNs, filter: 'tcp port 8080' };
    const ebpf = capture(where);
    const reference = capture(where, 'libpcap');
    const during = await tcState(lab.serverNs, 'lo');
    assert.match(during.ingress, /shoal_ingress/);
    assert.equal(during.egress, '');
    const r = await lab.runIn(lab.serverNs, 'curl', ['-sS', '--max-time', '5', '-o', '/dev/null', `http://${lab.serverIp}:${lab.httpPort}/loopback`]);
    assert.equal(r.code, 0, r.stderr);
    const same = (): boolean => ebpf.log.has('GET /loopback HTTP/1.1') && ebpf.log.has('HTTP/1.1 200 OK') && ebpf.log.packets.length === reference.log.packets.length;
    assert.ok(await waitFor(same), `ebpf ${ebpf.log.packets.length}, libpcap ${reference.log.packets.length}`);
    await sleep(200);
    assert.ok(await waitFor(same));
    ebpf.cap.close();
    reference.cap.close();
    assert.deepEqual(fingerprint(ebpf.log), fingerprint(reference.log));
    assert.equal(ebpf.log.packets.filter((p) => p.bytes.includes('GET /loopback HTTP/1.1')).length, 1, 'the request once');
  });

  it('leaves a clsact qdisc and filters that are not its own', async () => {
    const dev = lab.addVethPair(lab.serverNs, 'ebx');
    await tc(lab.serverNs, 'qdisc', 'add', 'dev', dev, 'clsact');
    await tc(lab.serverNs, 'filter', 'add', 'dev', dev, 'ingress', 'prio', '5', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0');
    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab.serverNs, dev);
    assert.match(during.ingress, /shoal_ingress/);
    assert.match(during.ingress, /pref 5 u32/);
    cap.close();
    const afterwards = await tcState(lab.serverNs, dev);
    assert.doesNotMatch(afterwards.ingress + afterwards.egress, /shoal|pref 1 /);
    assert.match(afterwards.ingress, /pref 5 u32/, 'the foreign filter stays');
    assert.equal(afterwards.clsact, true, 'the qdisc it found stays');
  });

  it('a normal exit with the capture still open detaches', async () => {
    const dev = lab.addVethPair(lab.serverNs, 'ebe');
    const r = await runChild(`
      openLiveCapture({ backend: 'ebpf', interface: '${dev}', netns: '${serverNs}' }, { onPacket() {} });
      console.log('open');
      setTimeout(() => process.exit(3), 50);
    `);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /open/);
    assert.deepEqual(await tcState(lab.serverNs, dev), { ingress: '', egress: '', clsact: false });
  });

  it('removes the filters a killed process left behind when it next attaches there', async () => {
    const dev = lab.addVethPair(lab.serverNs, 'ebk');
    const r = await runChild(
      `
      openLiveCapture({ backend: 'ebpf', interface: '${dev}', netns: '${serverNs}' }, { onPacket() {} });
      console.log('open');
      setInterval(() => {}, 1000);
    `,
      { killAfter: 'open' },
    );
    assert.equal(r.signal, 'SIGKILL');
    const left = await tcState(lab.serverNs, dev);
    assert.match(left.ingress, /shoal_ingress/, 'SIGKILL leaves the tc filter behind');
    const stale = /handle (0x[0-9a-f]+)/.exec(left.ingress)![1]!;

    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab.serverNs, dev);
    assert.equal(during.ingress.match(/name shoal_ingress/g)?.length, 1, during.ingress);
    assert.doesNotMatch(during.ingress, new RegExp(`handle ${stale} `), 'the orphan is gone');
    cap.close();
    assert.deepEqual(await tcState(lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'and so is its orphaned qdisc');
  });

  it("leaves a live capture's filters alone (two captures on one interface)", async () => {
    const first = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080' });
    const second = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080' });
    assert.equal((await tc(lab.serverNs, 'filter', 'show', 'dev', lab.serverIf, 'ingress')).match(/name shoal_ingress/g)?.length, 2);
    await lab.curl('/two-captures');
    assert.ok(await waitFor(() => first.log.has('HTTP/1.1 200 OK') && second.log.has('HTTP/1.1 200 OK')));
    first.cap.close();
    const between = await tcState(lab.serverNs, lab.serverIf);
    assert.equal(between.ingress.match(/name shoal_ingress/g)?.length, 1, 'the second one is still attached');
    assert.equal(between.clsact, true);
    await lab.curl('/one-capture');
    assert.ok(await waitFor(() => second.log.has('GET /one-capture HTTP/1.1')));
    second.cap.close();
    assert.deepEqual(await tcState(lab.serverNs, lab.serverIf), { ingress: '', egress: '', clsact: false });
  });

  it('ignoreOutgoing attaches to ingress only', async () => {
    const { cap, log } = capture({ interface: lab.clientIf, netns: lab.nsPath(lab.clientNs), filter: 'tcp port 8080', ignoreOutgoing: true });
    const during = await tcState(lab.clientNs, lab.clientIf);
    assert.match(during.ingress, /shoal_ingress/);
    assert.equal(during.egress, '');
    await lab.curl('/incoming-only');
    assert.ok(await waitFor(() => log.has('HTTP/1.1 200 OK')));
    await sleep(100);
    cap.close();
    assert.equal(log.has('GET /incoming-only'), false, 'the request left the client: not captured');
  });

  it('snaplen cuts packets in the kernel but keeps their original length', async () => {
    const { cap, log } = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080', snaplen: 60 });
    await lab.curl('/snaplen');
    assert.ok(await waitFor(() => log.packets.some((p) => p.originalLength > 100) && log.count(6) >= 8));
    cap.close();
    assert.ok(log.packets.every((p) => p.bytes.length <= 60));
    assert.ok(log.packets.some((p) => p.originalLength > 100 && p.bytes.length === 60));
  });

  it('captures in the root namespace on a bridge port', async () => {
    const { cap, log } = capture({ interface: lab.serverPort, filter: 'tcp port 8080' });
    await lab.curl('/root-namespace');
    assert.ok(await waitFor(() => log.has('GET /root-namespace HTTP/1.1') && log.has('HTTP/1.1 200 OK')));
    // Packets still in the ring at close() are counted as received but never delivered: drain.
    assert.ok(await waitFor(() => cap.stats().received === cap.stats().delivered));
    const s = cap.close();
    assert.equal(s.received, s.delivered);
    assert.equal((await tcStateRoot(lab.serverPort)).includes('shoal'), false);
  });

  async function tcStateRoot(dev: string): Promise<string> {
    const r = spawnSync('tc', ['filter', 'show', 'dev', dev, 'ingress'], { encoding: 'utf8', timeout: 10_000 });
    return r.stdout;
  }

  it('counts ring-buffer drops behind a slow sink: delivered + dropped = received', async () => {
    let spin = true;
    const log = new PacketLog();
    log.onEach = () => {
      if (!spin) return;
      const until = process.hrtime.bigint() + 100_000n; // 100 us per packet
      while (process.hrtime.bigint() < until);
    };
    const { cap } = capture(
      { interface: lab.serverIf, netns: serverNs, filter: 'udp port 9999', ebpf: { ringBytes: 4 << 20 }, batch: { maxBytes: 65536, maxInFlight: 1 } },
      'ebpf',
      log,
    );
    await lab.sendUdp(20_000, 9999, 1200);
    spin = false;
    await waitFor(() => {
      const s = cap.stats();
      return s.received > 0 && s.delivered + s.dropped === s.received && s.queued === 0;
    }, 5000, 25);
    const s = cap.close();
    assert.ok(s.dropped > 0, `a 4 MiB ring behind a slow sink drops: ${JSON.stringify(s)}`);
    assert.equal(s.delivered + s.dropped, s.received, JSON.stringify(s));
    assert.equal(log.count(17, 9999), log.packets.length);
  });

  it('refuses what it cannot do, with the reason', () => {
    const any = openError({ backend: 'ebpf', interface: 'any', netns: serverNs });
    assert.equal(any.reason, 'backend');
    assert.match(any.message, /"any" is not one/);
    const vlan = openError({ backend: 'ebpf', interface: lab.serverIf, netns: serverNs, filter: 'vlan and tcp' });
    assert.equal(vlan.reason, 'filter');
    assert.match(vlan.message, /"vlan" needs the libpcap backend/);
    const bad = openError({ backend: 'ebpf', interface: lab.serverIf, netns: serverNs, filter: 'tcp port eighty' });
    assert.equal(bad.reason, 'filter');
    assert.match(bad.message, /^cannot start ebpf capture on "srv0" in \/var\/run\/netns\/.*: bad capture filter "tcp port eighty"/);
    const missing = openError({ backend: 'ebpf', interface: lab.serverIf, netns: lab.nsPath(lab.clientNs) });
    assert.equal(missing.reason, 'interface');
    assert.match(missing.message, /no interface named "srv0" in this network namespace/);
    const ns = openError({ backend: 'ebpf', interface: 'lo', netns: '/var/run/netns/shoal-no-such-namespace' });
    assert.equal(ns.reason, 'netns');
  });

  it('ends with an interface error when the interface is removed while capturing', async () => {
    const name = lab.addVethPair(lab.serverNs, 'ebgone');
    const { cap } = capture({ interface: name, netns: serverNs });
    lab.ip('-n', lab.serverNs, 'link', 'del', name);
    const err = await within(
      cap.done.then(
        () => assert.fail('done fulfilled'),
        (e: unknown) => e,
      ),
      5000,
      'the capture failing',
    );
    assert.ok(err instanceof LiveCaptureError);
    assert.equal(err.reason, 'interface');
    assert.ok(err.message.includes(name), err.message);
    assert.equal(cap.closed, true);
  });

  it('is unavailable, with the reason, when its object is hidden (SHOAL_BPF_OBJECT)', async () => {
    await withEnv({ SHOAL_BPF_OBJECT: '/nonexistent/shoal_capture.bpf.o' }, () => {
      const err = openError({ backend: 'ebpf', interface: lab.serverIf, netns: serverNs });
      assert.equal(err.reason, 'backend');
      assert.equal(err.code, 'CAP_ERR_BACKEND_UNAVAILABLE');
      assert.match(err.message, /the eBPF object \/nonexistent\/shoal_capture\.bpf\.o \(from SHOAL_BPF_OBJECT\) does not exist/);
      const ebpf = liveBackendAvailability().find((a) => a.backend === 'ebpf')!;
      assert.equal(ebpf.available, false);
      assert.match(ebpf.reason!, /does not exist/);
    });
  });
});

describe('PF_RING and the best chain', { skip: chainSkip }, () => {
  let lab: NetnsLab;
  const open: LiveCapture[] = [];
  before(async () => {
    lab = new NetnsLab();
    await lab.startHttpServer();
  });
  after(() => {
    for (const cap of open) cap.close();
    lab?.destroy();
  });

  it('lists every backend with its availability and reason', () => {
    const all = liveCaptureAvailability();
    assert.equal(all.available, true);
    assert.deepEqual(all.backends.map((b) => b.backend), ['ebpf', 'pf_ring', 'af_packet', 'libpcap']);
    const by = new Map(all.backends.map((b) => [b.backend, b]));
    assert.equal(by.get('ebpf')!.available, ebpfBuilt, by.get('ebpf')!.reason);
    if (!ebpfBuilt) assert.match(by.get('ebpf')!.reason!, /built without eBPF support/);
    assert.equal(by.get('af_packet')!.available, true);
    assert.equal(by.get('libpcap')!.available, true);
    const pf = by.get('pf_ring')!;
    assert.equal(pf.available, false);
    assert.equal(pf.code, 'backend');
    if (!pfRingLoaded) assert.match(pf.reason!, /PF_RING is not available: its kernel module is not loaded \(neither \/proc\/net\/pf_ring nor \/sys\/module\/pf_ring exists\)/);
    const choice = chooseBackend();
    assert.equal(choice.backend, ebpfBuilt ? 'ebpf' : 'af_packet');
    assert.deepEqual(choice.skipped.map((s) => s.backend), ebpfBuilt ? [] : ['ebpf', 'pf_ring']);
  });

  it('forcing pf_ring fails with its reason', () => {
    const err = openError({ backend: 'pf_ring', interface: lab.serverIf, netns: lab.nsPath(lab.serverNs) });
    assert.equal(err.reason, 'backend');
    assert.equal(err.code, 'CAP_ERR_BACKEND_UNAVAILABLE');
    assert.match(err.message, /^cannot start pf_ring capture on "srv0" in \/var\/run\/netns\/\S+: /);
    assert.match(err.message, pfRingLoaded ? /no PF_RING capture code/ : /kernel module is not loaded/);
  });

  it(ebpfBuilt ? 'best picks eBPF here and captures with it' : 'best says eBPF was not built and captures with af_packet', async () => {
    const log = new PacketLog();
    const cap = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' }, log);
    open.push(cap);
    assert.equal(cap.requested, 'best');
    if (ebpfBuilt) {
      assert.equal(cap.backend, 'ebpf');
      assert.deepEqual(cap.skipped, []);
    } else {
      assert.equal(cap.backend, 'af_packet');
      assert.match(cap.skipped[0]!.reason, /built without eBPF support/);
    }
    await lab.curl('/best');
    assert.ok(await waitFor(() => log.has('GET /best HTTP/1.1') && log.has('HTTP/1.1 200 OK')));
    cap.close();
  });

  it('best falls back to af_packet when eBPF is unavailable, and says why it skipped eBPF and PF_RING', async () => {
    await withEnv({ SHOAL_BPF_OBJECT: '/nonexistent' }, async () => {
      const log = new PacketLog();
      const cap = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' }, log);
      open.push(cap);
      assert.equal(cap.backend, 'af_packet');
      assert.deepEqual(cap.skipped.map((s) => s.backend), ['ebpf', 'pf_ring']);
      assert.match(
        cap.skipped[0]!.reason,
        ebpfBuilt ? /cannot start ebpf capture on "srv0" .*the eBPF object \/nonexistent \(from SHOAL_BPF_OBJECT\) does not exist/ : /built without eBPF support/,
      );
      assert.match(cap.skipped[1]!.reason, /cannot start pf_ring capture on "srv0" .*PF_RING/);
      assert.deepEqual(chooseBackend().backend, 'af_packet');
      await lab.curl('/fallback');
      assert.ok(await waitFor(() => log.has('GET /fallback HTTP/1.1')));
      cap.close();
    });
  });

  it('best skips what the options rule out: "any" and fanout go to af_packet, a vlan filter to libpcap', () => {
    const ns = lab.nsPath(lab.serverNs);
    const any = openLiveCapture({ backend: 'best', interface: 'any', netns: ns }, new PacketLog());
    open.push(any);
    assert.equal(any.backend, 'af_packet');
    assert.equal(any.skipped[0]!.backend, 'ebpf');
    assert.match(any.skipped[0]!.reason, /"any" is not one/);
    any.close();

    const fanout = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: ns, fanout: { group: 3000 + (process.pid % 60000) } }, new PacketLog());
    open.push(fanout);
    assert.equal(fanout.backend, 'af_packet');
    assert.match(fanout.skipped[0]!.reason, /fanout needs the af_packet backend/);
    fanout.close();

    const vlan = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: ns, filter: 'vlan and tcp' }, new PacketLog());
    open.push(vlan);
    assert.equal(vlan.backend, 'libpcap');
    assert.deepEqual(vlan.skipped.map((s) => s.backend), ['ebpf', 'pf_ring', 'af_packet']);
    vlan.close();
  });

  it('without CAP_BPF, forcing ebpf fails with reason "permission" and best falls back to af_packet', { skip: !ebpfBuilt }, async () => {
    const setpriv = spawnSync('setpriv', ['--version'], { encoding: 'utf8' });
    if (setpriv.status !== 0) return; // util-linux's setpriv is on every Debian; nothing to drop caps with otherwise
    // Root without CAP_BPF and CAP_SYS_ADMIN (which also allows BPF); no namespace to enter
    // then, so the capture is on the lab's bridge port in the root namespace.
    const script = `
      const m = await import(${JSON.stringify(import.meta.resolve('@shoal/capture'))});
      const where = { interface: ${JSON.stringify(lab.serverPort)}, filter: 'tcp port 8080' };
      let forced;
      try { m.openLiveCapture({ backend: 'ebpf', ...where }, { onPacket() {} }).close(); } catch (e) { forced = { code: e.code, reason: e.reason, message: e.message }; }
      const best = m.openLiveCapture({ backend: 'best', ...where }, { onPacket() {} });
      const listed = m.liveBackendAvailability().find((b) => b.backend === 'ebpf');
      console.log(JSON.stringify({ forced, backend: best.backend, skipped: best.skipped, listed }));
      best.close();
    `;
    const r = spawnSync('setpriv', ['--bounding-set=-bpf,-sys_admin', '--inh-caps=-bpf,-sys_admin', process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      forced: { code: string; reason: string; message: string };
      backend: string;
      skipped: { backend: string; reason: string }[];
      listed: { available: boolean; code: string; reason: string };
    };
    assert.equal(out.forced.reason, 'permission');
    assert.equal(out.forced.code, 'CAP_ERR_PERMISSION');
    assert.match(out.forced.message, /does not let this process load eBPF programs \(needs root, or CAP_BPF and CAP_NET_ADMIN\)$/);
    assert.equal(out.backend, 'af_packet');
    assert.deepEqual(out.skipped.map((s) => s.backend), ['ebpf', 'pf_ring']);
    assert.match(out.skipped[0]!.reason, /CAP_BPF/);
    assert.deepEqual([out.listed.available, out.listed.code], [false, 'permission']);
  });

  it('best stops at once on a failure every backend would share', () => {
    const err = openError({ backend: 'best', interface: 'shoal-nope0', netns: lab.nsPath(lab.serverNs) });
    assert.equal(err.reason, 'interface');
    assert.match(err.message, new RegExp(`cannot start ${ebpfBuilt ? 'ebpf' : 'af_packet'} capture on "shoal-nope0"`), 'the first backend tried says it');
    const filter = openError({ backend: 'best', interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port eighty' });
    assert.equal(filter.reason, 'filter');
  });
});
