/**
 * `shoal observe` against a real worker (it speaks the hub's stream protocol), started in this
 * process and fed by a replayed capture; the CLI runs as a child process, as a user runs it.
 */

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { waitFor } from '@shoal/testkit';
import { ReplaySource, startWorker, type RunningWorker } from '@shoal/worker';
import { shoal, spawnShoal } from './helpers/run-shoal.js';

const FIXTURE = fileURLToPath(new URL('../../dissect/test/fixtures/http1/keep-alive.pcap', import.meta.url));
/** The fixture's HTTP exchanges; the 4th is a POST. */
const FIXTURE_ENTRIES = 4;

interface TestWorker {
  worker: RunningWorker;
  source: ReplaySource;
  base: string;
}

/** A worker on `port` (0: any) over `dataDir`, targeting the fixture's loopback traffic. */
async function runWorker(dataDir: string, tokenFile: string, port = 0): Promise<TestWorker> {
  const source = new ReplaySource();
  const worker = await startWorker({
    port,
    host: '127.0.0.1',
    interface: 'any',
    source,
    dataDir,
    storageLimitBytes: 16 << 20,
    tokenFile,
    nodeName: 'observe-node',
    nodeIp: '192.0.2.20',
    logger: pino({ level: 'silent' }),
  });
  const base = `http://127.0.0.1:${worker.port}`;
  const res = await fetch(`${base}/targets`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ ip: '127.0.0.1', name: 'fixture', namespace: 'test' }]),
  });
  assert.equal(res.status, 200);
  const names = await fetch(`${base}/resolution`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ '127.0.0.1': { pod: 'web-1', namespace: 'shop' } }),
  });
  assert.equal(names.status, 200);
  return { worker, source, base };
}

