/**
 * Live capture under a burst and at process exit (root; skipped with the reason otherwise):
 * every packet the kernel handed over reaches the sink whole, in far fewer crossings than
 * packets; drops are counted; a capture left open does not hold up or crash an exiting process.
 *
 * These tests assert what the code controls, whatever else the machine runs: the balance
 * received = delivered + dropped + discarded, and what reaches the sink. How many packets the
 * kernel drops depends on how much CPU the capture thread gets: a busy machine makes it drop
 * (1,802 of 20,000 were seen while another job ran), so zero drops at a rate is a target of
 * bench/capture (kernel drops 0 under load and over its soak), not of a test.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openLiveCapture } from '@shoal/capture';
import type { LiveBackend, LiveCapture, LiveCaptureStats } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { oneLoopTurn } from './helpers/live-checks.js';
import { NetnsLab, canMakeNamespaces } from './helpers/netns-lab.js';
import { runCaptureChild } from './helpers/capture-child.js';
import { PacketLog } from './helpers/netns-packets.js';
import { openSlowCapture } from './helpers/slow-capture.js';

const allowed = canMakeNamespaces();
const skip = allowed.ok ? false : allowed.reason;
const DATAGRAMS = 20_000;
/** A datagram of the burst as captured: Ethernet, IPv4 and UDP headers, 100 bytes of payload. */
const FRAME_BYTES = 14 + 20 + 8 + 100;

/** The backends to run here: eBPF too when it was built (clang and libbpf-dev present). */
function ebpfBuilt(): boolean {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../build/Release/shoal_capture.ebpf.json', import.meta.url), 'utf8')) as { built: boolean }).built;
  } catch {
    return false;
  }
}
const BACKENDS: readonly LiveBackend[] = ebpfBuilt() ? ['ebpf', 'af_packet', 'libpcap'] : ['af_packet', 'libpcap'];

/** Waits until every packet the kernel kept was delivered, then closes. */
async function drainAndClose(cap: LiveCapture): Promise<LiveCaptureStats> {
  await waitFor(() => `every packet the kernel kept to be delivered: ${JSON.stringify(cap.stats())}`, () => {
    const s = cap.stats();
    return s.received > 0 && s.delivered + s.dropped === s.received && s.queued === 0;
  }, { intervalMs: 25 });
  return cap.close();
}

/** Every packet that reached the sink is a whole datagram of the burst. */
function assertWholeDatagrams(log: PacketLog): void {
  assert.equal(log.count(17, 9999), log.packets.length, 'only the datagrams');
  assert.ok(log.packets.every((p) => p.bytes.length === FRAME_BYTES && p.originalLength === FRAME_BYTES && p.bytes.includes('shoal-udp')), 'each one whole');
}

