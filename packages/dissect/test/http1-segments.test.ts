/**
 * HTTP/1 heads longer than one TCP segment (issue 8). A real network (1500-byte MTU) cuts a
 * message every ~1.4 KB, so a 4 KB signed URL arrives in three pieces; loopback, where most
 * tests capture, never cuts it. Request lines of 1.5 to 16 KiB, a long status line and long
 * header blocks must give exactly the same transactions however they are cut: at every position
 * while the script is small enough, at random cuts past that (replayAllSplits chooses).
 *
 * Then the captures made on a 1500-MTU veth pair (fixtures/http1/mtu-*, generate.sh) through the
 * whole engine, detection included, re-cut into smaller segments than the network's: the entries
 * must not change.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Transaction } from '../dist/dissector.js';
import { http1 } from '../dist/protocols/http1/index.js';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { dissectPackets } from './helpers/dissect-capture.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { c, close, replayAllSplits, s } from './helpers/split-replay.js';

type Fields = Array<[string, string]>;

interface Message {
  /** The start line, without CRLF. */
  line: string;
  fields: Fields;
  body: string;
}

const wire = (m: Message): string => `${m.line}\r\n${m.fields.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${m.body}`;
const headSize = (m: Message): number => wire(m).length - m.body.length;
const fieldMap = (f: Fields): Record<string, string> => Object.fromEntries(f.map(([k, v]) => [k.toLowerCase(), v]));

/** Deterministic filler from a URL-safe alphabet, like a token or a signature. */
function filler(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'): string {
  return Array.from({ length }, (_, i) => alphabet[(i * 7) % alphabet.length]).join('');
}

/** A GET whose request line is exactly `bytes` long (CRLF not counted). */
function longGet(bytes: number, fields: Fields = [['Host', 'api.example']]): Message {
  const start = `/signed/${bytes}?sig=`;
  const target = start + filler(bytes - 'GET '.length - start.length - ' HTTP/1.1'.length);
  const m = { line: `GET ${target} HTTP/1.1`, fields, body: '' };
  assert.equal(m.line.length, bytes);
  return m;
}

function ok(reason = 'OK', fields: Fields = [], body = 'ok'): Message {
  return { line: `HTTP/1.1 200 ${reason}`, fields: [...fields, ['Content-Length', String(body.length)]], body };
}

