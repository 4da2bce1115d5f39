/**
 * The merge of the workers' pcap bodies (pcap/pcap-merge.ts) on in-memory streams: one drain
 * wait at a time on a slow client, a body that fails or goes silent left out and reported while
 * the others complete, and no body left open whatever ends the merge (each stream's `cancel`
 * hook shows it was given up).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { mergePcaps, PcapSource } from '../dist/pcap/pcap-merge.js';
import { fileHeader, PcapRecordSplitter, recordHeader } from '../dist/pcap/pcap-records.js';

const RAW_IP = 101;

/** A raw-IP record whose payload says which worker and which packet (never taken for a copy). */
function record(tsUs: number, label: string, bytes = 64): Buffer {
  const data = Buffer.alloc(bytes, 0);
  data.write(label);
  return Buffer.concat([recordHeader({ tsUs, data, originalLength: data.length }), data]);
}

interface Body {
  stream: ReadableStream<Uint8Array>;
  cancelled: () => boolean;
}

/** A body giving `chunks` one per read, then ending, failing or going silent. */
function body(chunks: Buffer[], then: 'end' | 'error' | 'silence' = 'end'): Body {
  let next = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(new Uint8Array(chunks[next++]!));
      else if (then === 'end') controller.close();
      else if (then === 'error') controller.error(new Error('the worker cut the connection'));
      // 'silence': nothing more, ever.
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled: () => cancelled };
}

/** A worker's export: the file header, then `n` records every `stepUs` from `startUs`. */
function exportOf(worker: string, n: number, startUs: number, stepUs: number, bytes?: number): Buffer[] {
  return [fileHeader(RAW_IP, 65535), ...Array.from({ length: n }, (_, i) => record(startUs + i * stepUs, `${worker}-${i}`, bytes))];
}

async function sourceOf(worker: string, b: Body, bodyTimeoutMs?: number): Promise<PcapSource> {
  const source = new PcapSource(worker, b.stream, bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs });
  await source.advance();
  return source;
}

/** A client that reads everything, and what it got. */
function sink(): { out: Writable; labels: () => string[] } {
  const chunks: Buffer[] = [];
  const out = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk), done()) });
  return {
    out,
    labels: () => {
      const splitter = new PcapRecordSplitter();
      splitter.push(Buffer.concat(chunks));
      const got: string[] = [];
      for (let r = splitter.take(); r !== undefined; r = splitter.take()) got.push(r.data.toString('latin1').replace(/\0+$/, ''));
      return got;
    },
  };
}

describe('mergePcaps', () => {
  it('waits for a slow client with one drain wait at a time, however many it makes', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    let most = { drain: 0, close: 0 };
    let writes = 0;
    // Finishes each write on a later turn, with a small buffer: every flush has to wait, and
    // the listeners are counted while it does.
    const out: Writable = new Writable({
      highWaterMark: 1024,
      write(_chunk, _enc, done) {
        writes++;
        setImmediate(() => {
          most = { drain: Math.max(most.drain, out.listenerCount('drain')), close: Math.max(most.close, out.listenerCount('close')) };
          done();
        });
      },
    });
    const before = { drain: out.listenerCount('drain'), close: out.listenerCount('close') };
    // About 40 flushes of 256 KiB.
    const a = await sourceOf('node-a', body(exportOf('a', 5000, 0, 10, 1000)));
    const b = await sourceOf('node-b', body(exportOf('b', 5000, 5, 10, 1000)));
    const merged = await mergePcaps([a, b], RAW_IP, out);
    process.off('warning', onWarning);
    assert.equal(merged.packets, 10_000);
    assert.ok(writes > 20, `${writes} writes`);
    assert.deepEqual(most, { drain: 1, close: 2 }, 'the merge\'s own close listener and one wait\'s');
    assert.deepEqual({ drain: out.listenerCount('drain'), close: out.listenerCount('close') }, before, 'none left after');
    assert.deepEqual(warnings, []);
  });

  it('leaves out a worker whose body fails midway, reports it, and completes with the others', async () => {
    const failed: string[] = [];
    const a = await sourceOf('node-a', body(exportOf('a', 5, 0, 10)));
    const b = await sourceOf('node-b', body(exportOf('b', 2, 5, 10), 'error'));
    const { out, labels } = sink();
    const merged = await mergePcaps([a, b], RAW_IP, out, (source, err) => failed.push(`${source.worker}: ${(err as Error).message}`));
    assert.deepEqual(failed, ['node-b: the worker cut the connection']);
    assert.deepEqual(labels(), ['a-0', 'b-0', 'a-1', 'b-1', 'a-2', 'a-3', 'a-4']);
    assert.equal(merged.packets, 7);
  });

  it('leaves out and cancels a worker whose body goes silent for longer than the body timeout', async () => {
    const failed: string[] = [];
    const silent = body(exportOf('b', 2, 5, 10), 'silence');
    const a = await sourceOf('node-a', body(exportOf('a', 3, 0, 10)));
    const b = await sourceOf('node-b', silent, 50);
    const { out, labels } = sink();
    await mergePcaps([a, b], RAW_IP, out, (source, err) => failed.push(`${source.worker}: ${(err as Error).name}`));
    assert.deepEqual(failed, ['node-b: BodyTimeoutError']);
    assert.ok(silent.cancelled(), 'the silent body was cancelled');
    assert.deepEqual(labels(), ['a-0', 'b-0', 'a-1', 'b-1', 'a-2']);
  });

  it('leaves no body timer behind once the bodies are read', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const a = await sourceOf('node-a', body(exportOf('a', 50, 0, 10)), 60_000);
    const b = await sourceOf('node-b', body(exportOf('b', 50, 5, 10)), 60_000);
    const merged = await mergePcaps([a, b], RAW_IP, sink().out);
    assert.equal(merged.packets, 100);
    assert.equal(timers(), before, 'each read\'s timer went with it');
  });

  it('cancels every other body when the merge throws', async () => {
    const long = body(exportOf('a', 100, 0, 10));
    const a = await sourceOf('node-a', long);
    const b = await sourceOf('node-b', body(exportOf('b', 1, 5, 10), 'error'));
    await assert.rejects(mergePcaps([a, b], RAW_IP, sink().out), /the worker cut the connection/);
    assert.ok(long.cancelled(), 'node-a\'s body was given up, not left open');
  });

  it('cancels the bodies when the client goes away', async () => {
    const bodies = [body(exportOf('a', 20_000, 0, 10, 200)), body(exportOf('b', 20_000, 5, 10, 200))];
    const sources = [await sourceOf('node-a', bodies[0]!), await sourceOf('node-b', bodies[1]!)];
    const out = new Writable({ highWaterMark: 1024, write: (_chunk, _enc, done) => setImmediate(done) });
    const merging = mergePcaps(sources, RAW_IP, out);
    out.once('drain', () => out.destroy());
    await merging;
    assert.deepEqual(bodies.map((b) => b.cancelled()), [true, true]);
  });
});
