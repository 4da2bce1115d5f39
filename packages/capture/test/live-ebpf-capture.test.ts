/**
 * The eBPF backend with real packets (tc clsact programs + BPF ring buffer): what it captures.
 * Both directions byte for byte as af_packet sees them, the capture filter run in the kernel,
 * loopback, ignoreOutgoing, snaplen, the root namespace, drops behind a slow sink. Same
 * two-namespace lab as the other live tests: a real HTTP server, curl, UDP from a Node sender.
 * Needs root; skipped (with the reason) only when the build had no clang / libbpf-dev, never
 * merely because loading failed. Detaching: live-ebpf-detach.test.ts; errors and the `best`
 * chain: live-ebpf-chain.test.ts.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { waitFor } from '@shoal/testkit';
import type { NetnsLab } from './helpers/netns-lab.js';
import { PacketLog } from './helpers/netns-packets.js';
import { closeServerLab, openServerLab, skip, tcState, trackCaptures } from './helpers/ebpf-lab.js';
import { fingerprint, within } from './helpers/live-checks.js';

describe('eBPF backend (tc clsact + ring buffer): capture', { skip }, () => {
  let lab: NetnsLab;
  const { capture, closeAll } = trackCaptures();
  let serverNs: string;

  before(async () => ({ lab, serverNs } = await openServerLab()));
  after(() => closeServerLab(lab, closeAll));

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
    // The whole connection, to its last ACK, in both; closed in the same turn as checked.
    const same = (): boolean =>
      reference.log.tcpClosed() && ebpf.log.has('GET /ebpf-both-ways HTTP/1.1') && ebpf.log.has('HTTP/1.1 200 OK') &&
      fingerprint(ebpf.log).join() === fingerprint(reference.log).join();
    await waitFor(() => `the whole exchange in both (ebpf ${ebpf.log.packets.length} packets, af_packet ${reference.log.packets.length})`, same);
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
    // Everything sent, to the connection's last ACK, seen unfiltered; each pair the same; all
    // closed in the same turn as checked.
    const settled = (): boolean =>
      everything.log.count(17) === 30 &&
      everything.log.tcpClosed() &&
      pairs.every((p) => p.ref.log.packets.length > 0 && fingerprint(p.ebpf.log).join() === fingerprint(p.ref.log).join());
    await waitFor(() => `the same packets in each pair (${pairs.map((p) => `${p.filter}: ${p.ebpf.log.packets.length}/${p.ref.log.packets.length}`).join(', ')})`, settled);
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

  it('on loopback attaches to ingress only: each packet once, as libpcap gives it', async () => {
    const where = { interface: 'lo', netns: serverNs, filter: 'tcp port 8080' };
    const ebpf = capture(where);
    const reference = capture(where, 'libpcap');
    const during = await tcState(lab, lab.serverNs, 'lo');
    assert.match(during.ingress, /shoal_ingress/);
    assert.equal(during.egress, '');
    const r = await lab.runIn(lab.serverNs, 'curl', ['-sS', '--max-time', '5', '-o', '/dev/null', `http://${lab.serverIp}:${lab.httpPort}/loopback`]);
    assert.equal(r.code, 0, r.stderr);
    const same = (): boolean =>
      reference.log.tcpClosed() && ebpf.log.has('GET /loopback HTTP/1.1') && fingerprint(ebpf.log).join() === fingerprint(reference.log).join();
    await waitFor(() => `the whole exchange in both (ebpf ${ebpf.log.packets.length}, libpcap ${reference.log.packets.length})`, same);
    ebpf.cap.close();
    reference.cap.close();
    assert.deepEqual(fingerprint(ebpf.log), fingerprint(reference.log));
    assert.equal(ebpf.log.packets.filter((p) => p.bytes.includes('GET /loopback HTTP/1.1')).length, 1, 'the request once');
  });

  it('ignoreOutgoing attaches to ingress only', async () => {
    const { cap, log } = capture({ interface: lab.clientIf, netns: lab.nsPath(lab.clientNs), filter: 'tcp port 8080', ignoreOutgoing: true });
    const during = await tcState(lab, lab.clientNs, lab.clientIf);
    assert.match(during.ingress, /shoal_ingress/);
    assert.equal(during.egress, '');
    await lab.curl('/incoming-only');
    // The response is the control: it came after the request, so had the request been
    // captured it would be in by the time the response is.
    await waitFor('the response', () => log.has('HTTP/1.1 200 OK'));
    cap.close();
    assert.equal(log.has('GET /incoming-only'), false, 'the request left the client: not captured');
  });

  it('snaplen cuts packets in the kernel but keeps their original length', async () => {
    const { cap, log } = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080', snaplen: 60 });
    await lab.curl('/snaplen');
    await waitFor('a cut packet and the whole exchange', () => log.packets.some((p) => p.originalLength > 100) && log.count(6) >= 8);
    cap.close();
    assert.ok(log.packets.every((p) => p.bytes.length <= 60));
    assert.ok(log.packets.some((p) => p.originalLength > 100 && p.bytes.length === 60));
  });

  it('captures in the root namespace on a bridge port', async () => {
    const { cap, log } = capture({ interface: lab.serverPort, filter: 'tcp port 8080' });
    await lab.curl('/root-namespace');
    await waitFor('the request and the response', () => log.has('GET /root-namespace HTTP/1.1') && log.has('HTTP/1.1 200 OK'));
    // Packets still in the ring at close() are counted as received but never delivered: drain.
    await waitFor(() => `every packet received to be delivered: ${JSON.stringify(cap.stats())}`, () => cap.stats().received === cap.stats().delivered);
    const s = cap.close();
    assert.equal(s.received, s.delivered);
    assert.equal((await tcStateRoot(lab.serverPort)).includes('shoal'), false);
  });

  async function tcStateRoot(dev: string): Promise<string> {
    const r = spawnSync('tc', ['filter', 'show', 'dev', dev, 'ingress'], { encoding: 'utf8', timeout: 10_000 });
    return r.stdout;
  }

  it('counts ring-buffer drops behind a slow sink without a spool: delivered + dropped = received', async () => {
    let spin = true;
    const log = new PacketLog();
    log.onEach = () => {
      if (!spin) return;
      const until = process.hrtime.bigint() + 100_000n; // 100 us per packet
      while (process.hrtime.bigint() < until);
    };
    const { cap } = capture(
      { interface: lab.serverIf, netns: serverNs, filter: 'udp port 9999', ebpf: { ringBytes: 4 << 20 }, batch: { maxBytes: 65536, maxInFlight: 1, spoolBytes: 0 } },
      'ebpf',
      log,
    );
    await lab.sendUdp(20_000, 9999, 1200);
    spin = false;
    await waitFor(() => `every packet the ring kept to be delivered: ${JSON.stringify(cap.stats())}`, () => {
      const s = cap.stats();
      return s.received > 0 && s.delivered + s.dropped === s.received && s.queued === 0;
    }, { intervalMs: 25 });
    const s = cap.close();
    assert.ok(s.dropped > 0, `a 4 MiB ring behind a slow sink drops: ${JSON.stringify(s)}`);
    assert.equal(s.delivered + s.dropped, s.received, JSON.stringify(s));
    assert.equal(log.count(17, 9999), log.packets.length);
  });
});
