/**
 * What the live worker tests share: whether they can run here, the backend `--capture best`
 * gives a capture eBPF can serve, and `node bin/shoal worker` as a real child process (owned
 * by a PodLab, so it is killed with the lab).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liveCaptureAvailability } from '@shoal/capture';
import { waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { LiveSource, startWorker, type RunningWorker, type Target } from '../../dist/index.js';
import { tempDir } from './harness.js';
import { labUnavailable, type PodLab } from './pod-lab.js';

const SHOAL = fileURLToPath(new URL('../../../../bin/shoal', import.meta.url));

/**
 * Why the live worker tests cannot run here (no root, no ip or curl or one of `tools`, no
 * capture addon), or false.
 */
export function liveSkipReason(tools: string[] = []): string | false {
  const lab = labUnavailable(tools);
  if (lab !== null) return lab;
  const live = liveCaptureAvailability();
  return live.available ? false : live.reason;
}

/** The backend `best` picks where eBPF can serve: eBPF when it was built and may load here. */
export function bestBackend(): 'ebpf' | 'af_packet' {
  return liveCaptureAvailability().backends.some((b) => b.backend === 'ebpf' && b.available) ? 'ebpf' : 'af_packet';
}

export interface LiveWorker {
  port: number;
  base: string;
  token: string;
  log: () => string;
}

/** Runs `node bin/shoal worker` as a real child process; resolves once its API listens. */
export async function startWorkerProcess(lab: PodLab, name: string, args: string[]): Promise<LiveWorker> {
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
  await waitFor(() => `worker ${name} to start: ${log}`, () => /"port":\d+/.test(log) || child.exitCode !== null, 15_000);
  const port = Number(/"port":(\d+)/.exec(log)?.[1]);
  assert.ok(port > 0, `worker ${name} did not start: ${log}`);
  return { port, base: `http://127.0.0.1:${port}`, token, log: () => log };
}

/**
 * A worker in this process capturing on `lab`'s bridge with the `best` backend, its store in
 * `dataDir`, silent: for tests that drive the worker's core directly as well as its API.
 */
export function startBridgeWorker(lab: PodLab, dataDir: string, nodeName: string, nodeIp: string, targets: Target[]): Promise<RunningWorker> {
  return startWorker({
    port: 0,
    host: '127.0.0.1',
    interface: lab.bridge,
    source: new LiveSource('best'),
    dataDir,
    storageLimitBytes: 64 << 20,
    nodeName,
    nodeIp,
    logger: pino({ level: 'silent' }),
    targets,
  });
}
