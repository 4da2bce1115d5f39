/**
 * MongoDB golden captures: every capture under test/fixtures/mongodb/ (made by
 * fixtures/generate-mongodb.sh: the official `mongodb` driver, a real client, against
 * servers/mongodb-responder.mjs, whose replies the `bson` package builds, on a 1500-MTU veth pair)
 * is dissected with the default engine and compared with `<name>.expected.json` beside it
 * (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then independent checks: what a person read
 * in the capture and the client script (REVIEWED), tshark's view of every message (run here, on
 * the same file), the first kilobyte of each connection cut at every position, the same entries
 * when the network's segments are cut smaller, and what the driver sent, decoded.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { mongodb } from '../dist/protocols/mongodb/index.js';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourMongo, tsharkMongo } from './helpers/tshark-mongodb.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/mongodb/', import.meta.url));

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');

/**
 * What each capture holds, read from clients/mongodb-client.mjs: the entries' summaries, each
 * once, in the order they first appear (the driver's monitoring connection says hello as often
 * as its timers ask).
 */
const REVIEWED: Record<string, string[]> = {
  hello: [
    'ismaster admin -> ok',
    'ping admin -> ok',
    'endSessions admin -> no response (moreToCome)',
  ],
  insert: [
    'ismaster admin -> ok',
    'insert shop.orders (3 docs) -> ok n=3',
    'endSessions admin -> no response (moreToCome)',
  ],
  find: [
    'ismaster admin -> ok',
    'insert shop.orders (5 docs) -> ok n=5',
    'find shop.orders -> 2 docs',
    'getMore shop.orders -> 2 docs',
    'endSessions admin -> no response (moreToCome)',
  ],
  update: [
    'ismaster admin -> ok',
    'update shop.orders (1 update) -> ok n=1',
    'endSessions admin -> no response (moreToCome)',
  ],
  delete: [
    'ismaster admin -> ok',
    'delete shop.orders (1 delete) -> ok n=7',
    'endSessions admin -> no response (moreToCome)',
  ],
  error: [
    'ismaster admin -> ok',
    'nope shop -> error 59 CommandNotFound',
    'insert shop.orders (1 doc) -> error 11000',
    'endSessions admin -> no response (moreToCome)',
  ],
  large: [
    'ismaster admin -> ok',
    'insert shop.orders (1 doc) -> ok n=1',
    'find shop.orders -> 1 doc',
    'endSessions admin -> no response (moreToCome)',
  ],
  zlib: [
    'ismaster admin -> ok',
    'insert shop.compressed (2 docs) -> ok n=2',
    'find shop.compressed -> 2 docs',
    'endSessions admin -> no response (moreToCome)',
  ],
};

describe('MongoDB golden captures', () => {
  goldenCaptures(
    FIXTURES,
    REVIEWED,
    (name, file, result) => {
      it('holds what a person read in the capture', () => {
        assert.deepEqual([...new Set(result().entries.map(line))], REVIEWED[name]);
      });

      it('agrees with tshark on every message: opcode, requestID, responseTo, command', () => {
        const theirs = tsharkMongo(file);
        assert.ok(theirs.length >= 4, `tshark found ${theirs.length} messages`);
        const single = new Set(theirs.filter((l) => l.includes(' cmd=')).map((l) => l.replace(/ op=.* id=(\d+) .*/, ' $1')));
        const ours = ourMongo(result().entries, (port, id) => single.has(`client=${port} ${id >>> 0}`));
        assert.deepEqual(ours.sort(), [...theirs].sort());
      });

      it('gives the same entries in detail summary, without bodies', () => {
        assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
      });

      it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
        assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
      });

      it('gives the same transactions whatever the segmentation of the first kilobyte of each connection', () => {
        for (const script of connections(file)) {
          const out = replayAllSplits(mongodb, firstBytes(script, 1024));
          assert.equal(out.unclaimed, false);
          assert.ok(out.transactions.length >= 1);
        }
      });
    },
    { abbreviateBodies: true },
  );
});

