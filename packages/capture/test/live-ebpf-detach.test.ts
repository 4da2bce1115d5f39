/**
 * The eBPF backend takes its tc filters off again: on close (and the clsact qdisc it made, and
 * promiscuous mode), on a normal exit with the capture still open, when the interface goes
 * away; it leaves other tools' qdisc and filters and other live captures' filters alone, and
 * removes the filters a killed process left behind. Same two-namespace lab as the other live
 * tests; needs root, and an addon built with eBPF (see live-ebpf-capture.test.ts).
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@shoal/testkit';
import type { NetnsLab } from './helpers/netns-lab.js';
import { closeServerLab, openServerLab, skip, tc, tcState, trackCaptures } from './helpers/ebpf-lab.js';
import { runCaptureChild as runChild } from './helpers/capture-child.js';
import { interfaceGoneError } from './helpers/live-checks.js';

describe('eBPF backend (tc clsact + ring buffer): detach and clean-up', { skip }, () => {
  let lab: NetnsLab;
  const { capture, closeAll } = trackCaptures();
  let serverNs: string;

  before(async () => ({ lab, serverNs } = await openServerLab()));
  after(() => closeServerLab(lab, closeAll));

  it('detaches its programs on close and removes the clsact qdisc it made (and promiscuous mode)', async () => {
    const dev = lab.serverIf;
    // A packet socket's membership counts in "promiscuity" (`ip -d`), not in the PROMISC flag.
    const promiscuous = async (): Promise<boolean> =>
      /promiscuity [1-9]/.test((await lab.runIn(lab.serverNs, 'ip', ['-d', 'link', 'show', 'dev', dev])).stdout);
    assert.deepEqual(await tcState(lab, lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'nothing attached before');
    assert.equal(await promiscuous(), false);
    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab, lab.serverNs, dev);
    assert.match(during.ingress, /pref 1 bpf .*handle 0x[0-9a-f]+ .*direct-action.*name shoal_ingress/);
    assert.match(during.egress, /pref 1 bpf .*handle 0x[0-9a-f]+ .*direct-action.*name shoal_egress/);
    assert.equal(during.clsact, true);
    assert.equal(await promiscuous(), true);
    cap.close();
    assert.deepEqual(await tcState(lab, lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'nothing of ours after close');
    assert.equal(await promiscuous(), false);
  });

  it('leaves a clsact qdisc and filters that are not its own', async () => {
    const dev = lab.addVethPair(lab.serverNs, 'ebx');
    await tc(lab, lab.serverNs, 'qdisc', 'add', 'dev', dev, 'clsact');
    await tc(lab, lab.serverNs, 'filter', 'add', 'dev', dev, 'ingress', 'prio', '5', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0');
    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab, lab.serverNs, dev);
    assert.match(during.ingress, /shoal_ingress/);
    assert.match(during.ingress, /pref 5 u32/);
    cap.close();
    const afterwards = await tcState(lab, lab.serverNs, dev);
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
    assert.deepEqual(await tcState(lab, lab.serverNs, dev), { ingress: '', egress: '', clsact: false });
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
    const left = await tcState(lab, lab.serverNs, dev);
    assert.match(left.ingress, /shoal_ingress/, 'SIGKILL leaves the tc filter behind');
    const stale = /handle (0x[0-9a-f]+)/.exec(left.ingress)![1]!;

    const { cap } = capture({ interface: dev, netns: serverNs });
    const during = await tcState(lab, lab.serverNs, dev);
    assert.equal(during.ingress.match(/name shoal_ingress/g)?.length, 1, during.ingress);
    assert.doesNotMatch(during.ingress, new RegExp(`handle ${stale} `), 'the orphan is gone');
    cap.close();
    assert.deepEqual(await tcState(lab, lab.serverNs, dev), { ingress: '', egress: '', clsact: false }, 'and so is its orphaned qdisc');
  });

  it("leaves a live capture's filters alone (two captures on one interface)", async () => {
    const first = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080' });
    const second = capture({ interface: lab.serverIf, netns: serverNs, filter: 'tcp port 8080' });
    assert.equal((await tc(lab, lab.serverNs, 'filter', 'show', 'dev', lab.serverIf, 'ingress')).match(/name shoal_ingress/g)?.length, 2);
    await lab.curl('/two-captures');
    await waitFor('the response in both captures', () => first.log.has('HTTP/1.1 200 OK') && second.log.has('HTTP/1.1 200 OK'));
    first.cap.close();
    const between = await tcState(lab, lab.serverNs, lab.serverIf);
    assert.equal(between.ingress.match(/name shoal_ingress/g)?.length, 1, 'the second one is still attached');
    assert.equal(between.clsact, true);
    await lab.curl('/one-capture');
    await waitFor('the request in the second capture', () => second.log.has('GET /one-capture HTTP/1.1'));
    second.cap.close();
    assert.deepEqual(await tcState(lab, lab.serverNs, lab.serverIf), { ingress: '', egress: '', clsact: false });
  });

  it('ends with an interface error when the interface is removed while capturing', async () => {
    const name = lab.addVethPair(lab.serverNs, 'ebgone');
    const { cap } = capture({ interface: name, netns: serverNs });
    lab.ip('-n', lab.serverNs, 'link', 'del', name);
    await interfaceGoneError(cap, name);
  });
});