/** Collects a child's stdout lines as they come. */
function lines(child: ChildProcess): { text: () => string; entries: () => Array<{ id: string; summary: { text: string } }> } {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += String(d)));
  return {
    text: () => out,
    entries: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { id: string; summary: { text: string } }),
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('shoal observe', () => {
  let dir: string;
  let tokenFile: string;
  let w: TestWorker;
  /** Before every entry the tests make: --since from here replays them all. */
  let start: string;

  before(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'shoal-observe-'));
    tokenFile = join(dir, 'token');
    fs.writeFileSync(tokenFile, `observe-${process.pid}\n`, { mode: 0o600 });
    w = await runWorker(join(dir, 'data'), tokenFile);
    start = String(Date.now() - 1000);
    await w.source.play(FIXTURE);
  });
  after(async () => {
    await w?.worker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the stored entries since a time, with the filter applied at the worker', async () => {
    const all = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--since', start, '-o', 'ndjson');
    assert.equal(all.code, 0, all.stderr);
    const entries = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { summary: { method: string } });
    assert.equal(entries.length, FIXTURE_ENTRIES, all.stdout);
    const posts = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--since', start, '-q', 'method == "POST"', '-o', 'ndjson');
    assert.equal(posts.code, 0, posts.stderr);
    const onlyPosts = posts.stdout.trim().split('\n').map((l) => JSON.parse(l) as { summary: { method: string } });
    assert.equal(onlyPosts.length, entries.filter((e) => e.summary.method === 'POST').length);
    assert.equal(onlyPosts.length, 1);
    assert.equal(onlyPosts[0]!.summary.method, 'POST');
  });

  it('--last N prints the newest N stored entries, oldest first (GET /entries paged back)', async () => {
    const all = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--since', start, '-o', 'ndjson');
    const ids = all.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: string; timestamp: number }));
    const newest = [...ids].sort((a, b) => a.timestamp - b.timestamp).slice(-2);
    const run = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--last', '2', '-o', 'ndjson');
    assert.equal(run.code, 0, run.stderr);
    const got = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; timestamp: number });
    assert.deepEqual(got.map((e) => e.timestamp), newest.map((e) => e.timestamp));
    assert.ok(got[0]!.timestamp <= got[1]!.timestamp, 'oldest first');
  });

  it('prints a table with names when asked, one row per entry after the header', async () => {
    const run = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--since', start, '-q', 'method == "POST"', '-o', 'table');
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trim().split('\n');
    assert.match(rows[0]!, /^TIME\s+PROTO\s+SOURCE\s+DESTINATION\s+SUMMARY/);
    assert.equal(rows.length, 2, run.stdout);
    assert.match(rows[1]!, / POST /);
    assert.match(rows[1]!, /web-1:\d+ +web-1:\d+/);
    assert.ok(!run.stdout.includes('\x1b['), 'no colour in a pipe');
  });

  it('a bad filter is a usage error with the server position, exit 2', async () => {
    const run = await shoal('observe', '--hub', w.base, '--token-file', tokenFile, '--since', start, '-q', 'method ==');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /bad filter: .*FLT_ERR_SYNTAX/);
    assert.match(run.stderr, /\^/, 'the excerpt with its caret');
  });

  it('a wrong token or an unreachable hub exit 1 with the reason', async () => {
    const wrong = join(dir, 'wrong-token');
    fs.writeFileSync(wrong, 'not-the-token\n');
    const refused = await shoal('observe', '--hub', w.base, '--token-file', wrong, '--since', start);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /WRK_ERR_UNAUTHORIZED/);
    const nowhere = await shoal('observe', '--hub', 'http://127.0.0.1:1', '--since', start);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.stderr, /cannot reach http:\/\/127\.0\.0\.1:1.*CLI_ERR_CONNECT/);
  });

  it('bad command lines exit 2', async () => {
    for (const args of [['--since', 'yesterday'], ['--last', '0'], ['-o', 'yaml'], ['--hub', 'ftp://x']]) {
      const run = await shoal('observe', ...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /CLI_ERR_USAGE/);
    }
  });

  it('--follow prints live entries, resumes after the worker restarts without repeating any or going before --since, and stops on SIGINT', async () => {
    const child = spawnShoal(['observe', '--hub', w.base, '--token-file', tokenFile, '--since', String(Date.now()), '-o', 'ndjson', '--follow']);
    const out = lines(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      // Entries made once observe started, whether its stream is open yet or not: --since
      // replays what the stream did not see live.
      await w.source.play(FIXTURE);
      await waitFor(() => `${out.entries().length} entries: ${stderr}`, () => out.entries().length === FIXTURE_ENTRIES);
      // The worker goes away and comes back on the same port and store: observe reconnects and
      // resumes by the feeds' rule, so what the worker made before observe's stream is back
      // arrives too, and what it printed already is not printed again.
      const port = w.worker.port;
      await w.worker.close();
      await waitFor(() => `observe to say it reconnects: ${stderr}`, () => /reconnecting/.test(stderr));
      w = await runWorker(join(dir, 'data'), tokenFile, port);
      await w.source.play(FIXTURE);
      await waitFor(() => `after the restart: ${out.entries().length} entries; ${stderr}`, () => out.entries().length >= 2 * FIXTURE_ENTRIES);
      // The marker: once an entry made after all of these is printed, nothing else is on its way.
      await w.source.play(FIXTURE);
      await waitFor(() => `${out.entries().length} entries; ${stderr}`, () => out.entries().length === 3 * FIXTURE_ENTRIES);
      const ids = out.entries().map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length, 'no entry printed twice');
      child.kill('SIGINT');
      assert.equal(await exited(child), 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--follow keeps retrying a hub whose stream dropped before its ready (a restart during a long replay)', async () => {
    // A server that opens each stream and drops it at once, as a hub killed in the middle of a
    // replay does; then nothing listens on its port, as while that hub restarts.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => socket.terminate());
    const port = (server.address() as { port: number }).port;
    const child = spawnShoal(['observe', '--hub', `http://127.0.0.1:${port}`, '--since', String(Date.now()), '-o', 'ndjson', '--follow']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      await waitFor(() => `observe to say it reconnects: ${stderr}`, () => /reconnecting/.test(stderr));
      await new Promise((resolve) => server.close(resolve));
      const drops = () => stderr.match(/reconnecting/g)?.length ?? 0;
      const seen = drops();
      // The next attempts are refused: observe goes on retrying instead of exiting.
      await waitFor(() => `two more attempts, or observe to exit: ${stderr}`, () => drops() >= seen + 2 || child.exitCode !== null, 15_000);
      assert.equal(child.exitCode, null, `observe gave up: ${stderr}`);
      child.kill('SIGINT');
      assert.equal(await exited(child), 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      server.close();
    }
  });

  it('--follow retries a hub that asked to be tried later (its bound on replays, 4429), then prints its stream', async () => {
    // A hub at its bound refuses the first stream with its coded error; the next one is served.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const sinces: string[] = [];
    const entry = { id: 'node-a/r1/1', timestamp: Date.now(), worker: 'node-a', summary: { text: 'GET / 200' }, src: { ip: '10.0.0.1', port: 1 }, dst: { ip: '10.0.0.2', port: 80 }, protocol: { name: 'http', abbr: 'HTTP', layer4: 'tcp' } };
    server.on('connection', (socket, req) => {
      sinces.push(new URL(req.url ?? '/', 'http://hub').searchParams.get('since') ?? '');
      if (sinces.length === 1) {
        socket.send(JSON.stringify({ error: { code: 'HUB_ERR_REPLAY_LIMIT', message: 'the hub is running its 32 replays at once (--max-replays)' } }));
        socket.close(4429, 'HUB_ERR_REPLAY_LIMIT');
        return;
      }
      socket.send(JSON.stringify(entry));
      socket.send(JSON.stringify({ ready: { filter: '', replayed: 1 } }));
    });
    const port = (server.address() as { port: number }).port;
    const since = String(Date.now() - 60_000);
    const child = spawnShoal(['observe', '--hub', `http://127.0.0.1:${port}`, '--since', since, '-o', 'ndjson', '--follow']);
    const out = lines(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      await waitFor(() => `one entry printed: ${out.text()} ${stderr}`, () => out.entries().length === 1);
      assert.match(stderr, /the hub asked to try later \(the hub is running its 32 replays at once \(--max-replays\)\); reconnecting/);
      assert.deepEqual(sinces, [since, since], 'the same replay asked again: nothing printed yet');
      child.kill('SIGINT');
      assert.equal(await exited(child), 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      server.close();
    }
  });
});

