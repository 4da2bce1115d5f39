/**
 * The gate of /stats and /servicemap walks (history/walk-gate.ts), on a fake clock: a cap on the
 * walks running at once, and one answer shared by the same question asked while it runs or
 * shortly after.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WalkGate } from '../dist/history/walk-gate.js';

/** A walk that ends when the test says, counting how often it was started. */
class HeldWalk {
  started = 0;
  private finish: ((answer: string) => void) | undefined;
  private fail: ((err: Error) => void) | undefined;

  readonly walk = (): Promise<string> => {
    this.started++;
    return new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
  };

  end(answer: string): void {
    this.finish!(answer);
  }

  break(err: Error): void {
    this.fail!(err);
  }
}

/** Lets the walk's promise chain settle (microtasks only). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WalkGate', () => {
  it('refuses a walk beyond the cap with 503 HUB_ERR_TOO_MANY_WALKS and Retry-After, yet lets the same question join', async () => {
    const gate = new WalkGate(1, 5000, () => 0);
    const a = new HeldWalk();
    const first = gate.run('a', a.walk);
    const joined = gate.run('a', a.walk);
    assert.throws(() => gate.run('b', new HeldWalk().walk), (err: Error & { status?: number; code?: string; headers?: Record<string, string> }) => {
      assert.equal(err.status, 503);
      assert.equal(err.code, 'HUB_ERR_TOO_MANY_WALKS');
      assert.deepEqual(err.headers, { 'retry-after': '2' });
      assert.match(err.message, /--max-walks 1/);
      return true;
    });
    await settled();
    assert.equal(gate.running, 1);
    a.end('answer a');
    assert.equal(await first, 'answer a');
    assert.equal(await joined, 'answer a');
    assert.equal(a.started, 1);
    assert.deepEqual(gate.counts, { walks: 1, refused: 1, shared: 1 });
    assert.equal(gate.running, 0);
    const b = new HeldWalk();
    const again = gate.run('b', b.walk);
    await settled();
    b.end('answer b');
    assert.equal(await again, 'answer b', 'a place is free again');
  });

  it('shares a finished answer for shareMs after it finished, then walks again', async () => {
    let now = 1000;
    const gate = new WalkGate(4, 5000, () => now);
    const a = new HeldWalk();
    const first = gate.run('a', a.walk);
    await settled();
    now = 3000;
    a.end('old');
    await first;
    now = 7999;
    assert.equal(await gate.run('a', a.walk), 'old');
    assert.equal(a.started, 1);
    now = 8000;
    const fresh = gate.run('a', a.walk);
    await settled();
    a.end('new');
    assert.equal(await fresh, 'new');
    assert.equal(a.started, 2);
    assert.deepEqual(gate.counts, { walks: 2, refused: 0, shared: 1 });
  });

  it('gives a failure to those who waited for it, but not to the next question', async () => {
    const gate = new WalkGate(4, 5000, () => 0);
    const a = new HeldWalk();
    const first = gate.run('a', a.walk);
    const joined = gate.run('a', a.walk);
    await settled();
    a.break(new Error('worker gone'));
    await assert.rejects(first, /worker gone/);
    await assert.rejects(joined, /worker gone/);
    assert.equal(gate.running, 0);
    const retried = gate.run('a', a.walk);
    await settled();
    a.end('ok');
    assert.equal(await retried, 'ok');
    assert.equal(a.started, 2);
  });

  it('with shareMs 0 shares only while the walk runs', async () => {
    const gate = new WalkGate(4, 0, () => 0);
    const a = new HeldWalk();
    const first = gate.run('a', a.walk);
    const joined = gate.run('a', a.walk);
    await settled();
    a.end('x');
    assert.equal(await first, 'x');
    assert.equal(await joined, 'x');
    const next = gate.run('a', a.walk);
    await settled();
    a.end('y');
    assert.equal(await next, 'y');
    assert.equal(a.started, 2);
  });
});
