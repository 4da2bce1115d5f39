/**
 * Live capture under a burst and at process exit (root; skipped with the reason otherwise):
 * every packet the kernel kept reaches the sink, in far fewer crossings than packets; drops
 * are counted; a capture left open does not hold up or crash an exiting process.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openLiveCapture } from '@shoal/capture';
import type { LiveBackend, LiveCapture, LiveCaptureStats } from '@shoal/capture';
import { NetnsLab, canMakeNamespaces, waitFor } from './helpers/netns-lab.js';
import { runCaptureChild } from './helpers/capture-child.js';
import { PacketLog } from './helpers/netns-packets.js';
import { openSlowCapture } from './helpers/slow-capture.js';

const allowed = canMakeNamespaces();
const skip = allowed.ok ? false : allowed.reason;
const DATAGRAMS = 20_000;

/** The backends to run here: eBPF too when it was built (clang and libbpf-dev present). */
function ebpfBuilt(): boolean {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../build/Release/shoal_capture.ebpf.json', import.meta.url), 'utf8')) as { built: boolean }).built;
  } catch {
    return false;
  }
}
const BACKENDS: readonly LiveBackend[] = ebpfBuilt() ? ['ebpf', 'af_packet', 'libpcap'] : ['af_packet', 'libpcap'];

/** Waits until every packet the kernel kept was delivered (bounded), then closes. */
async function drainAndClose(cap: LiveCapture): Promise<LiveCaptureStats> {
  await waitFor(() => {
    const s = cap.stats();
    return s.received > 0 && s.delivered + s.dropped === s.received && s.queued === 0;
  }, 5000, 25);
  return cap.close();
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
        assert.ok(s.received <= DATAGRAMS && s.received > 0, JSON.stringify(s));
        assert.equal(log.count(17, 9999), log.packets.length, 'only the datagrams');
        assert.ok(log.packets.every((p) => p.bytes.length === 14 + 20 + 8 + 100 && p.bytes.includes('shoal-udp')));
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

  it('af_packet: the spool takes what a busy event loop cannot, so the same slow sink loses nothing', async () => {
    // The sink needs ~2 s for the burst, which a 1 MiB ring holds a fraction of: the capture
    // thread keeps emptying the ring into the spool (default 32 MiB) meanwhile.
    const log = new PacketLog();
    const cap = slowCapture(log, { blockBytes: 65536, blockCount: 16 });
    try {
      await lab.sendUdp(DATAGRAMS, 9999, 100);
      const s = await drainAndClose(cap);
      assert.equal(s.dropped, 0, JSON.stringify(s));
      assert.equal(s.delivered, s.received, JSON.stringify(s));
      assert.equal(log.count(17, 9999), s.delivered);
      assert.ok(s.received > DATAGRAMS / 2, JSON.stringify(s));
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
    assert.ok(s.delivered < s.received, `something was still waiting at close: ${JSON.stringify(s)}`);
    assert.equal(s.dropped, 0, JSON.stringify(s));
    assert.equal(s.delivered, atClose, 'close() stops the sink at once');
    await new Promise((resolve) => setTimeout(resolve, 300));
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
