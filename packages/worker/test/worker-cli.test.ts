import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shoal/testkit';
import { getJson, tempDir } from './helpers/harness.js';

const SHOAL = fileURLToPath(new URL('../../../bin/shoal', import.meta.url));

describe('shoal worker (command line)', () => {
  it('lists every flag in --help', () => {
    const r = spawnSync(process.execPath, [SHOAL, 'worker', '--help'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0);
    for (const flag of ['--port', '--interface', '--capture', '--targets', '--storage-limit', '--data-dir', '--token-file', '--node-name', '--log-level']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });

  it('refuses a bad command line with exit code 2', () => {
    for (const args of [['--capture', 'pf_ring'], ['--storage-limit', 'lots'], ['--port', '70000'], ['--bogus'], ['--targets', '/nonexistent/targets.json']]) {
      const r = spawnSync(process.execPath, [SHOAL, 'worker', ...args], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /CLI_ERR_USAGE/);
    }
  });

  it('starts with no targets and no token file (generating one, mode 0600), captures nothing, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir('shoal-worker-cli-');
    const child = spawn(process.execPath, [SHOAL, 'worker', '--port', '0', '--data-dir', dataDir, '--node-name', 'cli-node'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let log = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
      await waitFor(() => `the worker to start: ${log}`, () => /"port":\d+/.test(log), 15_000);
      const port = Number(/"port":(\d+)/.exec(log)![1]);
      const tokenFile = join(dataDir, 'token');
      assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
      assert.match(log, new RegExp(`generated an API token in ${tokenFile}`));
      const token = fs.readFileSync(tokenFile, 'utf8').trim();
      const base = `http://127.0.0.1:${port}`;
      const health = await getJson(base, '/health', undefined);
      assert.deepEqual(health.body, { ok: true, worker: 'cli-node', capture: { requested: 'best', backends: [], open: 0 }, targets: 0, tls: { state: 'off', reason: null } });
      assert.equal((await getJson(base, '/stats', token)).status, 200);
      assert.equal((await getJson(base, '/stats', 'not-it')).status, 401);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(log, /worker stopped/);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
