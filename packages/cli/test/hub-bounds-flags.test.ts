/**
 * `shoal hub`'s flags for the feed's bounds (docs/hub.md, Bounds), as a user runs them: listed in
 * --help, checked, and in force on /ws. A bound of 0 replays makes the refusal what every replay
 * gets, whatever the timing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { shoal } from './helpers/run-shoal.js';
import { ServingShoal } from './helpers/serving-shoal.js';

/** A replay (`since`) on the hub's /ws: the first message, and the close code. */
async function replayOn(port: number, headers: Record<string, string> = {}): Promise<{ message: { error?: { code: string; message: string } }; code: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?q=&since=${Date.now() - 60_000}`, { headers });
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(String(d)));
  ws.on('error', () => undefined);
  const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
  return { message: JSON.parse(messages[0] ?? '{}') as { error?: { code: string; message: string } }, code };
}

async function withHub(args: string[], run: (port: number) => Promise<void>): Promise<void> {
  const hub = new ServingShoal(['hub', '--port', '0', '--host', '127.0.0.1', ...args]);
  try {
    await run(Number(await hub.printed(/"port":(\d+)[^\n]*listening/, 'the hub listening')));
  } finally {
    assert.equal(await hub.stop(), 0);
  }
}

describe('shoal hub bounds flags', () => {
  it('lists them in --help with their defaults', async () => {
    const r = await shoal('hub', '--help');
    assert.match(r.stdout, /--max-replays N[^]*default 32/);
    assert.match(r.stdout, /--max-client-replays N[^]*default 4/);
    assert.match(r.stdout, /--max-resubscribes N[^]*default 5/);
  });

  it('refuses values out of range with exit code 2', async () => {
    for (const args of [['--max-replays=-1'], ['--max-replays', '10001'], ['--max-client-replays', 'many'], ['--max-resubscribes', '0']]) {
      const r = await shoal('hub', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${args[0]!.split('=')[0]} needs a whole number`));
    }
  });

  it('--max-replays refuses a replay with HUB_ERR_REPLAY_LIMIT and close 4429', async () => {
    await withHub(['--max-replays', '0'], async (port) => {
      const { message, code } = await replayOn(port);
      assert.equal(code, 4429);
      assert.equal(message.error?.code, 'HUB_ERR_REPLAY_LIMIT');
      assert.match(message.error!.message, /--max-replays/);
    });
  });

  it('--max-client-replays refuses a client\'s replay, naming that flag', async () => {
    await withHub(['--max-client-replays', '0'], async (port) => {
      const { message, code } = await replayOn(port, { 'x-shoal-client': 'session-a' });
      assert.equal(code, 4429);
      assert.match(message.error!.message, /--max-client-replays/);
    });
  });
});
