/**
 * GET /pcap when a worker does not answer (api/routes/pcap.ts, pcap/pcap-timeouts.ts): three
 * real workers, the hub reaching two of them through a proxy that passes their polls (so the
 * hub counts them up) but stalls their /pcap: one never answers, one sends its headers and then
 * nothing, one sends its file header and first record and then nothing. The export completes
 * with the normal worker's packets (tshark reads them), names the silent workers (in a header
 * when known before the file starts, in the X-Shoal-Failed-Workers trailer after) and closes
 * its requests to them.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { StallingProxy, waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { startHub, type RunningHub } from '../dist/index.js';
import { FIXTURES, getJson, TestWorker } from './helpers/cluster.js';

const TIMEOUTS = { headersMs: 1500, bodyMs: 1500 };

/** The server port of each packet's TCP stream (the fixtures' servers listen below their clients). */
async function tsharkStreams(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport'], { encoding: 'utf8' });
  return stdout.trim().split('\n').filter((l) => l !== '').map((l) => String(Math.min(...l.split('\t').map(Number))));
}

/** A GET with Node's client, which gives the trailers (fetch does not). */
function download(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; trailers: Record<string, string | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const names = (header: string | string[] | undefined): string[] => String(header ?? '').split(',').filter((n) => n !== '').sort();

describe('hub /pcap with workers that do not answer', { timeout: 120_000, skip: spawnSync('tshark', ['-v'], { stdio: 'ignore' }).error !== undefined ? 'tshark is not installed' : false }, () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-pcap-timeouts-'));
  const tokenFile = join(dir, 'token');
  const token = `worker-secret-${process.pid}`;
  fs.writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const workers = ['node-a', 'node-b', 'node-c'].map((n) => new TestWorker(n, join(dir, n), tokenFile));
  const [normal, hanging, stalling] = workers as [TestWorker, TestWorker, TestWorker];
  const proxies = { b: new StallingProxy(() => hanging.port), c: new StallingProxy(() => stalling.port) };
  let hub: RunningHub;
  let base: string;

  before(async () => {
    for (const w of workers) await w.start();
    await proxies.b.start();
    await proxies.c.start();
    hub = await startHub({
      port: 0,
      host: '127.0.0.1',
      workers: [
        { name: 'node-a', host: '127.0.0.1', port: normal.port },
        { name: 'node-b', host: '127.0.0.1', port: proxies.b.port },
        { name: 'node-c', host: '127.0.0.1', port: proxies.c.port },
      ],
      workerToken: token,
      logger: pino({ level: 'silent' }),
      // Polls far apart: the proxied workers stay up while their /pcap stalls.
      link: { pollMs: 60_000, timeoutMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 500 },
      pcap: TIMEOUTS,
    });
    base = `http://127.0.0.1:${hub.port}`;
    await waitFor('the three workers are up', () => hub.registry.up().length === 3);
    const plays: [TestWorker, { path: string; entries: number }][] = [[normal, FIXTURES.keepAlive], [hanging, FIXTURES.head], [stalling, FIXTURES.gzip]];
    for (const [w, fixture] of plays) {
      await w.play(fixture.path);
      const stored = async () => (await getJson(`http://127.0.0.1:${w.port}`, '/stats', { authorization: `Bearer ${token}` })).body.store.entries;
      await waitFor(() => `${w.name} stored its entries`, async () => (await stored()) >= fixture.entries);
    }
  });
  after(async () => {
    await hub?.close();
    await proxies.b.close();
    await proxies.c.close();
    for (const w of workers) await w.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out a worker that never answers and one that sends headers then stalls, naming them in a header', async () => {
    proxies.b.fault = 'no-answer';
    proxies.c.fault = 'headers-only';
    const res = await download(`${base}/pcap?q=http`);
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.headers['x-shoal-workers']), ['node-a']);
    assert.deepEqual(names(res.headers['x-shoal-unavailable-workers']), ['node-b', 'node-c']);
    assert.equal(res.trailers['x-shoal-failed-workers'], '', 'nothing failed after the file started');
    const file = join(dir, 'headers.pcap');
    fs.writeFileSync(file, res.body);
    const streams = await tsharkStreams(file);
    assert.equal(streams.length, FIXTURES.keepAlive.packets);
    assert.deepEqual([...new Set(streams)], ['34494'], 'the normal worker\'s keep-alive stream, whole');
    await waitFor('the hub closed both stalled requests', () => proxies.b.closedByHub === 1 && proxies.c.closedByHub === 1);
  });

  it('leaves out a worker that stalls after the file started, naming it in the trailer', async () => {
    proxies.b.fault = 'no-answer';
    proxies.c.fault = 'first-record';
    const closedBefore = proxies.c.closedByHub;
    const res = await download(`${base}/pcap?q=http`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['trailer'], 'x-shoal-failed-workers');
    assert.deepEqual(names(res.headers['x-shoal-workers']), ['node-a', 'node-c'], 'node-c answered in time at first');
    assert.deepEqual(names(res.headers['x-shoal-unavailable-workers']), ['node-b']);
    assert.equal(res.trailers['x-shoal-failed-workers'], 'node-c');
    const file = join(dir, 'trailer.pcap');
    fs.writeFileSync(file, res.body);
    const streams = await tsharkStreams(file);
    assert.equal(streams.filter((p) => p === '34494').length, FIXTURES.keepAlive.packets, 'all of node-a\'s packets');
    assert.equal(streams.filter((p) => p !== '34494').length, 1, 'and the one packet node-c sent before it stalled');
    await waitFor('the hub closed the stalled request', () => proxies.c.closedByHub === closedBefore + 1);
  });

  it('merges every worker when none stalls', async () => {
    proxies.b.fault = 'none';
    proxies.c.fault = 'none';
    const res = await download(`${base}/pcap?q=http`);
    assert.deepEqual(names(res.headers['x-shoal-workers']), ['node-a', 'node-b', 'node-c']);
    assert.equal(res.headers['x-shoal-unavailable-workers'], '');
    assert.equal(res.trailers['x-shoal-failed-workers'], '');
    const file = join(dir, 'all.pcap');
    fs.writeFileSync(file, res.body);
    assert.equal((await tsharkStreams(file)).length, FIXTURES.keepAlive.packets + FIXTURES.head.packets + FIXTURES.gzip.packets);
  });
});
