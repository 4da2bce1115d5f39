import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor, WaitTimeout } from '@shoal/testkit';

describe('waitFor', () => {
  it('returns what the check gives once it holds, sync or async', async () => {
    let calls = 0;
    assert.equal(await waitFor('the third call', () => (++calls === 3 ? 'third' : undefined)), 'third');
    assert.equal(calls, 3);
    let asyncCalls = 0;
    assert.equal(await waitFor('a true answer', async () => ++asyncCalls >= 2), true);
    assert.equal(asyncCalls, 2);
    assert.equal(await waitFor('a zero', () => 0), 0, 'only undefined, null and false mean "not yet"');
  });

  it('gives up with a WaitTimeout naming what it waited for', async () => {
    let calls = 0;
    await assert.rejects(
      waitFor('the moon to turn blue', () => (calls++, false), { timeoutMs: 30, intervalMs: 5 }),
      (err: unknown) => err instanceof WaitTimeout && err.message === 'gave up after 0.03 s waiting for the moon to turn blue',
    );
    assert.ok(calls >= 2, 'checked again after the deadline passed');
  });

  it('describes the state reached when `what` is a function, read when it gives up', async () => {
    let seen = 0;
    await assert.rejects(
      waitFor(() => `5 entries (got ${seen})`, () => (++seen, null), 20),
      /^WaitTimeout: gave up after 0\.02 s waiting for 5 entries \(got [2-9]\d*\)$/,
    );
  });

  it('ends at once on an error thrown by the check', async () => {
    const boom = new Error('boom');
    await assert.rejects(waitFor('nothing', () => { throw boom; }), (err) => err === boom);
  });
});
