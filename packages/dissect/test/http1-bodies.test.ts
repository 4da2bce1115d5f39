/** HTTP/1.x dissector: chunked framing, trailers, content decoding, body cap. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { http1 } from '../dist/protocols/http1/index.js';
import { c, close, end, replayAllSplits, s } from './helpers/split-replay.js';

const GET = 'GET /r HTTP/1.1\r\nHost: x\r\n\r\n';
const resHead = (fields: string): string => `HTTP/1.1 200 OK\r\n${fields}\r\n`;
const withLength = (encoding: string, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from(resHead(`Content-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\n`)), body]);

describe('http1 chunked', () => {
  it('decodes chunks with extensions and keeps trailers', () => {
    const body =
      '4;name=value\r\nWiki\r\n5 ; ext="quoted;x"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Checksum: abc\r\nServer-Timing: db;dur=53\r\n\r\n';
    const res = resHead('Transfer-Encoding: chunked\r\n') + body;
    const out = replayAllSplits(http1, [c(1, GET), s(2, res), c(3, GET), s(4, resHead('Content-Length: 1\r\n') + 'z'), close(5)]);
    const t = out.transactions[0]!;
    assert.equal(t.response?.body, 'Wikipedia in\r\n\r\nchunks.');
    assert.equal(t.response?.bodySize, 23);
    assert.deepEqual(t.response?.trailers, { 'x-checksum': 'abc', 'server-timing': 'db;dur=53' });
    assert.equal(t.responseSize, res.length);
    assert.equal(t.malformed, undefined);
    assert.equal(out.transactions[1]?.response?.body, 'z');
  });

  it('chunked requests, an empty trailer section, and upper-case hex', () => {
    const req = 'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n';
    const out = replayAllSplits(http1, [c(1, req), s(2, 'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n'), close(3)]);
    const t = out.transactions[0]!;
    assert.equal(t.request?.body, '0123456789');
    assert.equal(t.request?.trailers, undefined);
    assert.equal(t.requestSize, req.length);
    assert.equal(t.summary.text, 'POST /up -> 202');
  });

  it('Transfer-Encoding wins over Content-Length', () => {
    const res = resHead('Content-Length: 3\r\nTransfer-Encoding: chunked\r\n') + '5\r\nhello\r\n0\r\n\r\n';
    const out = replayAllSplits(http1, [c(1, GET), s(2, res), close(3)]);
    assert.equal(out.transactions[0]?.response?.body, 'hello');
  });

  it('a bad chunk size is malformed; the next message is still found', () => {
    const res = resHead('Transfer-Encoding: chunked\r\n') + 'zz\r\nhello\r\n0\r\n\r\n' + resHead('Content-Length: 2\r\n') + 'ok';
    const out = replayAllSplits(http1, [c(1, GET + GET), s(2, res), close(3)]);
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.malformed ?? null, t.response?.body ?? null]),
      [
        ['GET /r -> 200', { code: 'DIS_ERR_SYNTAX', at: 'response' }, null],
        ['GET /r -> 200', null, 'ok'],
      ],
    );
  });

  it('a chunked body cut by the end of the stream is truncated', () => {
    const out = replayAllSplits(http1, [c(1, GET), s(2, resHead('Transfer-Encoding: chunked\r\n') + '10\r\nonly-'), end(1, 3), close(4)]);
    const t = out.transactions[0]!;
    assert.deepEqual(t.malformed, { code: 'DIS_ERR_TRUNCATED', at: 'response' });
    assert.equal(t.response?.body, 'only-');
    assert.equal(t.response?.truncated, true);
  });
});

describe('http1 content decoding', () => {
  const text = Buffer.from('{"items":[' + Array.from({ length: 200 }, (_, i) => `{"n":${i},"s":"ünïcödé"}`).join(',') + ']}');

  for (const [name, encode] of [
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const) {
    it(`${name} bodies are decoded`, () => {
      const enc = encode(text);
      const out = replayAllSplits(http1, [c(1, GET), s(2, withLength(name, enc)), close(3)]);
      const t = out.transactions[0]!;
      assert.equal(t.response?.body, text.toString('utf8'));
      assert.equal(t.response?.bodySize, enc.length);
      assert.equal(t.response?.decodedSize, text.length);
      assert.equal(t.response?.contentEncoding, name);
      assert.equal(t.response?.truncated, undefined);
      assert.equal(t.response?.decodeError, undefined);
    });
  }

  it('raw deflate (no zlib wrapper), as some servers send', () => {
    const enc = zlib.deflateRawSync(text);
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, withLength('deflate', enc)), close(3)]).transactions;
    assert.equal(t?.response?.body, text.toString('utf8'));
  });

  it('stacked codings are undone last first; binary output is base64', () => {
    const bin = Buffer.from([0, 1, 2, 250, 251, 252, 0, 9]);
    const enc = zlib.brotliCompressSync(zlib.gzipSync(bin));
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, withLength('gzip, br', enc)), close(3)]).transactions;
    assert.equal(t?.response?.contentEncoding, 'gzip, br');
    assert.equal(t?.response?.body, bin.toString('base64'));
    assert.equal(t?.response?.bodyEncoding, 'base64');
    assert.equal(t?.response?.decodedSize, bin.length);
  });

  it('gzip inside chunked, request bodies too', () => {
    const enc = zlib.gzipSync(Buffer.from('compressed request'));
    const chunked = Buffer.concat([
      Buffer.from(`POST /c HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${(7).toString(16)}\r\n`),
      enc.subarray(0, 7),
      Buffer.from(`\r\n${(enc.length - 7).toString(16)}\r\n`),
      enc.subarray(7),
      Buffer.from('\r\n0\r\n\r\n'),
    ]);
    const [t] = replayAllSplits(http1, [c(1, chunked), s(2, 'HTTP/1.1 204 No Content\r\n\r\n'), close(3)]).transactions;
    assert.equal(t?.request?.body, 'compressed request');
    assert.equal(t?.request?.bodySize, enc.length);
  });

  it('an undecodable body keeps the raw bytes and says why; framing is not malformed', () => {
    const out = replayAllSplits(http1, [
      c(1, GET + GET),
      s(2, Buffer.concat([withLength('gzip', Buffer.from('not gzip at all')), withLength('zstd', Buffer.from('(zstd)'))])),
      close(3),
    ]);
    const [t1, t2] = out.transactions;
    assert.equal(t1?.response?.body, 'not gzip at all');
    assert.match(String(t1?.response?.decodeError), /^gzip: /);
    assert.equal(t1?.malformed, undefined);
    assert.equal(t2?.response?.body, '(zstd)');
    assert.equal(t2?.response?.decodeError, 'unsupported content-coding: zstd');
  });
});

describe('http1 body cap', () => {
  it('keeps bodySize but cuts the body at the cap', () => {
    const big = 'x'.repeat(5000);
    const out = replayAllSplits(http1, [c(1, GET), s(2, resHead(`Content-Length: ${big.length}\r\n`) + big), close(3)], { bodyCapBytes: 1000 });
    const t = out.transactions[0]!;
    assert.equal(t.response?.body, 'x'.repeat(1000));
    assert.equal(t.response?.bodySize, 5000);
    assert.equal(t.response?.truncated, true);
    assert.equal(t.malformed, undefined);
  });

  it('caps after decoding, and does not cut a UTF-8 character in half', () => {
    const text = Buffer.from('é'.repeat(3000));
    const enc = zlib.gzipSync(text);
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, withLength('gzip', enc)), close(3)], { bodyCapBytes: 1001 }).transactions;
    assert.equal(t?.response?.body, 'é'.repeat(500));
    assert.equal(t?.response?.truncated, true);
    assert.equal(t?.response?.decodedSize, text.length);
    assert.equal(t?.response?.bodySize, enc.length);
  });

  it('a compressed body larger than the cap on the wire still shows its decoded start', () => {
    const rnd = Buffer.alloc(20000);
    for (let i = 0; i < rnd.length; i++) rnd[i] = 97 + ((i * 7919) % 26);
    const enc = zlib.deflateSync(rnd, { level: 0 });
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, withLength('deflate', enc)), close(3)], { bodyCapBytes: 4096 }).transactions;
    const body = String(t?.response?.body);
    assert.ok(body.length > 0 && body.length <= 4096);
    assert.equal(body, rnd.subarray(0, body.length).toString());
    assert.equal(t?.response?.truncated, true);
  });

  it('a zip bomb expands no further than the cap', () => {
    const enc = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, withLength('gzip', enc)), close(3)], { bodyCapBytes: 64 * 1024 }).transactions;
    assert.equal(t?.response?.truncated, true);
    assert.equal(t?.response?.bodyEncoding, 'base64');
    assert.equal(t?.response?.decodedSize, undefined);
    assert.ok(Buffer.from(String(t?.response?.body), 'base64').length <= 64 * 1024);
  });

  it('a zero cap keeps no body bytes at all', () => {
    const [t] = replayAllSplits(http1, [c(1, GET), s(2, resHead('Content-Length: 3\r\n') + 'abc'), close(3)], { bodyCapBytes: 0 }).transactions;
    assert.equal(t?.response?.body, undefined);
    assert.equal(t?.response?.bodySize, 3);
    assert.equal(t?.response?.truncated, true);
  });
});
