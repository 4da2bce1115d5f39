/** HTTP/1.x dissector: capture gaps, garbage, limits, and random input. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Direction } from '../dist/dissector.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { RecordingSession } from './helpers/recording-session.js';
import { c, close, end, gap, prng, replayAllSplits, s } from './helpers/split-replay.js';

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const OK = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const rows = (out: { transactions: Array<{ summary: { text: string }; malformed?: unknown; response: Record<string, unknown> | null }> }) =>
  out.transactions.map((t) => [t.summary.text, t.malformed ?? null, t.response?.body ?? null]);

describe('http1 gaps', () => {
  it('a gap inside a body of known length is counted; the connection goes on', () => {
    const out = replayAllSplits(http1, [
      c(1, GET('/a')),
      s(2, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'),
      gap(1, 4, 3),
      s(4, 'xyz'),
      c(5, GET('/b')),
      s(6, OK('b')),
      close(7),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /a -> 200', { code: 'DIS_ERR_GAP', at: 'response' }, 'abc'],
      ['GET /b -> 200', null, 'b'],
    ]);
    const t = out.transactions[0]!;
    assert.equal(t.response?.bodySize, 10);
    assert.equal(t.response?.truncated, true);
    assert.equal(t.responseSize, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'.length + 10);
  });

  it('a gap running past the body into the next response: that one is lost, pairing stays aligned', () => {
    const a = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n';
    const b = OK('{"b":true}');
    const out = replayAllSplits(http1, [
      c(1, GET('/a') + GET('/b') + GET('/c')),
      s(2, a + 'abc'),
      gap(1, 7 + 20, 3),
      s(4, b.slice(20) + OK('{"c":1}')),
      close(5),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /a -> 200', { code: 'DIS_ERR_GAP', at: 'response' }, 'abc'],
      ['GET /b -> no response', { code: 'DIS_ERR_GAP', at: 'response' }, null],
      ['GET /c -> 200', null, '{"c":1}'],
    ]);
  });

  it('a gap in the middle of a request head: a lost request, later ones still paired right', () => {
    const out = replayAllSplits(http1, [
      c(1, 'POST /a HTTP/1.1\r\nHo'),
      gap(0, 40, 2),
      c(3, 'gth: 4\r\n\r\n{"a"}' + 'POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}' + GET('/c')),
      s(4, OK('A') + OK('B') + OK('C')),
      close(5),
    ]);
    assert.deepEqual(rows(out), [
      ['(lost request) -> 200', { code: 'DIS_ERR_GAP', at: 'request' }, 'A'],
      ['POST /b -> 200', null, 'B'],
      ['GET /c -> 200', null, 'C'],
    ]);
    assert.equal(out.transactions[0]?.request, null);
    assert.equal(out.transactions[0]?.timestamp, 1);
  });

  it('a gap in the middle of a response head: that response is lost, the next found mid-line', () => {
    const out = replayAllSplits(http1, [
      c(1, GET('/a') + GET('/b')),
      s(2, 'HTTP/1.1 200 OK\r\nCont'),
      gap(1, 10, 3),
      s(4, ' 5\r\n\r\nhello' + OK('B')),
      close(5),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /a -> no response', { code: 'DIS_ERR_GAP', at: 'response' }, null],
      ['GET /b -> 200', null, 'B'],
    ]);
  });

  it('a gap inside a chunk is absorbed; one across chunk framing resyncs', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const out = replayAllSplits(http1, [
      c(1, GET('/a') + GET('/b') + GET('/c')),
      s(2, head + '8\r\nab'),
      gap(1, 3, 3),
      s(4, 'fgh\r\n0\r\n\r\n' + head + '5\r\nhel'),
      gap(1, 50, 5),
      s(6, 'junk' + OK('C')),
      close(7),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /a -> 200', { code: 'DIS_ERR_GAP', at: 'response' }, 'ab'],
      ['GET /b -> 200', { code: 'DIS_ERR_GAP', at: 'response' }, 'hel'],
      ['GET /c -> 200', null, 'C'],
    ]);
    assert.equal(out.transactions[0]?.response?.bodySize, 8);
  });

  it('a gap while reading until close is counted', () => {
    const out = replayAllSplits(http1, [c(1, GET('/a')), s(2, 'HTTP/1.0 200 OK\r\n\r\nabc'), gap(1, 100, 3), s(4, 'def'), end(1, 5)]);
    assert.deepEqual(rows(out), [['GET /a -> 200', { code: 'DIS_ERR_GAP', at: 'response' }, 'abc']]);
    assert.equal(out.transactions[0]?.response?.bodySize, 106);
  });

  it('a gap before anything was seen on the client side still keeps pairs aligned', () => {
    const out = replayAllSplits(http1, [gap(0, 30, 1), c(2, 'ost: x\r\n\r\n' + GET('/b')), s(3, OK('A') + OK('B')), close(4)]);
    assert.deepEqual(rows(out), [
      ['(lost request) -> 200', { code: 'DIS_ERR_GAP', at: 'request' }, 'A'],
      ['GET /b -> 200', null, 'B'],
    ]);
  });
});

describe('http1 malformed input', () => {
  it('garbage instead of a request: one malformed transaction, then parsing resumes', () => {
    // After a first exchange, so the stream is HTTP already (garbage before any message is
    // detection's business: see detection.test.ts).
    const out = replayAllSplits(http1, [
      c(1, GET('/first')),
      s(2, OK('1')),
      c(3, '\x00\x01\x02garbage garbage\r\nmore\r\n' + GET('/ok')),
      s(4, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n' + OK('fine')),
      close(5),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /first -> 200', null, '1'],
      ['(malformed request) -> 400', { code: 'DIS_ERR_SYNTAX', at: 'request' }, null],
      ['GET /ok -> 200', null, 'fine'],
    ]);
    assert.equal(out.transactions[1]?.request, null);
  });

  it('garbage instead of a response', () => {
    const out = replayAllSplits(http1, [c(1, GET('/a') + GET('/b')), s(2, 'HTTP/1.1 2OO OK\r\n\r\n' + OK('b')), close(3)]);
    assert.deepEqual(rows(out), [
      ['GET /a -> no response', { code: 'DIS_ERR_SYNTAX', at: 'response' }, null],
      ['GET /b -> 200', null, 'b'],
    ]);
  });

  it('a head over 64 KiB is too large; the connection goes on', () => {
    const huge = 'GET /big HTTP/1.1\r\n' + 'X-Pad: ' + 'p'.repeat(70 * 1024) + '\r\n\r\n';
    const out = replayAllSplits(http1, [c(1, huge + GET('/next')), s(2, 'HTTP/1.1 431 Too Large\r\nContent-Length: 0\r\n\r\n' + OK('n')), close(3)]);
    assert.deepEqual(rows(out), [
      ['(malformed request) -> 431', { code: 'DIS_ERR_TOO_LARGE', at: 'request' }, null],
      ['GET /next -> 200', null, 'n'],
    ]);
  });

  it('a header line too long without any line end is too large as well', () => {
    const out = replayAllSplits(http1, [c(1, 'GET /' + 'a'.repeat(80 * 1024)), close(2)]);
    assert.deepEqual(rows(out), [['(malformed request) -> no response', { code: 'DIS_ERR_TOO_LARGE', at: 'request' }, null]]);
  });

  it('an invalid Content-Length is malformed, and what follows is searched', () => {
    const out = replayAllSplits(http1, [
      c(1, 'POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\nbody' + GET('/y')),
      s(2, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n' + OK('y')),
      close(3),
    ]);
    assert.deepEqual(rows(out), [
      ['POST /x -> 400', { code: 'DIS_ERR_SYNTAX', at: 'request' }, null],
      ['GET /y -> 200', null, 'y'],
    ]);
  });

  it('conflicting Content-Length values are malformed, identical repeats are not', () => {
    const out = replayAllSplits(http1, [
      c(1, GET('/a') + GET('/b')),
      s(2, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc'),
      close(3),
    ]);
    assert.deepEqual(rows(out), [
      ['GET /a -> 200', null, 'ok'],
      ['GET /b -> 200', { code: 'DIS_ERR_SYNTAX', at: 'response' }, null],
    ]);
  });

  it('whitespace before a colon, and a field line without one, are flagged but shown', () => {
    const out = replayAllSplits(http1, [c(1, 'GET /w HTTP/1.1\r\nHost : x\r\nnocolon\r\n\r\n'), s(2, OK('w')), close(3)]);
    const t = out.transactions[0]!;
    assert.deepEqual(t.malformed, { code: 'DIS_ERR_SYNTAX', at: 'request' });
    assert.deepEqual(t.request?.headers, { host: 'x' });
    assert.equal(t.response?.body, 'w');
  });

  it('a request cut by the end of the stream is truncated', () => {
    const out = replayAllSplits(http1, [c(1, 'POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345'), end(0, 2), close(3)]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.malformed, t.request?.body, t.request?.truncated]), [
      ['POST /p -> no response', { code: 'DIS_ERR_TRUNCATED', at: 'request' }, '12345', true],
    ]);
  });

  it('a head cut by the end of the stream is a lost request', () => {
    const out = replayAllSplits(http1, [c(1, 'GET /half HTTP/1.1\r\nHos'), close(2)]);
    assert.deepEqual(rows(out), [['(lost request) -> no response', { code: 'DIS_ERR_TRUNCATED', at: 'request' }, null]]);
  });

  it('header field names that are Object.prototype keys stay plain data', () => {
    const out = replayAllSplits(http1, [c(1, 'GET / HTTP/1.1\r\n__proto__: x\r\nconstructor: y\r\ntoString: z\r\n\r\n'), s(2, OK('')), close(3)]);
    assert.deepEqual(Object.keys(out.transactions[0]?.request?.headers as object), ['__proto__', 'constructor', 'tostring']);
    assert.equal(JSON.stringify(out.transactions[0]?.request?.headers), '{"__proto__":"x","constructor":"y","tostring":"z"}');
  });
});

describe('http1 random input', () => {
  const fragments = [
    GET('/r'),
    OK('abc'),
    'HTTP/1.1 100 Continue\r\n\r\n',
    'POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    'HTTP/1.0 200 OK\r\n\r\n',
    'HEAD / HTTP/1.1\r\n\r\n',
    'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n',
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
    'CONNECT h:443 HTTP/1.1\r\n\r\n',
    'Content-Length: 5\r\n',
    'ffff\r\n',
    '\r\n',
    '\n',
    'HTTP/1.',
    'GET ',
    ' HTTP/1.1\r\n',
  ];

  it('never throws or hangs, whatever the bytes and calls', () => {
    const rnd = prng(12345);
    const pick = (n: number): number => Math.floor(rnd() * n);
    for (let round = 0; round < 3000; round++) {
      const session = new RecordingSession(pick(2) as Direction, { bodyCapBytes: 1 + pick(200), responseTimeoutMs: pick(50) });
      const d = http1.create(session);
      let ts = 0;
      const steps = 1 + pick(30);
      for (let i = 0; i < steps; i++) {
        const dir = pick(2) as Direction;
        ts += pick(10);
        const op = pick(20);
        if (op < 12) {
          const parts: Buffer[] = [];
          for (let k = pick(4); k >= 0; k--) {
            if (pick(3) === 0) {
              const junk = Buffer.alloc(pick(64));
              for (let j = 0; j < junk.length; j++) junk[j] = pick(256);
              parts.push(junk);
            } else parts.push(Buffer.from(fragments[pick(fragments.length)]!, 'latin1'));
          }
          const all = Buffer.concat(parts);
          const cut = pick(all.length + 1);
          d.data(dir, all.subarray(0, cut), ts);
          d.data(dir, all.subarray(cut), ts);
        } else if (op < 14) d.gap(dir, pick(100), ts);
        else if (op < 16) d.tick(ts);
        else if (op < 17) d.end(dir, ts);
        else if (op < 18) d.close(ts);
        else d.data(dir, Buffer.from([pick(256)]), ts);
      }
      d.close(ts + 1);
      for (const t of session.transactions) {
        assert.equal(t.protocol.name, 'http');
        assert.ok(t.request !== null || t.response !== null || t.malformed !== undefined);
        assert.ok(t.endTimestamp >= t.timestamp || t.request === null, 'time runs forward');
        assert.doesNotThrow(() => JSON.stringify(t));
      }
    }
  });

  it('random bytes give the same transactions however they are cut', () => {
    const rnd = prng(777);
    const pick = (n: number): number => Math.floor(rnd() * n);
    for (let round = 0; round < 150; round++) {
      const bytes = (): Buffer => {
        const parts: Buffer[] = [];
        for (let k = 2 + pick(6); k >= 0; k--) {
          if (pick(4) === 0) {
            const junk = Buffer.alloc(pick(40));
            for (let j = 0; j < junk.length; j++) junk[j] = pick(256);
            parts.push(junk);
          } else parts.push(Buffer.from(fragments[pick(fragments.length)]!, 'latin1'));
        }
        return Buffer.concat(parts);
      };
      replayAllSplits(http1, [c(1, bytes()), s(2, bytes()), c(3, bytes()), gap(1, pick(20), 4), s(5, bytes()), close(6)], {
        bodyCapBytes: 16,
      });
    }
  });
});
