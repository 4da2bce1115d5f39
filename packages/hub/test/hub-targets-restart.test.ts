/**
 * The target selection survives a hub restart (--state-dir, targets/selection-store.ts): saved
 * atomically with mode 0600 at each PUT /targets, read at the start and pushed to the workers
 * again; a damaged file stops the start with HUB_ERR_STATE instead of silently starting with no
 * selection, and a selection that cannot be saved is refused. Real workers; the hub started
 * twice on one state dir in this process, and `shoal hub` as a process for the flag.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { FileSelectionStore, startHub, type Pod, type PodDirectory, type RunningHub } from '../dist/index.js';
import { waitFor } from '@shoal/testkit';
import { allUp, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const PODS: Pod[] = [
  { name: 'web-1', namespace: 'shop', ip: '127.0.0.2', node: 'node-a' },
  { name: 'db-0', namespace: 'shop', ip: '127.0.0.3', node: 'node-a' },
  { name: 'web-2', namespace: 'shop', ip: '127.0.0.4', node: 'node-b' },
];

const pods: PodDirectory = { pods: () => PODS, onChange: () => () => undefined };

async function putTargets(base: string, body: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('hub target selection across a restart', () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-state-'));
  const stateDir = join(dir, 'state');
  let c: Cluster;
  let second: RunningHub | undefined;

  /** The pods a worker captures now, from its own /stats. */
  async function workerTargets(index: number): Promise<string[]> {
    const stats = (await getJson(`http://127.0.0.1:${c.workers[index]!.port}`, '/stats', { authorization: `Bearer ${c.token}` })).body;
    return stats.capture.captures.flatMap((cap: Json) => cap.targets).sort();
  }

  /** A hub like the cluster's first, on the same workers and state dir. */
  function hubOnStateDir(): Promise<RunningHub> {
    return startHub({
      port: 0,
      host: '127.0.0.1',
      workers: c.workers.map((w) => ({ name: w.name, host: '127.0.0.1', port: w.port })),
      workerToken: c.token,
      logger: pino({ level: 'silent' }),
      link: { pollMs: 200, backoffBaseMs: 50, backoffMaxMs: 500, timeoutMs: 2000 },
      pods,
      targetStore: new FileSelectionStore(stateDir),
    });
  }

  before(async () => {
    c = await startCluster(['node-a', 'node-b'], { pods, targetStore: new FileSelectionStore(stateDir) });
    assert.ok(await allUp(c));
  });
  after(async () => {
    await second?.close();
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves the selection with mode 0600, and a restarted hub takes it up and pushes it to the workers', async () => {
    const selection = { podRegex: '^web-', namespaces: ['shop'], excludedNamespaces: [] };
    assert.equal((await putTargets(c.hubBase, selection)).status, 200);
    const file = join(stateDir, 'targets.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), selection);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(stateDir), ['targets.json'], 'no temporary file left');
    assert.deepEqual(await workerTargets(0), ['shop/web-1']);

    await c.hub.close();
    // Meanwhile the workers lost their targets (restarted with none, or told so by hand).
    for (const w of c.workers) {
      const res = await fetch(`http://127.0.0.1:${w.port}/targets`, { method: 'PUT', headers: { authorization: `Bearer ${c.token}` }, body: '[]' });
      assert.equal(res.status, 200);
    }
    assert.deepEqual(await workerTargets(0), []);

    second = await hubOnStateDir();
    const base = `http://127.0.0.1:${second.port}`;
    assert.deepEqual((await getJson(base, '/targets')).body.selection, selection);
    await waitFor('pushed again to both workers', async () => (await workerTargets(0)).length === 1 && (await workerTargets(1)).length === 1);
    assert.deepEqual([await workerTargets(0), await workerTargets(1)], [['shop/web-1'], ['shop/web-2']]);
    await second.close();
    second = undefined;
  });

  it('refuses to start on a damaged file, naming it, rather than start with no selection', async () => {
    const file = join(stateDir, 'targets.json');
    for (const damaged of ['{"podRegex": "^web-", "namespaces": ["sh', '{"podRegex": 7}', '[]', '{"podRegex": "("}']) {
      fs.writeFileSync(file, damaged);
      await assert.rejects(hubOnStateDir(), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'HUB_ERR_STATE', damaged);
        assert.ok(err.message.includes(file), err.message);
        assert.match(err.message, /damaged .*: fix it .* or remove it/);
        return true;
      });
    }
    fs.rmSync(file);
  });

  it('refuses a selection it cannot save, keeping the one in force', async () => {
    second = await hubOnStateDir();
    const base = `http://127.0.0.1:${second.port}`;
    assert.equal((await putTargets(base, { podRegex: '^db-' })).status, 200);
    // The state dir turns into something no file can be written in.
    fs.rmSync(stateDir, { recursive: true });
    fs.writeFileSync(stateDir, 'not a directory');
    const refused = await putTargets(base, { podRegex: '^web-' });
    assert.equal(refused.status, 500);
    assert.equal(refused.body.error.code, 'HUB_ERR_STATE');
    assert.match(refused.body.error.message, /the previous selection stays in force/);
    assert.equal((await getJson(base, '/targets')).body.selection.podRegex, '^db-');
    fs.rmSync(stateDir);
  });
});

describe('shoal hub --state-dir', () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-state-cli-'));
  const inventory = join(dir, 'inventory.json');
  fs.writeFileSync(inventory, JSON.stringify({ pods: [{ ip: '10.20.1.5', name: 'web-1', namespace: 'shop', node: 'node-a' }] }));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Starts `shoal hub` on `stateDir`; `stop` ends it by its PID and gives its exit code. */
  function runHub(stateDir: string): { output: () => string; running: () => boolean; stop: () => Promise<number | null> } {
    const child = spawn(process.execPath, ['bin/shoal', 'hub', '--host', '127.0.0.1', '--port', '0', '--inventory', inventory, '--state-dir', stateDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      output: () => out,
      running: () => child.exitCode === null && child.signalCode === null,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
  }

  it('serves the selection saved in DIR, and stops at the start on a damaged one', async () => {
    const stateDir = join(dir, 'state');
    fs.mkdirSync(stateDir);
    const saved = { podRegex: '^web-', namespaces: [], excludedNamespaces: ['kube-system'] };
    fs.writeFileSync(join(stateDir, 'targets.json'), JSON.stringify(saved));
    const hub = runHub(stateDir);
    const listening = /"port":(\d+)[^\n]*listening/;
    try {
      await waitFor(() => `the hub to listen: ${hub.output()}`, () => listening.test(hub.output()), 20_000);
      const base = `http://127.0.0.1:${listening.exec(hub.output())![1]}`;
      assert.deepEqual((await getJson(base, '/targets')).body.selection, saved);
    } finally {
      assert.equal(await hub.stop(), 0, hub.output());
    }

    fs.writeFileSync(join(stateDir, 'targets.json'), 'not json');
    const refused = runHub(stateDir);
    await waitFor(() => `it stops by itself: ${refused.output()}`, () => !refused.running(), 20_000);
    const code = await refused.stop();
    assert.equal(code, 1);
    assert.match(refused.output(), /shoal hub: the saved target selection .*targets\.json is damaged .*\(HUB_ERR_STATE\)/);
  });
});