/** The one transaction a request and its response make, as the dissector must emit it. */
function transaction(req: Message, res: Message, ts: number, endTs: number): Transaction {
  const [method = '', target = ''] = req.line.split(' ');
  const [, status = '', ...reason] = res.line.split(' ');
  const code = Number(status);
  return {
    protocol: { name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' },
    timestamp: ts,
    endTimestamp: endTs,
    summary: { text: `${method} ${target} -> ${code}`, method, path: target, status: code },
    request: {
      method,
      path: target,
      url: target,
      httpVersion: 'HTTP/1.1',
      headers: fieldMap(req.fields),
      headersSize: headSize(req),
      bodySize: req.body.length,
      ...(req.body !== '' ? { body: req.body } : {}),
    },
    response: {
      status: code,
      statusText: reason.join(' '),
      httpVersion: 'HTTP/1.1',
      headers: fieldMap(res.fields),
      headersSize: headSize(res),
      bodySize: res.body.length,
      body: res.body,
    },
    requestSize: wire(req).length,
    responseSize: wire(res).length,
  } as Transaction;
}

describe('http1 heads cut across segments', () => {
  for (const bytes of [1536, 4096, 8192, 16384]) {
    it(`a request line of ${bytes} bytes, the first message of the stream`, () => {
      const req = longGet(bytes);
      const res = ok();
      const out = replayAllSplits(http1, [c(1, wire(req)), s(2, wire(res)), close(3)]);
      assert.deepStrictEqual(out.transactions, [transaction(req, res, 1, 2)]);
    });
  }

  it('request lines of 1.5 and 4 KiB after a short exchange on the same connection', () => {
    const short: Message = { line: 'GET /health HTTP/1.1', fields: [['Host', 'api.example']], body: '' };
    const [a, b] = [longGet(1536), longGet(4096)];
    const res = ok();
    const script = [c(1, wire(short)), s(2, wire(res)), c(3, wire(a)), s(4, wire(res)), c(5, wire(b)), s(6, wire(res)), close(7)];
    const out = replayAllSplits(http1, script);
    assert.deepStrictEqual(out.transactions, [transaction(short, res, 1, 2), transaction(a, res, 3, 4), transaction(b, res, 5, 6)]);
  });

  it('pipelined requests whose long start lines follow one another in one write', () => {
    const [a, b, d] = [longGet(1500), longGet(2000), longGet(1448)];
    const res = ok();
    const out = replayAllSplits(http1, [c(1, wire(a) + wire(b) + wire(d)), s(2, wire(res).repeat(3)), close(3)]);
    assert.deepStrictEqual(out.transactions, [transaction(a, res, 1, 2), transaction(b, res, 1, 2), transaction(d, res, 1, 2)]);
  });

  it('a status line of 4 KiB (a long reason phrase)', () => {
    const req: Message = { line: 'GET /reason HTTP/1.1', fields: [['Host', 'api.example']], body: '' };
    const res = ok(filler(4096 - 'HTTP/1.1 200 '.length, 'abcdefghij klmnopqrstuvwxyz'));
    const out = replayAllSplits(http1, [c(1, wire(req)), s(2, wire(res)), close(3)]);
    assert.deepStrictEqual(out.transactions, [transaction(req, res, 1, 2)]);
  });

  // Under the helper's exhaustive limit (6,000 bytes of data in all), so every position is cut.
  it('a request header block of ~5 KB after a short start line (a large cookie), cut at every position', () => {
    const fields: Fields = [['Host', 'api.example'], ['Cookie', `session=${filler(3000)}`]];
    for (let i = 1; i <= 4; i++) fields.push([`X-Trace-${i}`, filler(400)]);
    const req: Message = { line: 'GET /profile HTTP/1.1', fields, body: '' };
    const res = ok();
    assert.ok(headSize(req) > 4500 && wire(req).length + wire(res).length < 6000);
    const out = replayAllSplits(http1, [c(1, wire(req)), s(2, wire(res)), close(3)]);
    assert.deepStrictEqual(out.transactions, [transaction(req, res, 1, 2)]);
  });

  it('a response header block of ~5 KB, cut at every position', () => {
    const req: Message = { line: 'GET /headers HTTP/1.1', fields: [['Host', 'api.example']], body: '' };
    const fields: Fields = [];
    for (let i = 1; i <= 10; i++) fields.push([`X-Fixture-${i}`, filler(480)]);
    const res = ok('OK', fields, '{"n":10}');
    assert.ok(headSize(res) > 4500 && wire(req).length + wire(res).length < 6000);
    const out = replayAllSplits(http1, [c(1, wire(req)), s(2, wire(res)), close(3)]);
    assert.deepStrictEqual(out.transactions, [transaction(req, res, 1, 2)]);
  });

  it('a ~12 KB header block both ways', () => {
    const fields: Fields = [['Host', 'api.example'], ['Cookie', `session=${filler(6000)}`]];
    for (let i = 1; i <= 12; i++) fields.push([`X-Trace-${i}`, filler(500)]);
    const req: Message = { line: 'POST /submit HTTP/1.1', fields: [...fields, ['Content-Length', '2']], body: '{}' };
    const res = ok('OK', fields.slice(2), 'done');
    const out = replayAllSplits(http1, [c(1, wire(req)), s(2, wire(res)), close(3)]);
    assert.deepStrictEqual(out.transactions, [transaction(req, res, 1, 2)]);
  });
});

describe('captures from a 1500-MTU network, re-cut smaller, through detection and all', () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`../test/fixtures/http1/${name}.pcap`, import.meta.url));
  // Segment sizes per capture. One-byte segments only for lines up to 4 KiB: detection and the
  // reader look at a start line again from its first byte each time a piece arrives, so cost grows
  // with the square of the pieces (two 16 KiB lines in 1-byte segments take ~16 s here).
  const ALL = [1, 7, 100, 1000];
  const COARSER = [7, 100, 1000];
  const MTU: Array<[string, number[]]> = [
    ['mtu-start-line-1536', ALL],
    ['mtu-start-line-4096', ALL],
    ['mtu-start-line-8192', COARSER],
    ['mtu-start-line-16384', COARSER],
    ['mtu-status-line', ALL],
    ['mtu-header-block', ALL],
    ['mtu-pipelining', ALL],
  ];
  for (const [name, sizes] of MTU) {
    it(`${name} in ${sizes.join(', ')}-byte segments`, () => {
      const packets = readCapture(fixture(name));
      const original = dissectPackets(packets);
      assert.ok(original.entries.length >= 2 && original.entries.every((e) => e.request !== null && e.response !== null));
      for (const size of sizes) {
        const got = dissectPackets(resegment(packets, size));
        assert.equal(got.stats['malformed'], 0, `${name} in ${size}-byte segments`);
        assert.deepStrictEqual(rankedStreams(got.entries), rankedStreams(original.entries), `${name} in ${size}-byte segments`);
      }
    });
  }
});
