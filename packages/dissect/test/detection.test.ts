/**
 * Detection (flow/stream-handler.ts): every replay starts from an empty flow, so the probes see
 * the first chunk alone, cut wherever the split helper cuts it. On a 1500-byte MTU the network
 * cuts every message longer than 1448 bytes; loopback's 64 KiB MTU never does, which is how a
 * start line longer than one segment once went undetected.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DissectorSpec, StreamDissector, Transaction } from '../dist/dissector.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { c, close, replay, replayAllSplits, s, type Outcome, type Step } from './helpers/split-replay.js';

/** TCP payload of a full segment on a 1500-byte MTU (IPv4, TCP timestamps on). */
const SEGMENT = 1448;

const OK = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const rows = (out: Outcome): unknown[][] => out.transactions.map((t) => [t.summary.text, t.malformed ?? null]);

/** Cuts data every SEGMENT bytes, as the network does. */
const bySegments = (_i: number, b: Buffer): Buffer[] => {
  const out: Buffer[] = [];
  for (let p = 0; p < b.length; p += SEGMENT) out.push(b.subarray(p, p + SEGMENT));
  return out;
};

describe('detection of messages cut by the network', () => {
  for (const size of [1500, 4000, 8000, 16 * 1024 - 32]) {
    it(`a request line with a ${size}-byte target, in MTU-sized segments and any other cut`, () => {
      const target = `/${'q'.repeat(size - 1)}`;
      const script: Step[] = [c(1, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`), s(2, OK('fine')), close(3)];
      const whole = replayAllSplits(http1, script);
      assert.deepEqual(replay(http1, script, {}, bySegments), whole);
      assert.equal(whole.unclaimed, false);
      assert.deepEqual(rows(whole), [[`GET ${target} -> 200`, null]]);
      assert.equal(whole.transactions[0]!.request!.path, target);
    });
  }

  it('a request line longer than 16 KiB is recognised on its first 16 KiB and parsed whole', () => {
    const target = `/${'q'.repeat(20_000)}`;
    const out = replayAllSplits(http1, [c(1, `GET ${target} HTTP/1.1\r\n\r\n`), s(2, OK('x')), close(3)]);
    assert.deepEqual(rows(out), [[`GET ${target} -> 200`, null]]);
  });

  it('a request line past the 64 KiB head limit is too large, and the next request is found', () => {
    const huge = `GET /${'q'.repeat(70 * 1024)} HTTP/1.1\r\n\r\n`;
    const out = replayAllSplits(http1, [
      c(1, huge + 'GET /next HTTP/1.1\r\n\r\n'),
      s(2, 'HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n' + OK('n')),
      close(3),
    ]);
    assert.deepEqual(rows(out), [
      ['(malformed request) -> 414', { code: 'DIS_ERR_TOO_LARGE', at: 'request' }],
      ['GET /next -> 200', null],
    ]);
  });

  it('a long status line and a long header block, in segments', () => {
    const reason = 'R'.repeat(5000);
    const fields = Array.from({ length: 40 }, (_, i) => `X-Field-${i}: ${'v'.repeat(200)}\r\n`).join('');
    const script: Step[] = [
      c(1, `GET /a HTTP/1.1\r\n${fields}\r\n`),
      s(2, `HTTP/1.1 200 ${reason}\r\n${fields}Content-Length: 2\r\n\r\nok`),
      close(3),
    ];
    const whole = replayAllSplits(http1, script);
    assert.deepEqual(replay(http1, script, {}, bySegments), whole);
    assert.deepEqual(rows(whole), [['GET /a -> 200', null]]);
    assert.equal(whole.transactions[0]!.response!.statusText, reason);
    assert.equal(Object.keys(whole.transactions[0]!.request!.headers as object).length, 40);
  });

  it('a status line seen before any request (a stream joined mid-way) is recognised in any cut', () => {
    const out = replayAllSplits(http1, [s(1, `HTTP/1.1 200 ${'R'.repeat(3000)}\r\nContent-Length: 1\r\n\r\nA`), close(2)]);
    assert.deepEqual(rows(out), [['(no request) -> 200', { code: 'DIS_ERR_NO_REQUEST', at: 'request' }]]);
  });
});

describe('detection after bytes no probe recognises', () => {
  it('garbage before the first request is skipped, and the request found, wherever it was cut', () => {
    const out = replayAllSplits(http1, [c(1, '\x00\x01\x02garbage garbage\r\nmore\r\nGET /ok HTTP/1.1\r\n\r\n'), s(2, OK('fine')), close(3)]);
    assert.deepEqual(rows(out), [['GET /ok -> 200', null]]);
  });

  it('joined in the middle of a body: the next request is found glued to its last byte', () => {
    const out = replayAllSplits(http1, [c(1, 'of a request body}GET /b HTTP/1.1\r\n\r\n'), s(2, OK('B')), close(3)]);
    assert.deepEqual(rows(out), [['GET /b -> 200', null]]);
  });

  it('joined in the middle of a body: the next response is found glued to its last byte', () => {
    const out = replayAllSplits(http1, [s(1, '"tail of a body"}HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA'), close(2)]);
    assert.deepEqual(rows(out), [['(no request) -> 200', { code: 'DIS_ERR_NO_REQUEST', at: 'request' }]]);
  });

  it('bytes that never become a known protocol leave the stream unclaimed, in any cut', () => {
    const noise = Buffer.alloc(9000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const out = replayAllSplits(http1, [c(1, noise), s(2, noise), close(3)]);
    assert.equal(out.unclaimed, true);
    assert.deepEqual(out.transactions, []);
  });

  it('a protocol without a seeker is still asked at the start of each later chunk', () => {
    const heard: string[] = [];
    const hello: DissectorSpec = {
      name: 'hello',
      layer4: 'tcp',
      ports: [],
      probe: (data) => (data.toString('latin1', 0, 6) === 'HELLO ' ? 'client' : 'no'),
      create: (session): StreamDissector => ({
        data: (_d, chunk) => heard.push(chunk.toString('latin1')),
        gap: () => undefined,
        end: () => undefined,
        tick: () => undefined,
        close: (ts) => session.emit({ summary: { text: heard.join('|') }, timestamp: ts, endTimestamp: ts } as unknown as Transaction),
      }),
    };
    const out = replay([http1, hello], [c(1, 'noise, no line'), c(2, 'more noise'), c(3, 'HELLO world'), close(4)]);
    assert.equal(out.unclaimed, false);
    assert.deepEqual(heard, ['HELLO world']);
  });
});
