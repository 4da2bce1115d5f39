/**
 * `shoal view FILE`: a hub over a capture file, checked through the hub's own API as a client
 * would use it (/ws, /pcap, /status) and through the dashboard served next to it, and the CAP_ERR_* errors of `shoal dissect` for bad files.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, fixtureAbs, golden } from './helpers/fixtures.js';
import { describeRun, lines, shoal } from './helpers/run-shoal.js';
import { signIn } from './helpers/front-session.js';
import { collectEntries, ServingShoal } from './helpers/serving-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const expected = golden('keep-alive.pcap').entries;

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-view-test-'));
});
after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

describe('shoal view FILE', () => {
  it("serves the file's entries through the hub: /ws, /pcap of one entry (tshark reads it), /status; and the dashboard in front of it", async (t) => {
    const view = new ServingShoal(['view', KEEP_ALIVE, '--port', '0', '--front-port', '0']);
    try {
      const hub = await view.hubUrl();
      assert.match(view.stdout, new RegExp(`^shoal view: ${expected.length} entries from ${KEEP_ALIVE.replace(/\./g, '\\.')} \\(\\d+ packets\\)$`, 'm'), view.describe());
      assert.match(view.stdout, /shoal observe --hub http:\/\/127\.0\.0\.1:\d+/);

      const entries = await collectEntries(hub, '', 0, (e) => e.length >= expected.length);
      // The same entries at the same times as `shoal dissect` finds: the file's clock is kept.
      const rows = (list: { summary?: unknown; timestamp?: unknown }[]) => list.map((e) => `${String(e.timestamp)} ${(e.summary as { text: string }).text}`).sort();
      assert.deepEqual(rows(entries), rows(expected), view.describe());

      const status = (await (await fetch(`${hub}/status`)).json()) as { workers: { name: string; up: boolean; store: { entries: number } }[] };
      assert.equal(status.workers.length, 1);
      assert.equal(status.workers[0]!.up, true);
      assert.equal(status.workers[0]!.store.entries, expected.length);

      // The dashboard is served next to the hub: its page, and the hub's API under /api once
      // signed in through the printed link (a fresh token each run), not before.
      const link = await view.dashboardLink();
      const { base, cookie } = await signIn(link);
      const page = await fetch(base);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await page.text(), /<div id="root">/);
      const refused = await fetch(`${base}/api/status`);
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'FRONT_ERR_UNAUTHENTICATED');
      const proxied = (await (await fetch(`${base}/api/status`, { headers: { cookie } })).json()) as typeof status;
      assert.deepEqual(proxied.workers.map((w) => [w.name, w.store.entries]), [['view', expected.length]]);

      const one = entries[0]!['id'] as string;
      const res = await fetch(`${hub}/pcap?ids=${encodeURIComponent(one)}`);
      assert.equal(res.status, 200);
      const file = path.join(tmp, 'one.pcap');
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const times = (pcap: string) => spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
      const served = times(file);
      if (served.error !== undefined) {
        t.skip(`tshark cannot run (${served.error.message}): the pcap was served but not opened`);
      } else {
        assert.equal(served.status, 0, served.stderr);
        assert.ok(lines(served.stdout).length > 0, 'tshark reads packets from the served pcap');
        // Its packets are the file's, at the file's times.
        const original = new Set(lines(times(fixtureAbs('keep-alive.pcap')).stdout));
        for (const time of lines(served.stdout)) assert.ok(original.has(time), `${time} is a packet time of ${KEEP_ALIVE}`);
      }
    } finally {
      assert.equal(await view.stop(), 0, view.describe());
    }
  });

  it('fails like shoal dissect on a file that is not a capture, and on a missing file (exit 1, CAP_ERR_*)', async () => {
    const text = path.join(tmp, 'notes.txt');
    fs.writeFileSync(text, 'hello, not a capture\n');
    for (const [file, code] of [
      [text, 'CAP_ERR_NOT_A_CAPTURE'],
      [path.join(tmp, 'missing.pcap'), 'CAP_ERR_OPEN'],
    ] as const) {
      const r = await shoal('view', file, '--port', '0', '--front-port', '0');
      assert.equal(r.code, 1, describeRun(r));
      const errs = lines(r.stderr);
      assert.equal(errs.length, 1, r.stderr);
      assert.ok(errs[0]!.startsWith('shoal view: ') && errs[0]!.includes(code) && errs[0]!.includes(file), errs[0]);
      assert.equal(r.stdout, '');
    }
  });

  it('needs exactly one FILE (exit 2)', async () => {
    const r = await shoal('view');
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /CLI_ERR_USAGE/);
  });
});
