/**
 * The bounds of the hub's history on the command line (`shoal hub --max-history-limit`,
 * `--max-walks`, `--walk-share-ms`): in --help, refused when out of range, and in force in a hub
 * process (its effects in full: packages/hub/test/hub-history-bounds.test.ts). The process is
 * ended by its PID.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { shoal, spawnShoal } from './helpers/run-shoal.js';


describe('shoal hub: bounds of the history', () => {
  it('lists the flags with their defaults in --help', async () => {
    const r = await shoal('hub', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--max-history-limit N +the largest limit= of GET \/entries, 1-1000 \(default\s+1000\)/);
    assert.match(r.stdout, /--max-walks N[^]*\(default 4\)/);
    assert.match(r.stdout, /--walk-share-ms MS[^]*\(default 5000;/);
  });

  it('refuses values out of range with exit code 2, naming the range', async () => {
    for (const [flag, value, range] of [
      ['--max-history-limit', '0', '1-1000'], ['--max-history-limit', '1001', '1-1000'], ['--max-walks', '0', '1-1000'],
      ['--max-walks', 'many', '1-1000'], ['--walk-share-ms', '60001', '0-60000'], ['--walk-share-ms', '1.5', '0-60000'],
    ] as const) {
      const r = await shoal('hub', flag, value);
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
      assert.ok(r.stderr.includes(`${flag} needs a whole number ${range}, got '${value}' (CLI_ERR_USAGE)`), r.stderr);
    }
  });

  it('--max-history-limit lowers a larger limit= in a running hub', async () => {
    const child = spawnShoal(['hub', '--port', '0', '--host', '127.0.0.1', '--max-history-limit', '2']);
    try {
      let log = '';
      const listening = /"port":(\d+)[^\n]*listening/;
      const started = (async () => {
        for await (const chunk of child.stdout!) {
          log += String(chunk);
          if (listening.test(log)) return Number(listening.exec(log)![1]);
        }
        throw new Error(`shoal hub ended before it listened: ${log}`);
      })();
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`shoal hub did not listen: ${log}`)), 30_000).unref());
      const port = await Promise.race([started, timeout]);
      const page = await (await fetch(`http://127.0.0.1:${port}/entries?limit=50`)).json();
      assert.deepEqual(page, { entries: [], next: null, examined: 0, limit: 2 });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });
});
