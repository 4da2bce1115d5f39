/**
 * Redis golden captures: every capture under test/fixtures/redis/ (made by
 * fixtures/generate-redis.sh: Debian's redis-server with redis-cli, inline commands from bash,
 * and node-redis over RESP2 and RESP3, on a 1500-MTU veth pair) is dissected with the default
 * engine and compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them:
 * read their diff). Then independent checks: what a person read in the generator and the
 * client's script (REVIEWED, which a wrong golden cannot satisfy), tshark's view of every command
 * and of every reply it can read (run here, on the same file), the same entries in detail
 * `summary` and when the network's segments are cut smaller, the first kilobytes of each
 * connection cut at every position, and a capture joined in the middle of a connection.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { redis } from '../dist/protocols/redis/index.js';
import { readCapture, resegment, tcpView } from './helpers/capture-rewrite.js';
import { connections, firstBytes } from './helpers/connection-scripts.js';
import { dissectFile, dissectPackets } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { replayAllSplits } from './helpers/split-replay.js';
import { asSummaryDetail } from './helpers/summary-detail.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourRedis, tsharkRedis } from './helpers/tshark-redis.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/redis/', import.meta.url));

const SETINFO = "CLIENT SETINFO -> ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.";
/** What node-redis 5 sends first on a connection (Redis 7.0 knows neither CLIENT SETINFO nor MAINT_NOTIFICATIONS). */
const NODE_RESP2 = ['HELLO -> array 14', SETINFO, SETINFO];
const NODE_RESP3 = ['HELLO -> map 7', SETINFO, SETINFO, "CLIENT MAINT_NOTIFICATIONS -> ERR unknown subcommand 'MAINT_NOTIFICATIONS'. Try CLIENT HEL..."];
const UNKNOWN = "-> ERR unknown command 'NOSUCHCOMMAND', with args beginning wit...";
const WRONGTYPE = 'LPUSH user:1 -> WRONGTYPE Operation against a key holding the wrong kind of ...';
/** The large value of clients/redis-client.mjs: 300,000 octets of numbered lines. */
const LARGE = '"value line 00000 of a large string\\nvalue line 00001 of a lar..." (300000 B)';

