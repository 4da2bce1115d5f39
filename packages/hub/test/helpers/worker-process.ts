/**
 * A real `shoal worker` process (bin/shoal from the repository root), with no targets: it
 * captures nothing, so it needs no privileges, yet answers the worker API as in production.
 * Ended by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shoal/testkit';

/** This file runs as packages/hub/dist-test/helpers/worker-process.js. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  port: number;
  tokenFile: string;
  stop(): Promise<void>;
}

export async function startWorkerProcess(nodeName: string): Promise<WorkerProcess> {
  const dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-worker-'));
  const tokenFile = join(dir, 'token');
  fs.writeFileSync(tokenFile, 'worker-process-token\n', { mode: 0o600 });
  const args = ['bin/shoal', 'worker', '--port', '0', '--data-dir', join(dir, 'data'), '--token-file', tokenFile, '--node-name', nodeName];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const listening = /"port":(\d+)[^\n]*listening/;
  try {
    await waitFor(() => `shoal worker to listen: ${log}`, () => listening.test(log) || child.exitCode !== null, 20_000);
    if (!listening.test(log)) throw new Error(`shoal worker did not start: ${log}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, port: Number(listening.exec(log)![1]), tokenFile, stop };
}
