/**
 * The HTTP/2 dissector on scripted connections (frames built by helpers/h2-wire.ts), each
 * replayed from an empty flow through detection and cut at every position (replayAllSplits):
 * pairing by stream id, padding, trailers, interim responses, content codings, RST_STREAM and
 * GOAWAY on the entries they end, timeouts, losses, and a connection joined mid-way.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../dist/dissector.js';
import { http2 } from '../dist/protocols/http2/index.js';
import { probe } from '../dist/protocols/http2/probe.js';
import {
  END_HEADERS, END_STREAM, PADDED, PREFACE, PRIORITY, SETTINGS, SETTINGS_ACK, block, errorCode, frame, get, goaway, gzip, status,
} from './helpers/h2-wire.js';
import { c, close, gap, replay, replayAllSplits, s, tick, type Step } from './helpers/split-replay.js';

const HEADERS = 1;
const DATA = 0;
const RST = 3;
const GOAWAY = 7;
const CONT = 9;
const PUSH = 5;

const line = (t: Transaction): string => t.summary.text + (t.malformed !== undefined ? ` [${t.malformed.code}]` : '');
const lines = (ts: Transaction[]): string[] => ts.map(line);
const open = (ts = 1): Step[] => [c(ts, Buffer.concat([PREFACE, SETTINGS])), s(ts, Buffer.concat([SETTINGS, SETTINGS_ACK]))];

describe('HTTP/2 streams', () => {
  it('pairs concurrent streams by id, answered out of order; one entry each', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/a')), frame(HEADERS, END_HEADERS | END_STREAM, 3, get('/b'))])),
      s(3, Buffer.concat([frame(HEADERS, END_HEADERS, 3, status(404)), frame(HEADERS, END_HEADERS, 1, status(200)), frame(DATA, END_STREAM, 3, 'gone')])),
      s(4, frame(DATA, END_STREAM, 1, 'body of a')),
      close(5),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /b -> 404', 'GET /a -> 200']);
    const [b, a] = out.transactions;
    assert.deepEqual([a!.protocol, a!.request!['streamId'], a!.response!['streamId']], [{ name: 'http2', version: '2', abbr: 'HTTP/2', layer4: 'tcp' }, 1, 1]);
    assert.deepEqual([a!.response!['body'], b!.response!['body']], ['body of a', 'gone']);
    assert.deepEqual(a!.summary, { text: 'GET /a -> 200', method: 'GET', path: '/a', status: 200 });
    assert.deepEqual(a!.request!['headers'], { ':method': 'GET', ':scheme': 'http', ':path': '/a', ':authority': 'test' });
    assert.equal(a!.request!['httpVersion'], 'HTTP/2');
    assert.equal(a!.responseSize, 9 + status(200).length + 9 + 'body of a'.length);
  });

  it('strips padding from DATA and HEADERS, skips the priority fields, joins CONTINUATION', () => {
    const head = get('/padded');
    const padded = Buffer.concat([Buffer.from([3]), Buffer.from([0, 0, 0, 0, 16]), head, Buffer.alloc(3)]);
    const res = status(200, [['x-long', 'v'.repeat(300)]]);
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, frame(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIORITY, 1, padded)),
      s(3, Buffer.concat([frame(HEADERS, 0, 1, res.subarray(0, 100)), frame(CONT, 0, 1, res.subarray(100, 200)), frame(CONT, END_HEADERS, 1, res.subarray(200))])),
      s(4, frame(DATA, END_STREAM | PADDED, 1, Buffer.concat([Buffer.from([5]), Buffer.from('hello'), Buffer.alloc(5)]))),
      close(5),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /padded -> 200']);
    const [t] = out.transactions;
    assert.equal(t!.response!['body'], 'hello');
    assert.equal(t!.response!['bodySize'], 5);
    assert.equal((t!.response!['headers'] as Record<string, string>)['x-long'], 'v'.repeat(300));
    assert.equal(t!.response!['headersSize'], 3 * 9 + res.length);
  });

  it('trailers, an interim 103, a gzip body decoded, cookie crumbs joined with "; "', () => {
    const body = gzip('{"ok":true}');
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, frame(HEADERS, END_HEADERS, 1, block([[':method', 'POST'], [':path', '/rpc'], ['cookie', 'a=1'], ['cookie', 'b=2']]))),
      c(2, frame(DATA, 0, 1, 'request body')),
      c(2, frame(HEADERS, END_HEADERS | END_STREAM, 1, block([['x-sum', '7']]))),
      s(3, frame(HEADERS, END_HEADERS, 1, status(103, [['link', '</s.css>; rel=preload']]))),
      s(4, frame(HEADERS, END_HEADERS, 1, status(200, [['content-encoding', 'gzip']]))),
      s(4, frame(DATA, 0, 1, body)),
      s(5, frame(HEADERS, END_HEADERS | END_STREAM, 1, block([['grpc-status', '0']]))),
      close(6),
    ]);
    assert.deepEqual(lines(out.transactions), ['POST /rpc -> 200']);
    const [t] = out.transactions;
    assert.equal((t!.request!['headers'] as Record<string, string>)['cookie'], 'a=1; b=2');
    assert.equal(t!.request!['body'], 'request body');
    assert.deepEqual(t!.request!['trailers'], { 'x-sum': '7' });
    assert.deepEqual(t!.response!['interim'], [103]);
    const blocks = [status(103, [['link', '</s.css>; rel=preload']]), status(200, [['content-encoding', 'gzip']]), body, block([['grpc-status', '0']])];
    assert.equal(t!.responseSize, blocks.reduce((n, b) => n + 9 + b.length, 0), 'every frame of the response, the interim one included');
    assert.deepEqual([t!.response!['body'], t!.response!['contentEncoding'], t!.response!['bodySize']], ['{"ok":true}', 'gzip', body.length]);
    assert.deepEqual(t!.response!['trailers'], { 'grpc-status': '0' });
  });

  it('RST_STREAM is reported on the entry it ends: before a response, and after one', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/slow')), frame(HEADERS, END_HEADERS | END_STREAM, 3, get('/big'))])),
      c(3, frame(RST, 0, 1, errorCode(8))),
      s(4, frame(HEADERS, END_HEADERS, 3, status(200))),
      s(4, frame(DATA, 0, 3, 'part')),
      s(5, frame(RST, 0, 3, errorCode(2))),
      // Frames in flight for a stream already ended open nothing new.
      s(5, frame(DATA, 0, 1, 'late')),
      close(6),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /slow -> reset CANCEL', 'GET /big -> 200 (reset INTERNAL_ERROR)']);
    assert.deepEqual(out.transactions[0]!.request!['reset'], { code: 'CANCEL', by: 'client' });
    assert.equal(out.transactions[0]!.response, null);
    assert.deepEqual(out.transactions[1]!.response!['reset'], { code: 'INTERNAL_ERROR', by: 'server' });
  });

  it('GOAWAY ends the streams above its last stream id at once, and those still open at close', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([1, 3, 5].map((id) => frame(HEADERS, END_HEADERS | END_STREAM, id, get(`/s${id}`))))),
      s(3, frame(GOAWAY, 0, 0, goaway(3, 0))),
      s(4, frame(HEADERS, END_HEADERS | END_STREAM, 1, status(200))),
      close(5),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /s5 -> goaway NO_ERROR', 'GET /s1 -> 200', 'GET /s3 -> goaway NO_ERROR']);
    assert.deepEqual(out.transactions[0]!.request!['goaway'], { code: 'NO_ERROR', by: 'server', lastStreamId: 3 });
  });

  it('a server push: the promised request, then its response on the even stream', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/index'))),
      s(3, frame(PUSH, END_HEADERS, 1, Buffer.concat([Buffer.from([0, 0, 0, 2]), get('/style.css')]))),
      s(3, frame(HEADERS, END_HEADERS | END_STREAM, 1, status(200))),
      s(4, frame(HEADERS, END_HEADERS, 2, status(200))),
      s(4, frame(DATA, END_STREAM, 2, 'body{}')),
      close(5),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /index -> 200', 'GET /style.css -> 200']);
    assert.deepEqual([out.transactions[1]!.request!['pushed'], out.transactions[1]!.request!['streamId']], [true, 2]);
  });

  it('a request without response: no response after the timeout; a late response keeps its method and path', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/wait'))),
      tick(50),
      s(60, frame(HEADERS, END_HEADERS | END_STREAM, 1, status(200))),
      close(70),
    ], { responseTimeoutMs: 10 });
    assert.deepEqual(lines(out.transactions), ['GET /wait -> no response [DIS_ERR_NO_RESPONSE]', 'GET /wait -> 200 [DIS_ERR_NO_REQUEST]']);
  });

  it('the connection ends inside a response: DIS_ERR_TRUNCATED; a gap inside a DATA frame keeps sync', () => {
    const data = frame(DATA, END_STREAM, 1, 'x'.repeat(100));
    const out = replay(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/a')), frame(HEADERS, END_HEADERS | END_STREAM, 3, get('/b'))])),
      s(3, Buffer.concat([frame(HEADERS, END_HEADERS, 1, status(200)), data.subarray(0, 30)])),
      gap(1, 40, 4),
      s(5, Buffer.concat([data.subarray(70), frame(HEADERS, END_HEADERS, 3, status(200)), frame(DATA, 0, 3, 'partial')])),
      close(6),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /a -> 200 [DIS_ERR_GAP]', 'GET /b -> 200 [DIS_ERR_TRUNCATED]']);
    assert.deepEqual([out.transactions[0]!.response!['bodySize'], out.transactions[0]!.response!['truncated']], [100, true]);
  });

  it('a gap across frames: sync found again at the next two plausible frames; streams open on that side marked', () => {
    const out = replay(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 1, get('/a')), frame(HEADERS, END_HEADERS | END_STREAM, 3, get('/b'))])),
      s(3, frame(HEADERS, END_HEADERS, 1, status(200))),
      gap(1, 500, 4),
      s(5, Buffer.concat([Buffer.from('tail of something lost'), frame(HEADERS, END_HEADERS, 3, status(204)), frame(DATA, END_STREAM, 3, ''), frame(DATA, END_STREAM, 1, 'end')])),
      close(6),
    ]);
    assert.deepEqual(lines(out.transactions), ['GET /b -> 204 [DIS_ERR_GAP]', 'GET /a -> 200 [DIS_ERR_GAP]']);
  });
});

describe('HTTP/2 joined mid-way', () => {
  it('recognised without the preface, from frames whose header block starts with a static :method or :status', () => {
    const req = Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 7, Buffer.concat([Buffer.from([0x82, 0x86, 0x84]), Buffer.from([0xbe])])), frame(8, 0, 0, Buffer.from([0, 0, 1, 0]))]);
    assert.equal(probe(req), 'client');
    assert.equal(probe(req.subarray(0, 20)), 'more');
    assert.equal(probe(Buffer.concat([frame(HEADERS, END_HEADERS, 7, Buffer.from([0x88, 0xc0])), frame(DATA, 0, 7, 'x')])), 'server');
    assert.equal(probe(Buffer.from('GET / HTTP/1.1\r\n\r\n')), 'no');
  });

  it('yields what decodes, marks fields of unknown table entries DIS_ERR_GAP, and recovers on the next streams', () => {
    const out = replayAllSplits(http2, [
      // :method GET, :scheme http, :path /, then index 62: an entry from before the capture.
      c(1, Buffer.concat([frame(HEADERS, END_HEADERS | END_STREAM, 7, Buffer.from([0x82, 0x86, 0x84, 0xbe])), frame(8, 0, 0, Buffer.from([0, 0, 1, 0]))])),
      s(2, Buffer.concat([frame(HEADERS, END_HEADERS, 7, Buffer.from([0x88, 0xbf])), frame(DATA, END_STREAM, 7, 'ok')])),
      // The next request names everything literally: complete.
      c(3, frame(HEADERS, END_HEADERS | END_STREAM, 9, get('/next'))),
      s(4, frame(HEADERS, END_HEADERS | END_STREAM, 9, status(200))),
      close(5),
    ]);
    assert.equal(out.unclaimed, false);
    assert.deepEqual(lines(out.transactions), ['GET / -> 200 [DIS_ERR_GAP]', 'GET /next -> 200']);
  });

  it('joined inside a frame on both sides: the next frames are found, whatever the cut', () => {
    const tail = Buffer.from('x'.repeat(20));
    const out = replayAllSplits(http2, [
      c(1, Buffer.concat([tail, frame(HEADERS, END_HEADERS | END_STREAM, 9, get('/next')), frame(8, 0, 0, Buffer.from([0, 0, 1, 0]))])),
      s(2, Buffer.concat([tail, frame(HEADERS, END_HEADERS, 9, status(200)), frame(DATA, END_STREAM, 9, 'done')])),
      close(3),
    ]);
    assert.equal(out.unclaimed, false);
    assert.equal(out.detectDiscarded, tail.length);
    assert.deepEqual(lines(out.transactions), ['GET /next -> 200']);
  });

  it('a SETTINGS frame first is the server side; the client preface the client side', () => {
    assert.equal(probe(SETTINGS), 'server');
    assert.equal(probe(SETTINGS.subarray(0, 5)), 'more');
    assert.equal(probe(PREFACE.subarray(0, 10)), 'more');
    assert.equal(probe(PREFACE), 'client');
    assert.equal(probe(frame(4, 0, 0, Buffer.from([0, 99, 0, 0, 0, 1]))), 'no', 'an unregistered setting');
  });
});
