/**
 * What close() does with packets the capture read and had not delivered yet (a worker closes
 * captures on every target change): they are discarded, never delivered later, and counted in
 * `discarded`, so that a closed capture's counters balance. Needs root (network namespaces);
 * eBPF too when it was built.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveBackend } from '@shoal/capture';
import { ebpfBuilt } from './helpers/ebpf-lab.js';
import { waitFor } from '@shoal/testkit';
import { NetnsLab, canMakeNamespaces } from './helpers/netns-lab.js';
import { PacketLog } from './helpers/netns-packets.js';
import { openSlowCapture } from './helpers/slow-capture.js';

const allowed = canMakeNamespaces();
const skip = allowed.ok ? false : allowed.reason;
const DATAGRAMS = 20_000;
const BACKENDS: readonly LiveBackend[] = ebpfBuilt ? ['ebpf', 'af_packet', 'libpcap'] : ['af_packet', 'libpcap'];

describe('live capture closed with packets queued', { skip }, () => {
  let lab: NetnsLab;
  before(() => {
    lab = new NetnsLab();
  });
  after(() => lab?.destroy());

  for (const backend of BACKENDS) {
    it(`${backend}: close() discards the queue and counts it: received = delivered + dropped + discarded`, async () => {
      const log = new PacketLog();
      const cap = openSlowCapture(lab, log, backend);
      try {
        await lab.sendUdp(DATAGRAMS, 9999, 100);
        // Once the counters balance with `queued`, the capture thread has read everything the
        // kernel kept (nothing waits in its buffer or in the batch being filled); the slow sink
        // still has most of the burst ahead of it.
        await waitFor(() => `the capture thread to catch up with the kernel: ${JSON.stringify(cap.stats())}`, () => {
          const s = cap.stats();
          return s.received > 0 && s.received === s.delivered + s.dropped + s.queued;
        }, { intervalMs: 5 });
        const before = cap.stats();
        assert.ok(before.queued > 0, `packets wait for the sink at close: ${JSON.stringify(before)}`);
        assert.equal(before.discarded, 0, 'nothing is discarded while the capture runs');

        const s = cap.close();
        // No event-loop turn between the two: nothing was delivered or read in between.
        assert.equal(s.delivered, before.delivered, JSON.stringify(s));
        assert.equal(s.discarded, before.queued, JSON.stringify(s));
        assert.equal(s.queued, 0, 'a closed capture has no backlog');
        assert.equal(s.received, s.delivered + s.dropped + s.discarded, JSON.stringify(s));
        assert.equal(log.packets.length, s.delivered);
        assert.deepEqual(cap.stats(), s, 'the final counters stay as they were');
      } finally {
        log.onEach = null;
        cap.close();
      }
    });
  }

  it('ebpf: closed with its ring buffer full, still balances: what the ring held is discarded too', { skip: !ebpfBuilt }, async () => {
    const log = new PacketLog();
    // Without a spool the capture thread waits for the sink, and the ring buffer fills.
    const cap = openSlowCapture(lab, log, 'ebpf', { spoolBytes: 0 });
    try {
      const burst = lab.sendUdp(DATAGRAMS, 9999, 100);
      await waitFor('the burst to be under way', () => cap.stats().received > DATAGRAMS / 10, { intervalMs: 1 });
      const s = cap.close();
      await burst;
      assert.ok(s.discarded > 0, JSON.stringify(s));
      assert.equal(s.received, s.delivered + s.dropped + s.discarded, JSON.stringify(s));
      assert.equal(log.packets.length, s.delivered);
    } finally {
      log.onEach = null;
      cap.close();
    }
  });
});
