/**
 * `drained`, the backpressure wait of the pcap exports (worker and hub): one 'drain' and one
 * 'close' listener at a time however many waits a long stream makes, and a client that goes
 * away ends the wait.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { drained } from '../dist/http.js';

/** A stream that takes 4 bytes before it is full and finishes each write on the next turn. */
function slowSink(): Writable {
  return new Writable({ highWaterMark: 4, write: (_chunk, _enc, done) => setImmediate(done) });
}

describe('drained', () => {
  it('holds one listener of each kind at a time over many waits, and none after', async () => {
    const out = slowSink();
    const before = { drain: out.listenerCount('drain'), close: out.listenerCount('close') };
    let most = 0;
    for (let i = 0; i < 50; i++) {
      assert.equal(out.write(Buffer.alloc(8)), false, 'every write fills it');
      const wait = drained(out);
      most = Math.max(most, out.listenerCount('drain') - before.drain, out.listenerCount('close') - before.close);
      assert.equal(await wait, true);
    }
    assert.equal(most, 1);
    assert.deepEqual({ drain: out.listenerCount('drain'), close: out.listenerCount('close') }, before);
  });

  it('ends the wait with false when the stream closes first, or has closed already', async () => {
    const out = slowSink();
    out.write(Buffer.alloc(8));
    const wait = drained(out);
    out.destroy();
    assert.equal(await wait, false);
    assert.equal(await drained(out), false);
    assert.equal(out.listenerCount('close'), 0);
  });
});
