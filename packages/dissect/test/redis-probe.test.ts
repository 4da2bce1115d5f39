/**
 * Recognising Redis (protocols/redis/probe.ts, seeker.ts): commands in RESP and inline, the
 * server's pushes, `more` while the deciding bytes are still to come (cut anywhere), and nothing
 * of other protocols: hand-made first bytes and the first bytes of every connection of the other
 * protocols' real captures in this repository.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROBE_LIMIT } from '../dist/dissector.js';
import { probe } from '../dist/protocols/redis/probe.js';
import { redisSeeker } from '../dist/protocols/redis/seeker.js';
import { connections } from './helpers/connection-scripts.js';
import * as R from './helpers/redis-wire.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

/** The verdict on `bytes`, and `more` on every shorter prefix (a segment may end anywhere). */
function decided(bytes: Buffer | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const verdict = probe(b);
  if (verdict === 'client' || verdict === 'server') {
    for (let n = 0; n < b.length; n++) {
      const early = probe(b.subarray(0, n));
      assert.ok(early === 'more' || early === verdict, `${JSON.stringify(b.toString('latin1', 0, n))} → ${early}`);
    }
  }
  return verdict;
}

describe('Redis probe', () => {
  it('claims a command in RESP for the client, whatever its name (modules too)', () => {
    assert.equal(decided(R.command('SET', 'k', 'v')), 'client');
    assert.equal(decided(R.command('json.set', 'doc', '$', '{}')), 'client');
    assert.equal(decided(R.command('SUBSCRIBE', 'news')), 'client');
    assert.equal(decided(R.command('HELLO', '3')), 'client');
  });

  it('claims the server\'s pushes: RESP3 ones, and RESP2 messages and confirmations', () => {
    assert.equal(decided(R.push(R.bulk('message'), R.bulk('news'), R.bulk('hi'))), 'server');
    assert.equal(decided(R.array(R.bulk('message'), R.bulk('news'), R.bulk('hi'))), 'server');
    assert.equal(decided(R.array(R.bulk('pmessage'), R.bulk('n*'), R.bulk('news'), R.bulk('hi'))), 'server');
    assert.equal(decided(R.array(R.bulk('subscribe'), R.bulk('news'), R.integer(1))), 'server');
    assert.equal(decided(R.array(R.bulk('unsubscribe'), R.bulk(null), R.integer(0))), 'server');
    // The same first words as a client's command.
    assert.equal(decided(R.command('SUBSCRIBE', 'news', 'alerts')), 'client');
  });

  it('claims an inline command whose first word is a Redis command, once its line ended', () => {
    assert.equal(decided('PING\r\n'), 'client');
    assert.equal(decided('get user:1\n'), 'client');
    assert.equal(decided('SET k "a b"\r\nGET k\r\n'), 'client');
    assert.equal(probe(Buffer.from('PING')), 'more');
  });

  it('claims nothing of other protocols, nor replies alone', () => {
    const refused = [
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /index.html HTTP/1.0\r\n',
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      'HTTP/1.1 200 OK\r\n',
      'EHLO mail.example\r\n',
      'USER anonymous\r\n',
      '+OK\r\n',
      ':1\r\n',
      '$5\r\nhello\r\n',
      '-ERR unknown command\r\n',
      '*2\r\n:1\r\n:2\r\n',
      '*1\r\n$3\r\n123\r\n',
      'AMQP\x00\x00\x09\x01',
      '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
      '\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c',
      'PINGX\r\n',
      'PING\x01\r\n',
    ];
    for (const bytes of refused) assert.equal(probe(Buffer.from(bytes, 'latin1')), 'no', JSON.stringify(bytes));
  });

  it('claims no direction of any connection of the other protocols\' real captures', () => {
    const folders = ['http1', 'http2', 'grpc', 'graphql', 'ws', 'tls', 'dns'];
    let directions = 0;
    for (const folder of folders) {
      for (const file of fs.readdirSync(path.join(FIXTURES, folder)).filter((f) => /\.pcap(ng)?$/.test(f))) {
        for (const script of connections(path.join(FIXTURES, folder, file))) {
          for (const dir of [0, 1]) {
            const first = script.find((st) => st.kind === 'data' && st.dir === dir);
            if (first === undefined || first.kind !== 'data') continue;
            directions++;
            const verdict = probe(first.bytes.subarray(0, PROBE_LIMIT));
            assert.ok(verdict === 'no' || verdict === 'more', `${folder}/${file}: ${verdict}`);
          }
        }
      }
    }
    assert.ok(directions > 100, `${directions} directions`);
  });
});

describe('Redis seeker', () => {
  it('finds a command or push after an LF, wherever the bytes were cut, and not before', () => {
    const bytes = Buffer.concat([Buffer.from('tail of a value *1\r\n no\r\n'), R.command('GET', 'k')]);
    const start = bytes.length - R.command('GET', 'k').length;
    for (let cut = 1; cut < bytes.length; cut++) {
      const seeker = redisSeeker();
      const first = seeker.scan(bytes.subarray(0, cut));
      const second = first === null ? seeker.scan(bytes.subarray(cut)) : null;
      const found = first ?? (second === null ? null : cut + second);
      assert.equal(found, start, `cut at ${cut}`);
    }
  });

  it('finds nothing in a text without commands', () => {
    const seeker = redisSeeker();
    assert.equal(seeker.scan(Buffer.from('line one\r\nline two\n*not a command\r\n>no\r\n')), null);
  });
});