describe('MongoDB captures: what the driver sent, decoded', () => {
  const entries = (name: string): Entry[] => dissectFile(`${FIXTURES}${name}.pcap`).entries;

  it('hello: the legacy OP_QUERY handshake and its OP_REPLY, then OP_MSG with $db', () => {
    const handshake = entries('hello')[0];
    const ping = entries('hello').find((e) => e.summary.method === 'ping');
    assert.equal(handshake!.request?.['opCode'], 'OP_QUERY');
    assert.equal(handshake!.response?.['opCode'], 'OP_REPLY');
    assert.equal((handshake!.response?.['body'] as Record<string, unknown>)['maxWireVersion'], 21);
    assert.deepEqual([ping!.request?.['opCode'], ping!.request?.['database'], ping!.response?.['ok']], ['OP_MSG', 'admin', 1]);
  });

  it('insert: the documents in a kind-1 section, each decoded from BSON', () => {
    const insert = entries('insert').find((e) => e.summary.method === 'insert')!;
    const [seq] = insert.request?.['sequences'] as Array<{ identifier: string; count: number; documents: Array<Record<string, unknown>> }>;
    assert.equal(seq!.identifier, 'documents');
    assert.deepEqual(seq!.documents.map((d) => [d['_id'], d['qty']]), [['order-1', 1], ['order-2', 2], ['order-3', 3]]);
    assert.deepEqual([insert.request?.['collection'], insert.response?.['n'], insert.response?.['status']], ['orders', 3, 'ok']);
  });

  it('find: the cursor from the first batch, getMore by its id until it is 0', () => {
    const cursorIds = entries('find').filter((e) => e.summary.method === 'find' || e.summary.method === 'getMore').map((e) => [e.summary.method, e.response?.['batchSize'], e.response?.['cursorId'] === 0 ? 0 : 'open']);
    assert.deepEqual(cursorIds, [['find', 2, 'open'], ['getMore', 2, 'open'], ['getMore', 2, 'open'], ['getMore', 2, 0]]);
  });

  it('error: ok 0 with errmsg and codeName, and a write error inside ok 1: both errors', () => {
    const [nope, duplicate] = entries('error').filter((e) => e.response?.['status'] === 'error');
    assert.deepEqual([nope!.response?.['ok'], nope!.response?.['code'], nope!.response?.['errmsg']], [0, 59, "no such command: 'nope'"]);
    assert.deepEqual([duplicate!.response?.['ok'], duplicate!.response?.['code']], [1, 11000]);
    assert.match(duplicate!.response?.['errmsg'] as string, /^E11000 duplicate key error/);
  });

  it('large: a 250 KB document across many segments, each way (inline in the body: one document), its string shown cut', () => {
    const [insert, find] = entries('large').filter((e) => e.summary.path === 'shop.orders');
    assert.ok(insert!.requestSize > 240_000 && find!.responseSize > 240_000);
    const [doc] = (insert!.request?.['body'] as { documents: Array<Record<string, string>> }).documents;
    assert.ok(doc!['payload']!.startsWith('line 0000 of the large document') && doc!['payload']!.endsWith('...') && doc!['payload']!.length === 1027);
    assert.equal(insert!.request?.['decodeError'], undefined);
  });

  it('zlib: with compression agreed in the handshake, OP_COMPRESSED both ways, inflated and read', () => {
    const [insert, find] = entries('zlib').filter((e) => e.summary.path === 'shop.compressed');
    assert.deepEqual(insert!.request?.['compressed'], { compressor: 'zlib', originalOpCode: 'OP_MSG' });
    assert.deepEqual(find!.response?.['compressed'], { compressor: 'zlib', originalOpCode: 'OP_MSG' });
    const batch = ((find!.response?.['body'] as { cursor: { firstBatch: Array<Record<string, unknown>> } }).cursor.firstBatch).map((d) => d['note']);
    assert.deepEqual(batch, ['sent as OP_COMPRESSED with zlib', 'sent as OP_COMPRESSED with zlib']);
  });
});