/** A subscriber's and a publisher's entries (clients/redis-client.mjs `pubsub`), interleaved as they happen. */
const PUBSUB = [
  'SUBSCRIBE news -> subscribe news (1), subscribe alerts (2)',
  'PSUBSCRIBE news.* -> psubscribe news.* (3)',
  'PUBLISH news -> 1',
  'message news: "hello subscribers"',
  'PUBLISH news.sport -> 1',
  'pmessage news.* news.sport: "goal"',
  'PUBLISH alerts -> 1',
  'message alerts: "disk almost full"',
  'UNSUBSCRIBE news -> unsubscribe news (2), unsubscribe alerts (1)',
  'PUNSUBSCRIBE news.* -> punsubscribe news.* (0)',
  'QUIT -> OK',
];
const MONITOR = ['MONITOR -> OK', /^monitor \d+\.\d+ \[0 10\.244\.92\.1:\d+\] "SET" "monitored" "y\.\.\.$/, 'SET monitored -> OK', 'DEL monitored -> 1', 'QUIT -> OK'];

/**
 * What each capture holds, read from the generator and the client's script: the entries'
 * summaries in order (a malformed one with its code), and the RESP version of each entry.
 */
const REVIEWED: Record<string, { summaries: (string | RegExp)[]; versions: string[] }> = {
  cli: {
    summaries: [
      'PING -> PONG',
      // redis-cli asks for the commands' documentation first.
      'COMMAND DOCS -> array 480',
      'SET user:1 -> OK',
      'GET user:1 -> "alice"',
      'GET user:missing -> (nil)',
      'INCR counter -> 1',
      'INCRBY counter -> 11',
      'HSET profile:1 -> 2',
      'HGETALL profile:1 -> array 4',
      'LPUSH queue -> 3',
      'LRANGE queue -> array 3',
      'EXPIRE user:1 -> 1',
      'TTL user:1 -> 100',
      `NOSUCHCOMMAND x ${UNKNOWN}`,
      WRONGTYPE,
      'MULTI -> OK',
      'SET tx:a -> QUEUED',
      'INCR tx:a -> QUEUED',
      'EXEC -> array 2',
      'SET bin:1 -> OK',
      'GET bin:1 -> (11 B binary)',
      'CLIENT SETNAME -> OK',
      'OBJECT ENCODING counter -> "int"',
      'DEL user:1 -> 6',
      // Inline commands, written at once.
      'PING -> PONG',
      'SET inline:greeting -> OK',
      'GET inline:greeting -> "hello world"',
      'DEL inline:greeting -> 1',
      'QUIT -> OK',
    ],
    versions: ['2'],
  },
  resp2: {
    summaries: [
      ...NODE_RESP2,
      'SET user:1 -> OK',
      'GET user:1 -> "alice"',
      'GET user:missing -> (nil)',
      'HSET profile:1 -> 2',
      'HGETALL profile:1 -> array 4',
      'RPUSH queue -> 3',
      'LRANGE queue -> array 3',
      'SADD tags -> 2',
      'SMEMBERS tags -> array 2',
      'ZADD board -> 2',
      'ZRANGE board -> array 4',
      /^XADD events -> "\d+-0"$/,
      'XRANGE events -> array 1',
      'EVAL user:1 -> "alice"',
      'MULTI -> OK',
      'SET tx:a -> QUEUED',
      'INCR tx:a -> QUEUED',
      'GET tx:a -> QUEUED',
      'EXEC -> array 3',
      ...Array.from({ length: 40 }, (_, i) => `INCR hits -> ${i + 1}`),
      'SET blob:large -> OK',
      `GET blob:large -> ${LARGE}`,
      `NOSUCHCOMMAND x ${UNKNOWN}`,
      WRONGTYPE,
      'DEL user:1 -> 9',
      'QUIT -> OK',
    ],
    versions: ['2'],
  },
  resp3: {
    summaries: [
      ...NODE_RESP3,
      'HSET profile:3 -> 2',
      'HGETALL profile:3 -> map 2',
      'SADD tags:3 -> 1',
      'SMEMBERS tags:3 -> set 1',
      'ZADD board:3 -> 1',
      'ZSCORE board:3 -> 3.25',
      /^INFO -> "# Server\\r\\nredis_version:7\.0\.\d+\\r\\n.*" \(\d+ B\)$/,
      `NOSUCHCOMMAND ${UNKNOWN}`,
      'CLIENT TRACKING -> OK',
      'GET profile:3:name -> (nil)',
      // A second connection changes the tracked key: the first is told.
      ...NODE_RESP3,
      'SET profile:3:name -> OK',
      'invalidate profile:3:name',
      'QUIT -> OK',
      'PING -> PONG',
      'DEL profile:3 -> 4',
      'QUIT -> OK',
      // redis-cli -3 and DEBUG PROTOCOL.
      'HELLO -> map 7',
      'COMMAND DOCS -> map 240',
      'DEBUG -> true',
      'DEBUG -> false',
      'DEBUG -> (nil)',
      'server-cpu-usage 42',
      'DEBUG -> "Some real reply following the push reply"',
      'DEBUG -> "This is a verbatim\\nstring"',
      'DEBUG -> 3.141',
      'DEBUG -> map 3',
      'DEBUG -> set 3',
      // Inline commands from bash: a big number, and a reply with an attribute.
      'HELLO -> map 7',
      'DEBUG -> 1234567999999999999999999999999999999',
      'DEBUG -> "Some real reply following the attribute"',
      'QUIT -> OK',
    ],
    versions: ['3'],
  },
  'pubsub-resp2': {
    summaries: [...NODE_RESP2, ...NODE_RESP2, ...PUBSUB, ...NODE_RESP2, ...MONITOR],
    versions: ['2'],
  },
  'pubsub-resp3': {
    summaries: [...NODE_RESP3, ...NODE_RESP3, ...PUBSUB, ...NODE_RESP3, ...MONITOR],
    versions: ['3'],
  },
};

const line = (e: Entry): string => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '');

