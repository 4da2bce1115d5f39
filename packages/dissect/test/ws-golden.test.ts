/**
 * WebSocket golden captures: every capture under test/fixtures/ws/ (made by
 * fixtures/generate-ws.sh: a server and a client made with the `ws` package, permessage-deflate
 * off, refused, on, and on without context takeover, on a 1500-MTU veth pair) is dissected with
 * the default engine and compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1`
 * rewrites them: read their diff). Then independent checks: what a person read in the capture
 * and the generator (REVIEWED, which a wrong golden cannot satisfy), tshark's view of every
 * message (run here, on the same file), the first kilobytes of each connection cut at every
 * position, the same entries when the network's segments are cut smaller, and a capture that
 * begins after the handshake.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { http1 } from '../dist/protocols/http1/index.js';
import { ws } from '../dist/protocols/ws/index.js';
import { readCapture, resegment, tcpView } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets, ofProtocol } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourMessages, tsharkMessages } from './helpers/tshark-ws.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/ws/', import.meta.url));

/** The start of the large message of clients/ws-client.mjs (74,000 octets of numbered lines). */
const LARGE = 'line 0000 of the large text message, line 0001 of the large ...';
/** What clients/ws-client.mjs `echo` sends, each echoed back by servers/ws-server.mjs. */
const ECHOED = ['text 22 B: hello over a websocket', 'binary 300 B', 'text 26 B: fragmented in three frames', `text 74000 B: ${LARGE}`, `text 74000 B: ${LARGE}`];
const ECHO = [...ECHOED.flatMap((m) => [`-> ${m}`, `<- ${m}`]), '-> ping, <- pong', '-> close 1000 "done", <- close 1000 "done"'];
/** What the server's `/feed` sends: five updates, a ping the client answers, a close with 4001. */
const FEED = [
  ...[1, 2, 3, 4, 5].map((i) => `<- text 42 B: {"seq":${i},"price":${100 + i},"note":"feed update"}`),
  '<- ping, -> pong',
  '<- close 4001 "feed over", -> close 4001 "feed over"',
];

/**
 * What each capture holds, read from the generator and the peers' scripts: the entries' summaries
 * in order (the upgrade's HTTP entry first on each connection), and whether the data messages
 * were compressed (RSV1).
 */
const REVIEWED: Record<string, { summaries: string[]; compressed: boolean }> = {
  plain: { summaries: ['GET /echo -> 101', ...ECHO, 'GET /feed -> 101', ...FEED], compressed: false },
  'deflate-refused': { summaries: ['GET /echo -> 101', ...ECHO], compressed: false },
  deflate: { summaries: ['GET /echo -> 101', ...ECHO, 'GET /feed -> 101', ...FEED], compressed: true },
  'deflate-no-context': { summaries: ['GET /echo -> 101', ...ECHO], compressed: true },
};

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');
const messages = (e: Entry): Record<string, unknown>[] => [e.request, e.response].filter((m): m is Record<string, unknown> => m !== null);
const dataMessages = (entries: Entry[]): Record<string, unknown>[] =>
  ofProtocol({ entries, stats: {}, warnings: [] }, 'ws').flatMap(messages).filter((m) => m['opcode'] === 'text' || m['opcode'] === 'binary');

describe('WebSocket golden captures', () => {
  it('holds what the peers were asked for: the window kept across messages or not, as the 101 said', () => {
    const feed = (name: string): number[] =>
      dataMessages(dissectFile(path.join(FIXTURES, `${name}.pcap`)).entries)
        .filter((m) => typeof m['body'] === 'string' && (m['body'] as string).startsWith('{"seq":'))
        .map((m) => m['bodySize'] as number);
    // The same 42-octet updates: with the server's window kept, each refers back to the one before.
    assert.deepEqual(feed('plain'), [42, 42, 42, 42, 42]);
    const kept = feed('deflate');
    assert.ok(kept[0]! > 40 && kept.slice(1).every((n) => n < 15), kept.join(' '));
    // Without context takeover, the second large message compresses as the first did.
    const large = (name: string): number[] => dataMessages(dissectFile(path.join(FIXTURES, `${name}.pcap`)).entries).filter((m) => m['decodedSize'] === 74000).map((m) => m['bodySize'] as number);
    assert.equal(new Set(large('deflate-no-context')).size, 1);
    // What the echo server sent back is what the client sent.
    const [sent, echoed] = [0, 1].map((k) => dataMessages(dissectFile(path.join(FIXTURES, 'deflate.pcap')).entries).filter((_, i) => i % 2 === k).slice(0, 5));
    assert.deepEqual(echoed!.map((m) => m['body']), sent!.map((m) => m['body']));
  });

  goldenCaptures(
    FIXTURES,
    REVIEWED,
    (name, file, result) => {
      it('holds what a person read in the capture', () => {
        const reviewed = REVIEWED[name]!;
        assert.deepEqual(result().entries.map(line), reviewed.summaries);
        assert.ok(dataMessages(result().entries).every((m) => m['compressed'] === reviewed.compressed));
      });

      it('agrees with tshark on every message: sender, opcode, frames, size, RSV1, close code and reason, text', () => {
        const theirs = tsharkMessages(file);
        assert.ok(theirs.length >= 14, `tshark found ${theirs.length} messages`);
        assert.deepEqual([...ourMessages(result().entries)].sort(), [...theirs].sort());
      });

      it('gives the same entries in detail summary, without bodies', () => {
        assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
      });

      it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
        assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
      });

      it('gives the same transactions whatever the segmentation of the first kilobytes of each connection', () => {
        for (const script of connections(file)) {
          const out = replayAllSplits([http1, ws], firstBytes(script, 2048));
          assert.equal(out.unclaimed, false);
          assert.ok(out.transactions.length >= 2, 'the upgrade and messages after it');
        }
      });
    },
    { abbreviateBodies: true },
  );
});

describe('WebSocket joined after the handshake, from a real capture', () => {
  /** The capture from the first packet after the 101 of its first connection. */
  function afterHandshake(name: string): Entry[] {
    const packets = readCapture(path.join(FIXTURES, `${name}.pcap`));
    const switched = packets.findIndex((p) => {
      const v = tcpView(p);
      return v !== null && p.data.toString('latin1', v.payloadOffset, v.payloadOffset + 12) === 'HTTP/1.1 101';
    });
    return dissectPackets(packets.slice(switched + 1)).entries;
  }

  it('without compression: every message of the first connection, found by its frames', () => {
    const entries = afterHandshake('plain');
    assert.deepEqual(entries.map(line), [...ECHO, 'GET /feed -> 101', ...FEED]);
  });

  it('with the window kept: what needs no earlier message decodes, the rest says why not', () => {
    const entries = afterHandshake('deflate').slice(0, ECHO.length);
    assert.ok(entries.every((e) => e.protocol.name === 'ws'));
    const first = dataMessages(entries)[0]!;
    assert.equal(first['body'], 'hello over a websocket');
    for (const m of dataMessages(entries)) {
      if (m['decodeError'] !== undefined) assert.match(m['decodeError'] as string, /^deflate: refers to earlier messages that were not decoded/);
    }
  });
});
