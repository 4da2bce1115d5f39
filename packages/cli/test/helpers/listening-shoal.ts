/**
 * Long-running `shoal` processes for tests (`shoal hub`, `shoal worker`, `shoal front`): started
 * as a user starts them, waited for until they listen, ended by their PID; and a kubeconfig for
 * @shoal/testkit's Kubernetes API test server.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { waitFor } from '@shoal/testkit';
import { spawnShoal } from './run-shoal.js';

export interface Listening {
  child: ChildProcess;
  port: number;
  log: () => string;
}

/** The port in the start-up log line of the hub and the worker (pino JSON). */
const JSON_LISTENING = /"port":(\d+)[^\n]*listening/;

/**
 * Starts `shoal …args` and waits for its output to match `listening`, whose first group is the
 * port: by default the `"port":N … listening` log line of the hub and the worker.
 */
export async function startListening(args: string[], env: Record<string, string> = {}, listening = JSON_LISTENING): Promise<Listening> {
  const child = spawnShoal(args, env);
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  await waitFor(() => `shoal ${args[0]} to start: ${log}`, () => listening.test(log) || child.exitCode !== null, 15_000);
  assert.equal(child.exitCode, null, `shoal ${args[0]} exited: ${log}`);
  return { child, port: Number(listening.exec(log)![1]), log: () => log };
}

/** Ends the process (SIGTERM) and resolves with its exit code. */
export async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}
