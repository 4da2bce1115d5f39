import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryJson } from '../src/domain/entry-row.js';
import { FeedModel } from '../src/domain/feed-model.js';

function entry(n: number): EntryJson {
  return {
    id: `node-a/run/${n}`,
    stream: 'node-a/run/tcp/1',
    timestamp: 1_000 + n,
    elapsedMs: 2,
    protocol: { name: 'http', abbr: 'HTTP' },
    src: { ip: '10.0.0.1', port: 40000, pod: 'client', namespace: 'shop' },
    dst: { ip: '10.0.0.2', port: 80, service: 'api' },
    node: { name: 'node-a' },
    summary: { method: 'GET', path: `/items/${n}`, status: 200, text: `GET /items/${n}` },
    requestSize: 10,
    responseSize: 20,
  };
}

describe('FeedModel', () => {
  it('keeps each entry as one summary row, tagged as an entry, in arrival order', () => {
    const m = new FeedModel(10);
    m.addEntries([entry(1), entry(2)]);
    const row = m.rows.at(1)!;
    assert.equal(row.kind, 'entry');
    assert.ok(row.kind === 'entry');
    assert.equal(row.id, 'node-a/run/2');
    assert.equal(row.text, '/items/2');
    assert.equal(row.src.label, 'client');
    assert.equal(row.dst.label, 'api');
    assert.equal(row.bytes, 30);
  });

  it('counts the rows that arrive while paused, and notifies once per batch', () => {
    const m = new FeedModel(10);
    let calls = 0;
    m.subscribe(() => calls++);
    m.follow(false);
    m.addEntries([entry(1), entry(2), entry(3)]);
    assert.equal(m.unseen, 3);
    assert.equal(calls, 2);
    m.follow(true);
    assert.equal(m.unseen, 0);
  });

  it('empties on a new query, 300,000 rows included, and follows the tail again', () => {
    const m = new FeedModel();
    const batch = Array.from({ length: 1000 }, (_, i) => entry(i));
    for (let k = 0; k < 300; k++) m.addEntries(batch);
    assert.equal(m.rows.length, 300_000);
    m.follow(false);
    m.reset();
    assert.equal(m.rows.length, 0);
    assert.equal(m.following, true);
    m.addGap({ kind: 'outage', from: 1, to: 2 });
    assert.equal(m.rows.at(0)!.kind, 'gap');
  });
});
