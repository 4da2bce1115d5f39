/**
 * Live capture without privileges: the batch walker over hand-built records, option
 * validation, and a missing addon. (The tests with real packets are in live-capture.test.ts.)
 */

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { RECORD_HEADER_BYTES, deliverBatch } from '@shoal/capture';
import type { LiveCaptureOptions } from '@shoal/capture';
import { CollectSink } from './helpers/collect-sink.js';
import { openError } from './helpers/live-checks.js';

/** A batch as native/batch.c lays it out (host byte order = little-endian here). */
function buildBatch(records: { caplen: number; wire: number; sec: number; nsec: number; ifindex: number; linkType: number; fill: number }[]): ArrayBuffer {
  let size = 0;
  for (const r of records) size += RECORD_HEADER_BYTES + ((r.caplen + 7) & ~7);
  const buf = Buffer.alloc(size);
  let at = 0;
  for (const r of records) {
    buf.writeUInt32LE(r.caplen, at);
    buf.writeUInt32LE(r.wire, at + 4);
    buf.writeUInt32LE(r.sec, at + 8);
    buf.writeUInt32LE(r.nsec, at + 12);
    buf.writeUInt32LE(r.ifindex, at + 16);
    buf.writeUInt32LE(r.linkType, at + 20);
    buf.fill(r.fill, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + r.caplen);
    at += RECORD_HEADER_BYTES + ((r.caplen + 7) & ~7);
  }
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
}

describe('batch records', () => {
  it('delivers every record as a window into one buffer, with its timestamp and lengths', () => {
    const batch = buildBatch([
      { caplen: 5, wire: 60, sec: 1_700_000_000, nsec: 123_456_789, ifindex: 3, linkType: 1, fill: 0xaa },
      { caplen: 8, wire: 8, sec: 1_700_000_001, nsec: 0, ifindex: 4, linkType: 276, fill: 0xbb },
      { caplen: 0, wire: 0, sec: 0, nsec: 999_999_999, ifindex: 0, linkType: 101, fill: 0 },
      { caplen: 13, wire: 1500, sec: 4_294_967_295, nsec: 1, ifindex: 0, linkType: 1, fill: 0xcc },
    ]);
    const sink = new CollectSink();
    assert.equal(deliverBatch(batch, sink), 4);
    assert.deepEqual(
      sink.packets.map((p) => [p.linkType, p.capturedLength, p.originalLength, p.hex]),
      [
        [1, 5, 60, 'aa'.repeat(5)],
        [276, 8, 8, 'bb'.repeat(8)],
        [101, 0, 0, ''],
        [1, 13, 1500, 'cc'.repeat(13)],
      ],
    );
    assert.equal(sink.packets[0]!.timestampMs, 1_700_000_000 * 1000 + 123_456_789 / 1e6);
    assert.ok(Math.abs(sink.packets[0]!.timestampMs - 1_700_000_000_123.456) < 0.001);
    assert.equal(sink.packets[2]!.timestampMs, 999.999999);
    assert.equal(sink.packets[3]!.timestampMs, 4_294_967_295 * 1000 + 1 / 1e6);
    const buffers = new Set(sink.windows.map((w) => w.data.buffer));
    assert.equal(buffers.size, 1, 'one ArrayBuffer per batch');
    assert.ok(sink.windows.every((w) => w.data.buffer === batch));
  });

  it('stops at a record that would run past the end', () => {
    const good = Buffer.from(buildBatch([{ caplen: 4, wire: 4, sec: 1, nsec: 0, ifindex: 0, linkType: 1, fill: 1 }]));
    const broken = Buffer.alloc(good.length + RECORD_HEADER_BYTES);
    good.copy(broken);
    broken.writeUInt32LE(1000, good.length); // claims 1000 bytes, has none
    const sink = new CollectSink();
    assert.equal(deliverBatch(broken.buffer.slice(broken.byteOffset, broken.byteOffset + broken.length), sink), 1);
  });

  it('stops mid-batch once told to', () => {
    const batch = buildBatch(
      Array.from({ length: 5 }, (_, i) => ({ caplen: 1, wire: 1, sec: i, nsec: 0, ifindex: 0, linkType: 1, fill: i })),
    );
    const until = { stopped: false };
    let seen = 0;
    const sink = {
      onPacket(): void {
        seen++;
        if (seen === 2) until.stopped = true;
      },
    };
    deliverBatch(batch, sink, until);
    assert.equal(seen, 2);
  });

  it('handles an empty batch', () => {
    assert.equal(deliverBatch(new ArrayBuffer(0), new CollectSink()), 0);
  });
});

