/**
 * Closed by default (docs/security.md): `shoal hub` and `shoal worker` listen on loopback unless
 * `--host` says otherwise, and the hub refuses an open address without a client token unless
 * `--allow-unauthenticated` is said out loud. Real processes, ended by their PID.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeRun, shoal, spawnShoal } from './helpers/run-shoal.js';

/** Starts `shoal …args` and resolves with its start-up log line once it says it listens. */
function startListening(args: string[]): Promise<{ child: ChildProcess; line: { port: number; host: string }; log: () => string }> {
  const child = spawnShoal(args);
  let log = '';
  return new Promise((resolve, reject) => {
    const onData = (d: string): void => {
      log += d;
      const line = log.split('\n').find((l) => l.includes('listening'));
      if (line !== undefined) resolve({ child, line: JSON.parse(line) as { port: number; host: string }, log: () => log });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`shoal ${args[0]} exited ${code} before listening: ${log}`)));
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('listen addresses', () => {
  const children: ChildProcess[] = [];
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-listen-'));
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shoal hub listens on 127.0.0.1 by default: another local address is refused', async () => {
    const hub = await startListening(['hub', '--port', '0', '--log-level', 'info']);
    children.push(hub.child);
    assert.equal(hub.line.host, '127.0.0.1');
    assert.equal(await accepts('127.0.0.1', hub.line.port), true);
    assert.equal(await accepts('127.0.0.2', hub.line.port), false);
  });

  it('shoal hub refuses --host 0.0.0.0 without --token-file (exit 2, saying what to do)', async () => {
    const r = await shoal('hub', '--port', '0', '--host', '0.0.0.0');
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /--host 0\.0\.0\.0 listens beyond this machine without a credential: give --token-file, or --allow-unauthenticated/);
  });

  it('shoal hub takes --host 0.0.0.0 with --allow-unauthenticated, and warns', async () => {
    const hub = await startListening(['hub', '--port', '0', '--host', '0.0.0.0', '--allow-unauthenticated']);
    children.push(hub.child);
    assert.equal(hub.line.host, '0.0.0.0');
    assert.match(hub.log(), /"level":40[^\n]*--allow-unauthenticated: the hub's API is open/);
    assert.equal(await accepts('127.0.0.2', hub.line.port), true);
  });

  it('shoal hub takes --host 0.0.0.0 with a client token, which it then asks for', async () => {
    const tokenFile = join(dir, 'client-token');
    fs.writeFileSync(tokenFile, 'client-secret\n', { mode: 0o600 });
    const hub = await startListening(['hub', '--port', '0', '--host', '0.0.0.0', '--token-file', tokenFile]);
    children.push(hub.child);
    assert.equal((await fetch(`http://127.0.0.2:${hub.line.port}/status`)).status, 401);
    assert.equal((await fetch(`http://127.0.0.2:${hub.line.port}/status`, { headers: { authorization: 'Bearer client-secret' } })).status, 200);
  });

  it('shoal worker listens on 127.0.0.1 by default', async () => {
    const worker = await startListening(['worker', '--port', '0', '--data-dir', join(dir, 'worker'), '--node-name', 'listen-node']);
    children.push(worker.child);
    assert.equal(worker.line.host, '127.0.0.1');
    assert.equal(await accepts('127.0.0.2', worker.line.port), false);
  });

  it('--allowed-origin must be an origin', async () => {
    const r = await shoal('hub', '--port', '0', '--allowed-origin', 'dash.example');
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /--allowed-origin must be a URL like https:\/\/shoal\.example, got 'dash\.example'/);
  });
});