describe('live capture under a burst', { skip }, () => {
  let lab: NetnsLab;
  before(() => {
    lab = new NetnsLab();
  });
  after(() => lab?.destroy());

  for (const backend of BACKENDS) {
    it(`${backend}: delivered + dropped = received, in batches`, async () => {
      const log = new PacketLog();
      const cap = openLiveCapture({ backend, interface: lab.serverIf, netns: lab.nsPath(lab.serverNs), filter: 'udp port 9999' }, log);
      try {
        await lab.sendUdp(DATAGRAMS, 9999, 100);
        const s = await drainAndClose(cap);
        assert.equal(s.delivered + s.dropped, s.received, JSON.stringify(s));
        assert.equal(s.delivered, log.packets.length);
        assert.equal(s.discarded, 0, 'nothing was left queued at close');
        assert.ok(s.received <= DATAGRAMS && s.received > 0, JSON.stringify(s));
        assertWholeDatagrams(log);
        assert.ok(s.batches * 10 < s.delivered, `${s.batches} batches for ${s.delivered} packets`);
      } finally {
        cap.close();
      }
    });
  }

  /** An af_packet capture in the server namespace behind a slow sink (helpers/slow-capture.ts). */
  function slowCapture(log: PacketLog, ring: { blockBytes: number; blockCount: number }, spoolBytes?: number): LiveCapture {
    return openSlowCapture(lab, log, 'af_packet', { ring, ...(spoolBytes === undefined ? {} : { spoolBytes }) });
  }

  it('af_packet: a slow sink without a spool makes the kernel drop, and the counters say so', async () => {
    const log = new PacketLog();
    const cap = slowCapture(log, { blockBytes: 4096, blockCount: 4 }, 0);
    try {
      await lab.sendUdp(DATAGRAMS, 9999, 100);
      log.onEach = null;
      const s = await drainAndClose(cap);
      assert.ok(s.dropped > 0, `a 16 KiB ring behind a slow sink drops: ${JSON.stringify(s)}`);
      assert.equal(s.delivered + s.dropped, s.received, JSON.stringify(s));
    } finally {
      cap.close();
    }
  });

  it('af_packet: the spool holds for a busy event loop more than the ring can, and delivers all of it whole', async () => {
    // The sink needs ~2 s for the burst. The capture thread keeps emptying the 256 KiB ring into
    // the spool (default 32 MiB) meanwhile, so the packets waiting for the sink outnumber what
    // the ring could ever hold (each takes at least its own bytes there). Without the spool at
    // most one batch (maxInFlight 1) could wait, and the ring would overflow.
    const ring = { blockBytes: 65536, blockCount: 4 };
    const ringHolds = Math.floor((ring.blockBytes * ring.blockCount) / FRAME_BYTES);
    const log = new PacketLog();
    const cap = slowCapture(log, ring);
    const spin = log.onEach!;
    let mostWaiting = 0;
    log.onEach = (p) => {
      spin(p);
      if (log.packets.length % 64 === 0) mostWaiting = Math.max(mostWaiting, cap.stats().queued);
    };
    try {
      await lab.sendUdp(DATAGRAMS, 9999, 100);
      const s = await drainAndClose(cap);
      assert.ok(mostWaiting > ringHolds, `up to ${mostWaiting} packets waited for the sink; the ring holds at most ${ringHolds}: ${JSON.stringify(s)}`);
      // Nothing lost after the kernel handed it over: what it did not drop, the sink got whole.
      assert.equal(s.delivered + s.dropped + s.discarded, s.received, JSON.stringify(s));
      assert.equal(s.discarded, 0, JSON.stringify(s));
      assert.equal(log.packets.length, s.delivered);
      assertWholeDatagrams(log);
    } finally {
      log.onEach = null;
      cap.close();
    }
  });

  it('af_packet: close() with batches still in the spool discards them: counted, never delivered later', async () => {
    const log = new PacketLog();
    const cap = slowCapture(log, { blockBytes: 65536, blockCount: 16 });
    await lab.sendUdp(DATAGRAMS, 9999, 100);
    // The sink has had a fraction of the burst; the rest waits in the spool or the queue.
    const atClose = log.packets.length;
    const s = cap.close();
    log.onEach = null;
    assert.ok(s.discarded > 0, `something was still waiting at close: ${JSON.stringify(s)}`);
    assert.equal(s.delivered, atClose, 'close() stops the sink at once');
    assert.equal(s.queued, 0, 'closed: nothing waits any more');
    // Nothing lost unaccounted: the ring may still hold what the capture thread had not read
    // (no counter sees it), never more than that.
    assert.ok(s.delivered + s.dropped + s.discarded <= s.received, JSON.stringify(s));
    await oneLoopTurn();
    assert.equal(log.packets.length, atClose, 'nothing reaches the sink after close()');
  });
});

describe('live capture at process exit', { skip }, () => {
  let lab: NetnsLab;
  before(() => {
    lab = new NetnsLab();
  });
  after(() => lab?.destroy());

  /** `body` runs in a child process with `where` naming the server's veth in its namespace. */
  const runChild = (body: string) =>
    runCaptureChild(`
      const where = { interface: ${JSON.stringify(lab.serverIf)}, netns: ${JSON.stringify(lab.nsPath(lab.serverNs))} };
      ${body}
    `);

  for (const backend of BACKENDS) {
    it(`${backend}: process.exit() with captures open exits cleanly`, async () => {
      const r = await runChild(`
        const caps = [0, 1].map(() => openLiveCapture({ backend: '${backend}', ...where }, { onPacket() {} }));
        setTimeout(() => { console.log('exiting'); process.exit(7); }, 100);
      `);
      assert.equal(r.signal, null, r.stderr);
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stdout, /exiting/);
    });

    it(`${backend}: an unref()ed capture lets the process end by itself`, async () => {
      const r = await runChild(`
        const cap = openLiveCapture({ backend: '${backend}', ...where }, { onPacket() {} }).unref();
        console.log('opened', cap.closed);
      `);
      assert.equal(r.signal, null, r.stderr);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /opened false/);
    });

    it(`${backend}: an open capture keeps the process alive until close()`, async () => {
      // The timer is unref()ed: only the open capture can keep the process alive until it
      // fires, so "closing" is printed only if it did, and the process ends after close().
      const r = await runChild(`
        const cap = openLiveCapture({ backend: '${backend}', ...where }, { onPacket() {} });
        setTimeout(() => { console.log('closing'); cap.close(); cap.close(); }, 300).unref();
        process.on('exit', () => console.log('exited'));
      `);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'closing\nexited\n');
    });
  }
});