describe('live capture options', () => {
  const base: LiveCaptureOptions = { backend: 'af_packet', interface: 'lo' };

  const cases: [string, unknown, RegExp][] = [
    ['an unknown backend', { ...base, backend: 'netmap' }, /backend must be "best", "ebpf", "pf_ring", "af_packet", "libpcap" \(got "netmap"\)/],
    ['fanout with ebpf', { ...base, backend: 'ebpf', fanout: { group: 1 } }, /fanout must be left out with backend "ebpf"/],
    ['an eBPF ring that is not a power of two', { ...base, backend: 'ebpf', ebpf: { ringBytes: 5 << 20 } }, /ebpf\.ringBytes must be a power of two/],
    ['an eBPF ring below 4 MiB', { ...base, backend: 'ebpf', ebpf: { ringBytes: 1 << 20 } }, /ebpf\.ringBytes must be an integer from 4194304/],
    ['no interface', { backend: 'af_packet' }, /interface must be/],
    ['a 16-byte interface name', { ...base, interface: 'abcdefghijklmnop' }, /interface must be/],
    ['an interface name with a slash', { ...base, interface: '../eth0' }, /interface must be/],
    ['a relative namespace path', { ...base, netns: 'netns/x' }, /netns must be an absolute path/],
    ['a block size off the page size', { ...base, ring: { blockBytes: 5000 } }, /ring\.blockBytes must be a multiple of the page size/],
    ['no blocks', { ...base, ring: { blockCount: 0 } }, /ring\.blockCount must be an integer from 1/],
    ['a fractional timeout', { ...base, ring: { blockTimeoutMs: 2.5 } }, /ring\.blockTimeoutMs/],
    ['a zero snaplen', { ...base, snaplen: 0 }, /snaplen must be an integer from 1 to 262144/],
    ['fanout with libpcap', { ...base, backend: 'libpcap', fanout: { group: 1 } }, /fanout must be left out with backend "libpcap"/],
    ['fanout without a group', { ...base, fanout: {} }, /fanout\.group/],
    ['an unknown fanout mode', { ...base, fanout: { group: 1, mode: 'fastest' } }, /fanout\.mode must be hash, lb, cpu, rollover, random, qm/],
    ['a non-boolean promiscuous', { ...base, promiscuous: 'yes' }, /promiscuous must be true or false/],
    ['libpcap timeout 0 without immediate mode', { ...base, backend: 'libpcap', libpcap: { timeoutMs: 0 } }, /libpcap\.timeoutMs must be an integer from 1/],
    ['a tiny batch', { ...base, batch: { maxBytes: 100 } }, /batch\.maxBytes/],
    // 64 GiB: the kernel would allocate it in full and the OOM killer would end the process.
    ['a ring larger than the memory allows', { ...base, ring: { blockBytes: 1 << 30, blockCount: 64 } }, /ring must be at most \d+ MiB in all .*64 blocks of 1073741824 bytes/],
    ['too many large batches in flight', { ...base, batch: { maxBytes: 64 << 20, maxInFlight: 1024 } }, /batch must be at most \d+ MiB queued/],
  ];
  for (const [what, options, message] of cases) {
    it(`refuses ${what} with reason "options"`, () => {
      const err = openError(options as LiveCaptureOptions);
      assert.equal(err.reason, 'options');
      assert.match(err.message, message);
    });
  }
});

describe('live capture without its addon', () => {
  it('says the backend is unavailable and how to build it', () => {
    const script = `
      const m = await import(${JSON.stringify(import.meta.resolve('@shoal/capture'))});
      const a = m.liveCaptureAvailability();
      let e;
      try { m.openLiveCapture({ backend: 'libpcap', interface: 'lo' }, { onPacket() {} }); } catch (err) { e = err; }
      console.log(JSON.stringify({ available: a.available, code: e?.code, reason: e?.reason, message: e?.message }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, SHOAL_CAPTURE_ADDON: '/nonexistent/shoal_capture.node' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { available: boolean; code: string; reason: string; message: string };
    assert.equal(out.available, false);
    assert.equal(out.code, 'CAP_ERR_BACKEND_UNAVAILABLE');
    assert.equal(out.reason, 'backend');
    assert.match(out.message, /native addon \/nonexistent\/shoal_capture\.node cannot be loaded/);
    assert.match(out.message, /npm run build:native -w @shoal\/capture/);
    assert.match(out.message, /libpcap-dev/);
  });
});
