import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PacketSink } from '@shoal/model';
import { CaptureFileReader, PcapWriter } from '@shoal/capture';
import { EntryStore, parseSize } from '../dist/index.js';
import { sampleEntry } from './helpers/sample-entry.js';

const root = fs.mkdtempSync(join(tmpdir(), 'shoal-store-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, String(++dirs));

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
}

describe('EntryStore', () => {
  it('returns an entry by id, before and after a flush, and nothing for an unknown id', () => {
    const store = EntryStore.open(freshDir(), { limitBytes: 10 << 20 });
    store.appendEntry(sampleEntry(1));
    assert.deepEqual(store.get('w/1'), sampleEntry(1));
    store.appendEntry(sampleEntry(2));
    store.flush();
    assert.deepEqual(store.get('w/2'), sampleEntry(2));
    assert.equal(store.get('w/3'), undefined);
    store.close();
  });

  it('finds everything again after a reopen', () => {
    const dir = freshDir();
    const a = EntryStore.open(dir, { limitBytes: 10 << 20, segmentBytes: 64 * 1024 });
    for (let n = 1; n <= 1000; n++) a.appendEntry(sampleEntry(n));
    a.close();
    assert.ok(segmentFiles(dir).length > 1, 'several segments were written');
    const b = EntryStore.open(dir, { limitBytes: 10 << 20, segmentBytes: 64 * 1024 });
    assert.equal(b.stats().entries, 1000);
    assert.deepEqual(b.get('w/1'), sampleEntry(1));
    assert.deepEqual(b.get('w/1000'), sampleEntry(1000));
    assert.deepEqual([...b.entries()].map((e) => e.id).slice(0, 3), ['w/1', 'w/2', 'w/3']);
    b.close();
  });

  it('stays within its limit by evicting the oldest segments first', () => {
    const dir = freshDir();
    const limit = 1 << 20;
    const store = EntryStore.open(dir, { limitBytes: limit, segmentBytes: 128 * 1024 });
    for (let n = 1; n <= 20_000; n++) {
      store.appendEntry(sampleEntry(n));
      if (n % 1000 === 0) assert.ok(store.stats().bytes <= limit, `within the limit after ${n}`);
    }
    store.flush();
    const stats = store.stats();
    assert.ok(stats.evictedSegments > 0 && stats.evictedEntries > 0);
    assert.equal(store.get('w/1'), undefined, 'the oldest entry went first');
    assert.deepEqual(store.get('w/20000'), sampleEntry(20_000), 'the newest is kept');
    const onDisk = segmentFiles(dir).reduce((sum, f) => sum + fs.statSync(join(dir, f)).size, 0);
    assert.ok(onDisk <= limit, `${onDisk} bytes on disk`);
    assert.equal(stats.entries + stats.evictedEntries, 20_000);
    store.close();
  });

  it('walks entries newest first by timestamp across segments, though they were stored out of time order', () => {
    const dir = freshDir();
    const store = EntryStore.open(dir, { limitBytes: 100 << 20, segmentBytes: 64 * 1024 });
    const base = 1_700_000_000_000;
    // Every 10th entry began 300 entries earlier than its neighbours (a slow response, stored
    // when it ended), and every 50th shares its predecessor's timestamp (pipelined requests).
    const timeOf = (n: number) => base + (n % 10 === 0 ? n - 300 : n % 50 === 1 ? n - 1 : n);
    const total = 2000;
    for (let n = 1; n <= total; n++) store.appendEntry({ ...sampleEntry(n), timestamp: timeOf(n) });
    assert.equal(store.stats().segments, 25, 'spread over many segments');
    // Expected: by timestamp, newest first; equal timestamps, the later stored first.
    const expected = (before: number) =>
      Array.from({ length: total }, (_, i) => i + 1)
        .filter((n) => timeOf(n) < before)
        .sort((a, b) => timeOf(b) - timeOf(a) || b - a)
        .map((n) => `w/${n}`);
    for (const before of [Infinity, base + 1500, base + 1500.5, base + 701, base + 2, base - 1000]) {
      const got = [...store.newestBefore(before)].map((s) => {
        const entry = s.read();
        assert.equal(entry.timestamp, s.timestamp);
        return entry.id;
      });
      assert.deepEqual(got, expected(before), `before ${before - base}`);
    }
    store.close();
    // The timestamps the walk sorts by are indexed again when the store is reopened.
    const reopened = EntryStore.open(dir, { limitBytes: 100 << 20, segmentBytes: 64 * 1024 });
    assert.deepEqual([...reopened.newestBefore(base + 1200)].map((s) => s.read().id), expected(base + 1200));
    reopened.close();
  });

  it('walks only what is stored: evicted entries are not given out', () => {
    const store = EntryStore.open(freshDir(), { limitBytes: 256 * 1024, segmentBytes: 64 * 1024 });
    for (let n = 1; n <= 3000; n++) store.appendEntry(sampleEntry(n));
    const stats = store.stats();
    assert.ok(stats.evictedEntries > 0);
    const ids = [...store.newestBefore()].map((s) => s.read().id);
    assert.equal(ids.length, stats.entries);
    assert.equal(ids[0], 'w/3000');
    assert.equal(ids.at(-1), `w/${stats.evictedEntries + 1}`);
    store.close();
  });

  it('goes on with a walk after eviction removed what it was walking, giving out nothing evicted', () => {
    const store = EntryStore.open(freshDir(), { limitBytes: 256 * 1024, segmentBytes: 64 * 1024 });
    for (let n = 1; n <= 300; n++) store.appendEntry(sampleEntry(n));
    const walk = store.newestBefore();
    const first = Array.from({ length: 10 }, () => walk.next().value!.read().id);
    assert.deepEqual(first, Array.from({ length: 10 }, (_, i) => `w/${300 - i}`));
    // What a GET /entries request yielding to the event loop may meet: appends that evict
    // every segment the walk had planned to visit.
    for (let n = 301; n <= 3000; n++) store.appendEntry(sampleEntry(n));
    assert.equal(store.has('w/300'), false);
    assert.deepEqual([...walk], [], 'the evicted entries are not given out, and nothing throws');
    store.close();
  });

  it('keeps the raw packets of each stream and exports them as a pcap tshark can open', () => {
    const store = EntryStore.open(freshDir(), { limitBytes: 10 << 20 });
    const frame = (tag: number) => Buffer.alloc(60, tag);
    for (let i = 0; i < 30; i++) store.appendPacket(`w/tcp/${i % 3}`, 1, 1000 + i, frame(i), 0, 60, 74);
    const pcap = join(root, 'export.pcap');
    const writer = PcapWriter.toFile(pcap, { linkType: 1 });
    const got = [...store.packetsOf(['w/tcp/1'])];
    for (const p of got) writer.writePacket(p.timestampMs, p.data, p.wireLength);
    writer.close();
    assert.deepEqual(got.map((p) => p.data[0]), [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]);
    const back: number[] = [];
    const sink: PacketSink = { onPacket: (_l, ts, data, off, cap, wire) => back.push(ts, data[off]!, cap, wire) };
    CaptureFileReader.open(pcap).readAll(sink);
    assert.deepEqual(back.slice(0, 8), [1001, 1, 60, 74, 1004, 4, 60, 74]);
    store.close();
  });

  it('cuts a torn last record at open and keeps every whole one', () => {
    const dir = freshDir();
    const a = EntryStore.open(dir, { limitBytes: 10 << 20 });
    for (let n = 1; n <= 10; n++) a.appendEntry(sampleEntry(n));
    a.close();
    const last = join(dir, segmentFiles(dir).at(-1)!);
    const whole = fs.readFileSync(last);
    // What a kill in the middle of write(2) leaves: the first part of one more record.
    const torn = fs.readFileSync(last).subarray(0, 150);
    fs.appendFileSync(last, torn);
    const b = EntryStore.open(dir, { limitBytes: 10 << 20 });
    assert.equal(b.stats().entries, 10);
    assert.equal(b.stats().recoveredCutBytes, 150);
    assert.equal(fs.statSync(last).size, whole.length);
    b.appendEntry(sampleEntry(11));
    b.close();
    const c = EntryStore.open(dir, { limitBytes: 10 << 20 });
    assert.deepEqual(c.get('w/11'), sampleEntry(11));
    assert.equal(c.stats().entries, 11);
    c.close();
  });

  it('never returns a damaged record: a CRC mismatch ends what is kept of that segment', () => {
    const dir = freshDir();
    const a = EntryStore.open(dir, { limitBytes: 10 << 20 });
    for (let n = 1; n <= 3; n++) a.appendEntry(sampleEntry(n));
    a.close();
    const file = join(dir, segmentFiles(dir)[0]!);
    const bytes = fs.readFileSync(file);
    const second = bytes.indexOf('"w/2"');
    bytes[second + 40] = bytes[second + 40]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const b = EntryStore.open(dir, { limitBytes: 10 << 20 });
    assert.deepEqual(b.get('w/1'), sampleEntry(1));
    assert.equal(b.get('w/2'), undefined);
    assert.ok(b.stats().recoveredCutBytes > 0);
    b.close();
  });

  it('survives kill -9: a restart finds everything flushed before the kill, with no damage', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, [fileURLToPath(new URL('./helpers/store-writer-child.js', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let flushed = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer never reported')), 20_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        const counts = [...text.matchAll(/flushed (\d+)/g)].map((m) => Number(m[1]));
        if (counts.length > 0) flushed = counts.at(-1)!;
        if (flushed >= 3000 && !child.killed) {
          clearTimeout(timer);
          child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolve());
    });
    assert.ok(flushed >= 3000);
    const store = EntryStore.open(dir, { limitBytes: 1 << 30, segmentBytes: 256 * 1024 });
    for (const n of [1, Math.floor(flushed / 2), flushed]) assert.deepEqual(store.get(`w/${n}`), sampleEntry(n), `entry ${n}`);
    assert.ok(store.stats().entries >= flushed);
    for (const e of store.entries()) assert.match(e.id, /^w\/\d+$/);
    assert.ok([...store.packetsOf(['w/tcp/3'])].every((p) => p.data.length === 120));
    store.close();
  });
});

describe('parseSize', () => {
  it('reads Kubernetes-style quantities', () => {
    assert.equal(parseSize('500Mi', '--storage-limit'), 500 * 1024 * 1024);
    assert.equal(parseSize('2Gi', '--storage-limit'), 2 * 1024 ** 3);
    assert.equal(parseSize('1.5M', '--storage-limit'), 1_500_000);
    assert.equal(parseSize('4096', '--storage-limit'), 4096);
    assert.throws(() => parseSize('lots', '--storage-limit'), { code: 'CLI_ERR_USAGE' });
    assert.throws(() => parseSize('5Xi', '--storage-limit'), /--storage-limit needs a size/);
  });
});
