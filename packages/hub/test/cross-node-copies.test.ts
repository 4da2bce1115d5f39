/** The hub shows a call captured on two nodes once (feed/cross-node-copies.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { CrossNodeCopies } from '../dist/feed/cross-node-copies.js';
import { CopyFreeMerge } from '../dist/feed/copy-free-merge.js';
import { callEntry as call } from './helpers/call-entry.js';

describe('cross-node copies', () => {
  it('the second node’s entry of a call is a copy, within the clocks’ tolerance', () => {
    const copies = new CrossNodeCopies();
    assert.equal(copies.isCopy(call('node-2', 1000)), false);
    assert.equal(copies.isCopy(call('node-1', 1000.4)), true);
    assert.equal(copies.copies, 1);
  });

  it('two identical calls on one connection, seen by both nodes in any order, stay two', () => {
    const copies = new CrossNodeCopies();
    const seen = [call('node-2', 1000), call('node-1', 1000.3), call('node-1', 1010), call('node-2', 1010.2)].filter((e) => !copies.isCopy(e));
    assert.equal(seen.length, 2);
  });

  it('never a copy: the same worker twice, a call within one node, unnamed ends, a worker of a third node, calls far apart', () => {
    const copies = new CrossNodeCopies();
    assert.equal(copies.isCopy(call('node-2', 1000)), false);
    assert.equal(copies.isCopy(call('node-2', 1000)), false, 'the same worker: a second call');
    assert.equal(copies.isCopy(call('node-1', 2000, ['node-1', 'node-1'])), false);
    assert.equal(copies.isCopy(call('node-1', 2000, ['node-1', 'node-1'])), false, 'within one node there is one capture');
    assert.equal(copies.isCopy(call('a', 3000, [undefined, undefined])), false);
    assert.equal(copies.isCopy(call('b', 3000, [undefined, undefined])), false, 'unnamed: cannot tell');
    assert.equal(copies.isCopy(call('node-3', 1000)), false, 'node-3 is neither end');
    assert.equal(copies.isCopy(call('node-1', 9000)), false, 'far apart: another call');
    assert.equal(copies.copies, 0);
  });
});

/**
 * Which copy the live feed keeps must not depend on which worker sent first: a client that
 * reconnects replays the same calls, and was given one copy's id already (found on the lab by
 * packages/cli/test/lab-resilience.test.ts: `shoal observe --follow` printed calls twice, once
 * per node, across a hub restart).
 */
describe('the merged feed keeps the earlier copy, whatever the arrival order', () => {
  /** The ids a merge gives for `arrivals`, every deadline passed at the end (or at `ready`). */
  function kept(arrivals: Entry[], holding: boolean, tickBetween = false): string[] {
    let now = 0;
    const out: string[] = [];
    const merge = new CopyFreeMerge(500, 50_000, (e) => out.push(e.id), () => undefined, () => now);
    merge.holding = holding;
    for (const e of arrivals) {
      merge.push(e);
      if (tickBetween) {
        now += 1000;
        merge.tick();
      }
    }
    merge.flushAll();
    return out;
  }
  // The client (traffic, node-2) sees the request 0.1 ms before the server's node does.
  const client = call('node-2', 1000);
  const server = call('node-1', 1000.1);

  it('live: both copies within the window, either order: the client node\'s copy', () => {
    assert.deepEqual(kept([client, server], false), [client.id]);
    assert.deepEqual(kept([server, client], false), [client.id]);
  });

  it('a replay holds until ready, so a slow worker\'s earlier copy still wins', () => {
    // The server's worker replays fast; the client's arrives long after the window would end.
    assert.deepEqual(kept([server, client], true, true), [client.id]);
    // Without holding, the server's copy would have gone out alone, and the client's dropped.
    assert.deepEqual(kept([server, client], false, true), [server.id]);
  });
});

