/**
 * What the eBPF backend says when it cannot run, the PF_RING detection and the `best` chain
 * (including a child without CAP_BPF, via `setpriv`). Same two-namespace lab as the other live
 * tests; needs root. The eBPF error tests are skipped (with the reason) only when the build had
 * no clang / libbpf-dev; the chain tests run either way and expect af_packet first then.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chooseBackend, liveBackendAvailability, liveCaptureAvailability, openLiveCapture } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { NetnsLab } from './helpers/netns-lab.js';
import { PacketLog } from './helpers/netns-packets.js';
import { chainSkip, ebpfBuilt, pfRingLoaded, skip, trackCaptures } from './helpers/ebpf-lab.js';
import { openError, withEnv } from './helpers/live-checks.js';

describe('eBPF backend (tc clsact + ring buffer): errors', { skip }, () => {
  let lab: NetnsLab;
  let serverNs: string;

  before(() => {
    lab = new NetnsLab();
    serverNs = lab.nsPath(lab.serverNs);
  });

  after(() => {
    lab?.destroy();
  });

  it('refuses what it cannot do, with the reason', () => {
    const any = openError({ backend: 'ebpf', interface: 'any', filter: 'tcp port 1' });
    assert.equal(any.reason, 'backend');
    assert.match(any.message, /takes "any" only inside a network namespace given by netns/);
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
  const { keep, closeAll } = trackCaptures();
  before(async () => {
    lab = new NetnsLab();
    await lab.startHttpServer();
  });
  after(() => {
    closeAll();
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
    keep(cap);
    assert.equal(cap.requested, 'best');
    if (ebpfBuilt) {
      assert.equal(cap.backend, 'ebpf');
      assert.deepEqual(cap.skipped, []);
    } else {
      assert.equal(cap.backend, 'af_packet');
      assert.match(cap.skipped[0]!.reason, /built without eBPF support/);
    }
    await lab.curl('/best');
    await waitFor('the request and the response', () => log.has('GET /best HTTP/1.1') && log.has('HTTP/1.1 200 OK'));
    cap.close();
  });

  it('best falls back to af_packet when eBPF is unavailable, and says why it skipped eBPF and PF_RING', async () => {
    await withEnv({ SHOAL_BPF_OBJECT: '/nonexistent' }, async () => {
      const log = new PacketLog();
      const cap = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'tcp port 8080' }, log);
      keep(cap);
      assert.equal(cap.backend, 'af_packet');
      assert.deepEqual(cap.skipped.map((s) => s.backend), ['ebpf', 'pf_ring']);
      assert.match(
        cap.skipped[0]!.reason,
        ebpfBuilt ? /cannot start ebpf capture on "srv0" .*the eBPF object \/nonexistent \(from SHOAL_BPF_OBJECT\) does not exist/ : /built without eBPF support/,
      );
      assert.match(cap.skipped[1]!.reason, /cannot start pf_ring capture on "srv0" .*PF_RING/);
      assert.deepEqual(chooseBackend().backend, 'af_packet');
      await lab.curl('/fallback');
      await waitFor('the request', () => log.has('GET /fallback HTTP/1.1'));
      cap.close();
    });
  });

  it('best skips what the options rule out: "any" without a namespace and fanout go to af_packet, a vlan filter to libpcap', () => {
    const ns = lab.nsPath(lab.serverNs);
    const any = openLiveCapture({ backend: 'best', interface: 'any', filter: 'tcp port 1' }, new PacketLog());
    keep(any);
    assert.equal(any.backend, 'af_packet');
    assert.equal(any.skipped[0]!.backend, 'ebpf');
    assert.match(any.skipped[0]!.reason, /takes "any" only inside a network namespace given by netns/);
    any.close();
    const anyInNamespace = openLiveCapture({ backend: 'best', interface: 'any', netns: ns }, new PacketLog());
    keep(anyInNamespace);
    assert.equal(anyInNamespace.backend, ebpfBuilt ? 'ebpf' : 'af_packet', 'inside a namespace eBPF takes "any"');
    anyInNamespace.close();

    const fanout = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: ns, fanout: { group: 3000 + (process.pid % 60000) } }, new PacketLog());
    keep(fanout);
    assert.equal(fanout.backend, 'af_packet');
    assert.match(fanout.skipped[0]!.reason, /fanout needs the af_packet backend/);
    fanout.close();

    const vlan = openLiveCapture({ backend: 'best', interface: lab.serverIf, netns: ns, filter: 'vlan and tcp' }, new PacketLog());
    keep(vlan);
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
