/**
 * A quiet worker (a real `shoal worker` process with no traffic, so no feed message vouches for
 * it) stays up while the hub's own event loop is blocked for longer than the poll timeout: the
 * timeout counts only time the hub could run. A worker that really stops answering (SIGSTOP)
 * is still marked down, and up again once it resumes (SIGCONT).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { WorkerLink } from '../dist/workers/worker-link.js';
import { waitFor } from '@shoal/testkit';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

const OPTIONS = { pollMs: 100, timeoutMs: 300, backoffBaseMs: 50, backoffMaxMs: 300 };
/** Each block of the hub's loop outlasts the poll timeout several times. */
const BLOCK_MS = 4 * OPTIONS.timeoutMs;
const BLOCKS = 6;

/** Keeps this process's event loop busy, as an overloaded hub's would be. */
function blockLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Busy on purpose: no timer, socket or promise of this process runs meanwhile.
  }
}

/** One turn of the loop: overdue timers fire, I/O that arrived is read, then the next block. */
function oneTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('worker link while the hub is overloaded', () => {
  let worker: WorkerProcess;
  let link: WorkerLink;
  let downs = 0;

  before(async () => {
    worker = await startWorkerProcess('quiet-node');
    const token = fs.readFileSync(worker.tokenFile, 'utf8').trim();
    link = new WorkerLink({ name: 'quiet-node', host: '127.0.0.1', port: worker.port }, token, OPTIONS, pino({ level: 'silent' }));
    link.on('down', () => downs++);
    link.start();
  });
  after(async () => {
    link.stop();
    await worker.stop();
  });

  it('keeps a quiet worker up while the hub\'s event loop is blocked past the poll timeout', async () => {
    await waitFor(() => `the worker to come up (last error: ${link.state().lastError})`, () => link.up);
    for (let i = 0; i < BLOCKS; i++) {
      blockLoop(BLOCK_MS);
      await oneTurn();
    }
    const seenAfterBlocks = link.state().lastSeen!;
    // Polled on (and answered) after the blocks: the link was not left stuck either.
    await waitFor('a poll answered after the blocks', () => link.state().lastSeen! > seenAfterBlocks);
    assert.equal(downs, 0, `never marked down (last error: ${link.state().lastError})`);
    assert.ok(link.up);
  });

  it('still marks a stopped worker down, and up again when it resumes', async () => {
    await waitFor('the worker to be up to begin with', () => link.up);
    worker.child.kill('SIGSTOP');
    try {
      await waitFor('the stopped worker to be marked down', () => !link.up);
      assert.equal(link.state().lastError, 'no answer within the timeout');
    } finally {
      worker.child.kill('SIGCONT');
    }
    await waitFor('the worker to be up again once it resumes', () => link.up);
  });
});
