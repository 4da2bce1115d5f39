/** The hub shows a call captured on two nodes once (feed/cross-node-copies.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { CrossNodeCopies } from '../dist/feed/cross-node-copies.js';

/** An entry of `GET /x -> 200` from the traffic pod (node-2) to front (node-1), as `worker` made it. */
function call(worker: string, ts: number, nodes: [string | undefined, string | undefined] = ['node-2', 'node-1'], path = '/x'): Entry {
  return {
    id: `${worker}/r/${ts}`,
    stream: `${worker}/r/tcp/1`,
    timestamp: ts,
    elapsedMs: 1,
    protocol: { name: 'http', abbr: 'HTTP', layer4: 'tcp' },
    capture: 'ebpf',
    src: { ip: '10.244.2.4', port: 40000, ...(nodes[0] !== undefined ? { node: nodes[0] } : {}) },
    dst: { ip: '10.244.1.3', port: 8080, ...(nodes[1] !== undefined ? { node: nodes[1] } : {}) },
    node: { name: worker, ip: '' },
    worker,
    summary: { method: 'GET', path, status: 200, text: `GET ${path} -> 200` },
    request: null,
    response: null,
    requestSize: 60,
    responseSize: 120,
  };
}

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