function assertSummaries(entries: readonly Entry[], expected: readonly (string | RegExp)[]): void {
  assert.equal(entries.length, expected.length, entries.map(line).join('\n'));
  entries.forEach((e, i) => {
    const want = expected[i]!;
    if (typeof want === 'string') assert.equal(line(e), want);
    else assert.match(line(e), want);
  });
}

describe('Redis golden captures', () => {
  goldenCaptures(
    FIXTURES,
    REVIEWED,
    (name, file, result) => {
      it('holds what a person read in the generator and the client', () => {
        const reviewed = REVIEWED[name]!;
        assertSummaries(result().entries, reviewed.summaries);
        assert.deepEqual([...new Set(result().entries.map((e) => e.protocol.version))], reviewed.versions);
      });

      it('agrees with tshark on every command, and on every reply and push of RESP2 it reads', () => {
        const theirs = tsharkRedis(file);
        const ours = ourRedis(result().entries);
        const unread: string[] = [];
        for (const [port, mine] of ours) {
          const their = theirs.get(port) ?? { commands: [], replies: [] };
          assert.deepEqual(mine.commands, their.commands, `commands of the connection from port ${port}`);
          if (mine.replies.length === their.replies.length) assert.deepEqual(mine.replies, their.replies, `replies of the connection from port ${port}`);
          else unread.push(port);
        }
        // tshark 4.0 reads no RESP3, and loses its way in COMMAND DOCS's nested reply.
        const beyondTshark = (e: Entry): boolean => e.protocol.version === '3' || e.summary.text.startsWith('COMMAND DOCS');
        assert.deepEqual(unread, [...new Set(result().entries.filter(beyondTshark).map((e) => String(e.src.port)))]);
        assert.ok(ours.size > unread.length || name.endsWith('resp3'), 'some connection was compared reply by reply');
      });

      it('gives the same entries in detail summary, without arguments and values', () => {
        assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }).entries, asSummaryDetail(result().entries));
      });

      it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
        assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
      });

      it('gives the same transactions whatever the segmentation of the first kilobyte of each connection', () => {
        for (const script of connections(file)) {
          const out = replayAllSplits(redis, firstBytes(script, 1024));
          assert.equal(out.unclaimed, false);
          assert.ok(out.transactions.length >= 1);
        }
      });
    },
    { abbreviateBodies: true },
  );
});

describe('Redis joined in the middle of a connection, from a real capture', () => {
  const packets = readCapture(path.join(FIXTURES, 'resp2.pcap'));
  const payload = (i: number): string => {
    const v = tcpView(packets[i]!);
    return v === null ? '' : packets[i]!.data.toString('latin1', v.payloadOffset, v.payloadOffset + v.payloadLength);
  };
  const expected = REVIEWED['resp2']!.summaries;

  it('between two commands: every command from the first one seen on', () => {
    const at = packets.findIndex((_, i) => payload(i).includes('SADD'));
    assertSummaries(dissectPackets(packets.slice(at)).entries, expected.slice(expected.indexOf('SADD tags -> 2')));
  });

  it('inside a 300,000-octet command: its end is searched past, its reply shown alone, the next command found', () => {
    const get = packets.findIndex((_, i) => payload(i).includes('GET\r\n$10\r\nblob:large'));
    // About 29 KB before the end of the SET's value: lines of text, no command start in them.
    let at = get;
    for (let seen = 0; seen < 20; at--) if (payload(at - 1).length === 1448) seen++;
    assert.ok(payload(at).includes(' of a large string\n') && !payload(at).startsWith('*'));
    assertSummaries(dissectPackets(packets.slice(at)).entries, ['(no request) -> OK [DIS_ERR_NO_REQUEST]', ...expected.slice(expected.indexOf(`GET blob:large -> ${LARGE}`))]);
  });
});
