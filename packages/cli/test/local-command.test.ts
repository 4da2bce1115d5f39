/**
 * `shoal local`: as root, a real capture on loopback; curl-like requests to an HTTP server of
 * this test reach the hub as entries named after the host. Unprivileged (setpriv/runuser to
 * nobody), it must stop at once and say that CAP_NET_RAW is missing and how to get it.
 */

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, SHOAL_BIN } from './helpers/run-shoal.js';
import { signIn } from './helpers/front-session.js';
import { collectEntries, ServingShoal, WAIT_MS, type WsMessage } from './helpers/serving-shoal.js';

const execFileAsync = promisify(execFile);

const isRoot = process.getuid?.() === 0;
const REQUESTS = 3;
const ROUNDS = 10;
const ROUND_GAP_MS = 2_000;

/** The first round whose REQUESTS requests all came with their 200 response. */
function wholeRound(entries: WsMessage[], prefix: string): number | undefined {
  const answered = new Map<number, Set<string>>();
  for (const e of entries) {
    const summary = e['summary'] as { path?: string; status?: number };
    const m = summary.path === undefined ? null : /^(\d+)\/(\d+)$/.exec(summary.path.slice(prefix.length));
    if (m === null || summary.status !== 200) continue;
    const round = Number(m[1]);
    const seen = answered.get(round) ?? new Set<string>();
    seen.add(m[2]!);
    answered.set(round, seen);
    if (seen.size === REQUESTS) return round;
  }
  return undefined;
}

/** One request with curl (a new connection each time), as a user would make it. */
async function curl(url: string): Promise<string> {
  const { stdout } = await execFileAsync('curl', ['-sS', '--max-time', '5', url], { encoding: 'utf8' });
  return stdout;
}

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-local-test-'));
});
after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

/** The command that runs a program as nobody with no capabilities, or why there is none. */
function asNobody(): string[] | string {
  if (!isRoot) return 'not root: cannot switch to another user';
  const tools: string[][] = [
    ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'],
    ['runuser', '-u', 'nobody', '--'],
  ];
  for (const prefix of tools) {
    // The user must be able to run node and read the repository: try `shoal --version` first.
    const probe = spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, SHOAL_BIN, '--version'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (probe.status === 0) return prefix;
  }
  return 'neither setpriv nor runuser can run shoal as nobody here (missing tool, or the repository is not readable to nobody)';
}

describe('shoal local', () => {
  it('captures on loopback: requests to a local HTTP server come out of the hub as entries named after the host', { skip: isRoot ? false : 'needs root to capture' }, async () => {
    const server = http.createServer((req, res) => res.end(`hello ${req.url}\n`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const local = new ServingShoal(['local', '--interface', 'lo', '--capture', 'af_packet', '--port', '0', '--front-port', '0', '--data-dir', path.join(tmp, 'data')]);
    try {
      const hub = await local.hubUrl();
      assert.match(local.stdout, /^shoal local: capturing on lo \(\w+\) for \d+ addresses of /m);
      assert.match(local.stdout, /shoal observe --hub http:\/\/127\.0\.0\.1:\d+/);
      // Loopback is shared with everything else on this machine (other test runs, benchmarks):
      // when it is busy the kernel drops packets for lack of ring space, as it may. So rounds of
      // requests go on, a bounded number of them, until one round is seen whole through the hub.
      const prefix = `/shoal-local-test-${process.pid}-`;
      const since = Date.now();
      let done = false;
      let rounds = 0;
      const requests = (async () => {
        while (!done && rounds < ROUNDS) {
          rounds++;
          for (let i = 0; i < REQUESTS; i++) {
            const url = `http://127.0.0.1:${port}${prefix}${rounds}/${i}`;
            assert.equal(await curl(url), `hello ${prefix}${rounds}/${i}\n`);
          }
          await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
        }
      })();
      let all: WsMessage[] = [];
      try {
        all = await collectEntries(hub, `path.startsWith("${prefix}")`, since, (list) => wholeRound(list, prefix) !== undefined, WAIT_MS * 2);
      } finally {
        done = true;
        await requests;
      }
      const round = wholeRound(all, prefix);
      const status = round !== undefined ? '' : await (await fetch(`${hub}/status`)).text();
      assert.ok(round !== undefined, `no whole round in ${rounds}: ${JSON.stringify(all.map((e) => e['summary']))}\n/status: ${status}\n${local.describe()}`);
      const entries = all.filter((e) => path.dirname((e['summary'] as { path: string }).path) === `${prefix}${round}`);
      assert.equal(entries.length, REQUESTS);
      const host = os.hostname();
      for (const e of entries) {
        const dst = e['dst'] as { ip: string; port: number; name?: string };
        assert.equal(dst.port, port);
        assert.equal(dst.name, host, 'the resolution table names local addresses after the host');
        assert.equal(e['worker'], host);
      }
      assert.deepEqual(entries.map((e) => (e['summary'] as { path: string }).path).sort(), [0, 1, 2].map((i) => `${prefix}${round}/${i}`));
      assert.ok(fs.existsSync(path.join(tmp, 'data', 'token')), 'the worker token is generated into the data dir');
      // The dashboard: its API only for a browser signed in through the printed link.
      const { base, cookie } = await signIn(await local.dashboardLink());
      assert.equal((await fetch(`${base}/api/status`)).status, 401);
      const proxied = (await (await fetch(`${base}/api/status`, { headers: { cookie } })).json()) as { workers: { name: string }[] };
      assert.deepEqual(proxied.workers.map((w) => w.name), [host]);
    } finally {
      const code = await local.stop();
      server.close();
      assert.equal(code, 0, local.describe());
    }
  });

  it('unprivileged, it says CAP_NET_RAW is missing and how to grant it (exit 1)', async (t) => {
    const prefix = asNobody();
    if (typeof prefix === 'string') {
      t.skip(prefix);
      return;
    }
    const run = new ServingShoal(['local', '--interface', 'lo', '--port', '0', '--front-port', '0', '--data-dir', path.join(tmp, 'nobody')], (args) =>
      spawn(prefix[0]!, [...prefix.slice(1), process.execPath, SHOAL_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const code = await run.ended();
    assert.equal(code, 1, run.describe());
    assert.match(run.stderr, /^shoal local: cannot capture: this process lacks CAP_NET_RAW/m);
    assert.match(run.stderr, /as root/);
    assert.match(run.stderr, /setcap cap_net_raw,cap_net_admin\+eip/);
    assert.match(run.stderr, /\(CAP_ERR_PERMISSION\)$/m);
    assert.equal(run.stdout, '');
    assert.equal(fs.existsSync(path.join(tmp, 'nobody')), false, 'nothing is created before the check');
  });
});
