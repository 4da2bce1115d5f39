/**
 * A real `node bin/shoal worker` as a child process, for the live tests: its own temp data dir
 * and token file, owned by a PodLab so destroy() (also on process exit) kills it; the data dir
 * goes when it exits.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, waitFor } from './harness.js';
import type { PodLab } from './pod-lab.js';

const SHOAL = fileURLToPath(new URL('../../../../bin/shoal', import.meta.url));

export interface LiveWorker {
  port: number;
  base: string;
  token: string;
  log: () => string;
}

/** Runs `node bin/shoal worker` with `args`; resolves once its API listens. */
export async function startLiveWorker(lab: PodLab, name: string, args: string[]): Promise<LiveWorker> {
  const dataDir = tempDir(`shoal-live-${name}-`);
  const tokenFile = join(dataDir, 'token-file');
  const token = `live-${name}-${lab.id}`;
  fs.writeFileSync(tokenFile, token, { mode: 0o600 });
  const child = lab.own(
    spawn(process.execPath, [SHOAL, 'worker', '--port', '0', '--data-dir', dataDir, '--token-file', tokenFile, '--node-name', name, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  child.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  assert.ok(await waitFor(() => /"port":\d+/.test(log) || child.exitCode !== null, 15_000), `worker ${name} did not start: ${log}`);
  const port = Number(/"port":(\d+)/.exec(log)?.[1]);
  assert.ok(port > 0, `worker ${name} did not start: ${log}`);
  return { port, base: `http://127.0.0.1:${port}`, token, log: () => log };
}
