/**
 * The eBPF backend on "any" inside a network namespace (a pod's): it attaches to every
 * Ethernet or loopback interface that is up when it opens, so it sees the pod's traffic on its
 * veth and the pod calling itself over lo, each packet once, the IP packets af_packet's "any"
 * sees; it skips interfaces that are down, goes on when one of its interfaces goes away (as
 * af_packet's "any" does), and takes every filter off again. Outside a namespace given by path
 * it refuses "any" (the interfaces there come and go). Same two-namespace lab as the other
 * eBPF tests; needs root and an addon built with eBPF.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@shoal/testkit';
import type { NetnsLab } from './helpers/netns-lab.js';
import { ipv4Offset, type PacketLog } from './helpers/netns-packets.js';
import { closeServerLab, openServerLab, skip, tcState, trackCaptures } from './helpers/ebpf-lab.js';
import { openError } from './helpers/live-checks.js';

/** The IP packets, sorted: Ethernet (ebpf) and Linux SLL2 (af_packet on "any") compare equal. */
function ipPackets(log: PacketLog): string[] {
  return log.packets.map((p) => p.bytes.subarray(ipv4Offset(p.linkType, p.bytes)).toString('hex')).sort();
}

/** TCP segments with FIN set: a closed connection has two. */
function fins(log: PacketLog): number {
  return log.packets.filter((p) => {
    const ip = ipv4Offset(p.linkType, p.bytes);
    const tcp = ip + (p.bytes[ip]! & 0x0f) * 4;
    return ip >= 0 && p.bytes[ip + 9] === 6 && (p.bytes[tcp + 13]! & 0x01) !== 0;
  }).length;
}

const NO_FILTERS = { ingress: '', egress: '', clsact: false };

describe('eBPF backend on "any" inside a namespace', { skip }, () => {
  let lab: NetnsLab;
  const { capture, closeAll } = trackCaptures();
  let serverNs: string;

  before(async () => ({ lab, serverNs } = await openServerLab()));
  after(() => closeServerLab(lab, closeAll));

  /** curl from inside the server namespace to the server's own address: over lo. */
  async function curlFromInside(path: string): Promise<void> {
    const r = await lab.runIn(lab.serverNs, 'curl', ['-sS', '--max-time', '5', '-o', '/dev/null', `http://${lab.serverIp}:${lab.httpPort}${path}`]);
    assert.equal(r.code, 0, r.stderr);
  }

  it('attaches to lo and the veth that are up, sees both paths once each, and detaches from all', async () => {
    const down = lab.addVethPair(lab.serverNs, 'ebd');
    lab.ip('-n', lab.serverNs, 'link', 'set', down, 'down');
    const where = { interface: 'any', netns: serverNs, filter: 'tcp port 8080' };
    const ebpf = capture(where);
    const reference = capture(where, 'af_packet');
    assert.equal(ebpf.cap.backend, 'ebpf');

    const veth = await tcState(lab, lab.serverNs, lab.serverIf);
    assert.match(veth.ingress, /shoal_ingress/);
    assert.match(veth.egress, /shoal_egress/);
    const lo = await tcState(lab, lab.serverNs, 'lo');
    assert.match(lo.ingress, /shoal_ingress/);
    assert.equal(lo.egress, '', 'loopback: ingress only, so each packet once');
    assert.deepEqual(await tcState(lab, lab.serverNs, down), NO_FILTERS, 'an interface that is down is left alone');

    assert.equal((await lab.curl('/any-from-outside')).status, 200);
    await curlFromInside('/any-from-inside');
    // Both connections closed (two FINs each) and the same number of segments in both captures.
    const done = (): boolean =>
      ebpf.log.has('GET /any-from-outside HTTP/1.1') &&
      ebpf.log.has('GET /any-from-inside HTTP/1.1') &&
      fins(ebpf.log) === 4 &&
      fins(reference.log) === 4 &&
      ebpf.log.count(6) === reference.log.count(6);
    await waitFor(() => `both connections closed in both (ebpf ${ebpf.log.count(6)} TCP packets, af_packet ${reference.log.count(6)})`, done);
    const final = ebpf.cap.close();
    reference.cap.close();
    assert.deepEqual(ipPackets(ebpf.log), ipPackets(reference.log), 'the same IP packets as af_packet on "any"');
    assert.equal(ebpf.log.packets.filter((p) => p.bytes.includes('GET /any-from-inside HTTP/1.1')).length, 1, 'the request over lo once');
    assert.equal(final.received, final.delivered + final.dropped + final.discarded);

    for (const dev of [lab.serverIf, 'lo']) assert.deepEqual(await tcState(lab, lab.serverNs, dev), NO_FILTERS, `nothing of ours left on ${dev}`);
  });

  it('goes on when one of its interfaces is removed, and still detaches from the others', async () => {
    const extra = lab.addVethPair(lab.serverNs, 'ebg');
    const { cap, log } = capture({ interface: 'any', netns: serverNs, filter: 'tcp port 8080' });
    assert.match((await tcState(lab, lab.serverNs, extra)).ingress, /shoal_ingress/);
    lab.ip('-n', lab.serverNs, 'link', 'del', extra);
    // The capture looks for vanished interfaces every 500 ms: keep asking for 1.5 s.
    const until = Date.now() + 1500;
    for (let i = 0; Date.now() < until && i < 50; i++) {
      const path = `/after-removal-${i}`;
      assert.equal((await lab.curl(path)).status, 200);
      await waitFor(path, () => log.has(`GET ${path} HTTP/1.1`));
    }
    assert.equal(cap.closed, false, cap.error?.message);
    cap.close();
    for (const dev of [lab.serverIf, 'lo']) assert.deepEqual(await tcState(lab, lab.serverNs, dev), NO_FILTERS, `nothing of ours left on ${dev}`);
  });

  it('refuses "any" outside a namespace given by path, and says where it can', () => {
    const err = openError({ backend: 'ebpf', interface: 'any', filter: 'tcp port 1' });
    assert.equal(err.reason, 'backend');
    assert.match(err.message, /takes "any" only inside a network namespace given by netns/);
    assert.match(err.message, /use af_packet or libpcap/);
  });
});
