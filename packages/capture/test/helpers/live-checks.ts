/**
 * Checks and small tools the live-capture tests share: an open that must fail (with a
 * one-line LiveCaptureError whose code follows its reason), a promise that must settle in
 * time, a capture that must end when its interface is removed, environment variables for the length of a test, and two captures' packets compared.
 */

import assert from 'node:assert/strict';
import { isShoalError } from '@shoal/model';
import { LiveCaptureError, openLiveCapture } from '@shoal/capture';
import type { LiveCapture, LiveCaptureOptions } from '@shoal/capture';
import { PacketLog } from './netns-packets.js';

const CODE_OF_REASON: Record<string, string> = {
  options: 'CAP_ERR_LIVE_OPTIONS',
  interface: 'CAP_ERR_INTERFACE',
  filter: 'CAP_ERR_FILTER',
  permission: 'CAP_ERR_PERMISSION',
  netns: 'CAP_ERR_NETNS',
  backend: 'CAP_ERR_BACKEND_UNAVAILABLE',
  system: 'CAP_ERR_OPEN',
};

/** Opens a capture that must fail; the LiveCaptureError it failed with. */
export function openError(options: LiveCaptureOptions): LiveCaptureError {
  try {
    openLiveCapture(options, new PacketLog()).close();
  } catch (err) {
    assert.ok(err instanceof LiveCaptureError, `expected a LiveCaptureError, got ${String(err)}`);
    assert.ok(isShoalError(err));
    assert.equal(err.code, CODE_OF_REASON[err.reason], `the code follows the reason '${err.reason}'`);
    assert.doesNotMatch(err.message, /\n/, 'one-line message');
    return err;
  }
  assert.fail(`opening ${JSON.stringify(options)} did not fail`);
}

/** `promise`, or a rejection saying that `what` did not happen within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits (at most 5 s) for `cap` to fail after its interface `name` was removed: the error,
 * checked to be an interface error that names it, with the capture closed.
 */
export async function interfaceGoneError(cap: LiveCapture, name: string): Promise<LiveCaptureError> {
  const err = await within(
    cap.done.then(
      () => assert.fail('done fulfilled'),
      (e: unknown) => e,
    ),
    5000,
    'the capture failing',
  );
  assert.ok(err instanceof LiveCaptureError);
  assert.equal(err.reason, 'interface');
  assert.ok(err.message.includes(name), err.message);
  assert.equal(cap.closed, true);
  return err;
}

/**
 * One whole turn of the event loop: its timers, then its poll phase, where a batch the capture
 * thread handed over (a threadsafe-function call) is run, then its immediates. After close(),
 * a batch handed over before it would have reached the sink by then: what a test that nothing
 * comes after close() waits for.
 */
export async function oneLoopTurn(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setImmediate(r));
}

/** Runs `env` over the body of a test and puts the old values back. */
export async function withEnv<T>(env: Record<string, string>, body: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The packets' bytes, sorted: two captures of the same traffic compare equal. */
export function fingerprint(log: PacketLog): string[] {
  return log.packets.map((p) => `${p.originalLength}:${p.bytes.toString('hex')}`).sort();
}
