/**
 * Runs the real CLI (`node bin/shoal …`) from the repository root, as a user would, and collects
 * its exit status and output. stdin is closed and stdout/stderr are pipes, so neither is a TTY.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as packages/cli/dist-test/helpers/run-shoal.js. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SHOAL_BIN = 'bin/shoal';
if (!fs.existsSync(`${REPO_ROOT}${SHOAL_BIN}`)) throw new Error(`no ${SHOAL_BIN} under ${REPO_ROOT}`);

export interface ShoalRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `node bin/shoal ...args` with the repository root as cwd; the caller reads the pipes.
 * `env` adds to this process's environment (e.g. KUBECONFIG).
 */
export function spawnShoal(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [SHOAL_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `shoal ...args` to the end. */
export function shoal(...args: string[]): Promise<ShoalRun> {
  return shoalWithEnv({}, args);
}

/** Runs `shoal ...args` to the end, with `env` added to this process's environment. */
export function shoalWithEnv(env: Record<string, string>, args: string[]): Promise<ShoalRun> {
  return new Promise((resolve, reject) => {
    const child = spawnShoal(args, env);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** Lines of a text, without the empty string after its final newline. */
export function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** One-line description of a run for assertion messages. */
export function describeRun(r: ShoalRun): string {
  const cut = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}…` : s);
  return `exit ${r.code} signal ${r.signal}\n--- stderr:\n${cut(r.stderr)}\n--- stdout:\n${cut(r.stdout)}`;
}
