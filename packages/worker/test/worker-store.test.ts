import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shoal/testkit';
import {
  FeedSocket,
  FIXTURE,
  FIXTURE_ENTRIES,
  getJson,
  LOCAL_TARGET,
  metricValue,
  putJson,
  startHarness,
  tempDir,
  type Json,
} from './helpers/harness.js';

const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts helpers/worker-child.js on `dataDir`; resolves with its port once it listens. */
async function startChild(dataDir: string, tokenFile: string): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./helpers/worker-child.js', import.meta.url));
  const child = spawn(process.execPath, [script, dataDir, tokenFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker child did not start within 15 s')), 15_000);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker child exited with ${code}`));
    });
  });
  return { child, port };
}

describe('worker store', () => {
  it('stays within a tiny --storage-limit by evicting the oldest entries', async () => {
    const limit = 256 * 1024;
    const h = await startHarness({ storageLimitBytes: limit });
    try {
      await putJson(h.base, '/targets', LOCAL_TARGET, h.token);
      const feed = new FeedSocket(h.worker.port, h.token, '?q=');
      await feed.ready();
      let evicted = 0;
      for (let play = 0; play < 400 && evicted === 0; play++) {
        await h.source.play(FIXTURE);
        evicted = metricValue(await (await fetch(h.base + '/metrics')).text(), 'shoal_worker_store_evicted_entries_total') ?? 0;
      }
      assert.ok(evicted > 0, 'entries were evicted');
      await feed.until((m) => m.filter((x) => x.id).length > evicted, `more than the ${evicted} evicted entries`);
      const stats = (await getJson(h.base, '/stats', h.token)).body;
      assert.ok(stats.store.bytes <= limit, `${stats.store.bytes} bytes stored`);
      const streamed = feed.entries;
      assert.equal((await getJson(h.base, `/entries/${streamed[0].id}`, h.token)).status, 404, 'the oldest is gone');
      const newest = streamed[streamed.length - 1];
      assert.deepEqual((await getJson(h.base, `/entries/${newest.id}`, h.token)).body, newest);
      const dir = join(h.dataDir, 'store');
      const onDisk = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(join(dir, f)).size, 0);
      assert.ok(onDisk <= limit, `${onDisk} bytes on disk`);
      await feed.close();
    } finally {
      await h.close();
    }
  });

  it('finds the entries stored before a kill -9 after a restart on the same data dir', async () => {
    const dataDir = tempDir('shoal-worker-kill-');
    const tokenFile = join(dataDir, 'token-file');
    fs.writeFileSync(tokenFile, 'kill-test-token\n', { mode: 0o600 });
    const token = 'kill-test-token';
    try {
      const first = await startChild(dataDir, tokenFile);
      const base1 = `http://127.0.0.1:${first.port}`;
      const feed = new FeedSocket(first.port, token, '?q=');
      await feed.ready();
      assert.equal((await putJson(base1, '/targets', LOCAL_TARGET, token)).status, 200);
      await feed.until(() => feed.entries.length === FIXTURE_ENTRIES, 'the fixture\'s entries');
      const before: Json[] = feed.entries;
      // The store is flushed every ~100 ms: once its files hold every byte it holds, kill it
      // without any chance to clean up.
      const store = join(dataDir, 'store');
      const onDisk = () => fs.readdirSync(store).reduce((sum, f) => sum + fs.statSync(join(store, f)).size, 0);
      let held = 0;
      await waitFor(() => `the store's files to hold its ${held} bytes (they hold ${onDisk()})`, async () => {
        held = (await getJson(base1, '/stats', token)).body.store.bytes;
        return held > 0 && onDisk() === held;
      });
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill('SIGKILL');
      await exited;
      await feed.close();

      const second = await startChild(dataDir, tokenFile);
      const base2 = `http://127.0.0.1:${second.port}`;
      for (const entry of before) assert.deepEqual((await getJson(base2, `/entries/${entry.id}`, token)).body, entry, entry.id);
      // New entries of the new run get new ids: nothing stored before is overwritten.
      const feed2 = new FeedSocket(second.port, token, `?q=&since=${before[0].timestamp}`);
      assert.equal((await feed2.ready()).replayed, FIXTURE_ENTRIES);
      await putJson(base2, '/targets', LOCAL_TARGET, token);
      await feed2.until(() => feed2.entries.length === 2 * FIXTURE_ENTRIES, 'the stored and the new entries');
      const ids = new Set(feed2.entries.map((e: Json) => e.id));
      assert.equal(ids.size, 2 * FIXTURE_ENTRIES);
      for (const entry of before) assert.deepEqual((await getJson(base2, `/entries/${entry.id}`, token)).body, entry);
      await feed2.close();
      second.child.kill('SIGTERM');
      await waitFor('the second worker to exit', () => second.child.exitCode !== null || second.child.signalCode !== null, 5000);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
