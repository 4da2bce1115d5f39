/**
 * gRPC calls on scripted HTTP/2 connections (frames from helpers/h2-wire.ts, messages from
 * helpers/protobuf-wire.ts), each replayed from an empty flow through detection and cut at every
 * position (replayAllSplits): recognition by content type, messages across and within DATA
 * frames, Trailers-Only, grpc-message decoding, compression (gzip, an unknown encoding, a
 * decompression bomb), the bounds per entry, losses, resets, a response whose request was missed.
 */

import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import type { GrpcRequestJson, GrpcResponseJson } from '@shoal/model';
import type { Transaction } from '../dist/dissector.js';
import { MAX_MESSAGES } from '../dist/protocols/grpc/call.js';
import { http2 } from '../dist/protocols/http2/index.js';
import { END_HEADERS, END_STREAM, PREFACE, SETTINGS, SETTINGS_ACK, block, errorCode, frame } from './helpers/h2-wire.js';
import { grpcFrame, pbLen, pbVarint } from './helpers/protobuf-wire.js';
import { c, close, gap, replay, replayAllSplits, s, type Step } from './helpers/split-replay.js';

const DATA = 0;
const HEADERS = 1;
const RST = 3;

const open = (): Step[] => [c(1, Buffer.concat([PREFACE, SETTINGS])), s(1, Buffer.concat([SETTINGS, SETTINGS_ACK]))];
const request = (path: string, more: Array<[string, string]> = []): Buffer =>
  block([[':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', 'lib:50051'], ['content-type', 'application/grpc'], ['te', 'trailers'], ...more]);
const responseHead = (more: Array<[string, string]> = []): Buffer => block([[':status', '200'], ['content-type', 'application/grpc'], ...more]);
const trailers = (status: number, message?: string): Buffer => block([['grpc-status', String(status)], ...(message !== undefined ? [['grpc-message', message] as [string, string]] : [])]);

const book = (title: string): Buffer => Buffer.concat([pbLen(1, '978-1'), pbLen(2, title), pbVarint(4, 2024)]);
const req = (t: Transaction) => t.request!['grpc'] as GrpcRequestJson;
const res = (t: Transaction) => t.response!['grpc'] as GrpcResponseJson;

/** A unary call on stream `id`: request message `ask`, response message `answer`, then `status`. */
function unary(id: number, ts: number, ask: Buffer, answer: Buffer, status = 0): Step[] {
  return [
    c(ts, Buffer.concat([frame(HEADERS, END_HEADERS, id, request('/shoal.Library/GetBook')), frame(DATA, END_STREAM, id, grpcFrame(ask))])),
    s(ts + 1, Buffer.concat([frame(HEADERS, END_HEADERS, id, responseHead()), frame(DATA, 0, id, grpcFrame(answer)), frame(HEADERS, END_HEADERS | END_STREAM, id, trailers(status))])),
  ];
}

describe('gRPC calls', () => {
  it('a unary call: one entry, protocol grpc, service and method from :path, messages as fields, status from the trailers', () => {
    const out = replayAllSplits(http2, [...open(), ...unary(1, 2, pbLen(1, '978-1'), book('Reef')), close(4)]);
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['/shoal.Library/GetBook -> OK']);
    const [t] = out.transactions;
    assert.deepEqual(t!.protocol, { name: 'grpc', abbr: 'gRPC', layer4: 'tcp' });
    assert.deepEqual(t!.summary, { text: '/shoal.Library/GetBook -> OK', method: 'POST', path: '/shoal.Library/GetBook', status: 200 });
    assert.deepEqual(req(t!), { service: 'shoal.Library', method: 'GetBook', messageCount: 1, messages: [{ at: 0, compressed: false, length: 7, fields: [{ number: 1, wireType: 'len', length: 5, string: '978-1' }] }] });
    assert.deepEqual(res(t!).messages![0]!.fields!.map((f) => f.string ?? f.value), ['978-1', 'Reef', 2024]);
    assert.deepEqual([res(t!).status, res(t!).statusName, res(t!).trailersOnly], [0, 'OK', undefined]);
    assert.deepEqual([t!.request!['bodySize'], t!.request!['body'], t!.request!['truncated'], t!.response!['trailers']], [12, undefined, undefined, { 'grpc-status': '0' }], 'the DATA are messages, not a body');
  });

  it('an error answered Trailers-Only: the status and its percent-encoded message from the one header block', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/shoal.Library/GetBook')), frame(DATA, END_STREAM, 1, grpcFrame(pbLen(1, '0')))])),
      s(3, frame(HEADERS, END_HEADERS | END_STREAM, 1, block([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '5'], ['grpc-message', 'no%20book%20%C2%AB0%C2%BB%2%zz']]))),
      close(4),
    ]);
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['/shoal.Library/GetBook -> NOT_FOUND']);
    // A broken escape stays as it is (PROTOCOL-HTTP2.md: never an error, never thrown away).
    assert.deepEqual(res(out.transactions[0]!), { messageCount: 0, messages: [], status: 5, statusName: 'NOT_FOUND', message: 'no book «0»%2%zz', trailersOnly: true });
  });

  it('a bidirectional stream: messages cut across DATA frames and several in one frame, each side in order, counted', () => {
    const m = [1, 2, 3].map((i) => grpcFrame(Buffer.concat([pbLen(1, `message ${i}`), pbVarint(2, i)])));
    const both = Buffer.concat([m[1]!, m[2]!]);
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/shoal.Chat/Talk')), frame(DATA, 0, 1, m[0]!.subarray(0, 3))])),
      c(3, frame(DATA, 0, 1, m[0]!.subarray(3))),
      s(4, Buffer.concat([frame(HEADERS, END_HEADERS, 1, responseHead()), frame(DATA, 0, 1, Buffer.concat([m[0]!, m[1]!.subarray(0, 7)]))])),
      c(5, frame(DATA, END_STREAM, 1, both)),
      s(6, Buffer.concat([frame(DATA, 0, 1, m[1]!.subarray(7)), frame(HEADERS, END_HEADERS | END_STREAM, 1, trailers(0))])),
      close(7),
    ]);
    const [t] = out.transactions;
    assert.equal(t!.summary.text, '/shoal.Chat/Talk -> OK (3 -> 2 messages)');
    assert.deepEqual(req(t!).messages!.map((x) => [x.at, x.fields![0]!.string]), [[0, 'message 1'], [3, 'message 2'], [3, 'message 3']]);
    assert.deepEqual(res(t!).messages!.map((x) => [x.at, x.fields![1]!.value]), [[2, 1], [2, 2]]);
  });

  it('gzip messages inflated (each on its own); an unknown encoding and a flag without encoding shown raw with why', () => {
    const ask = pbLen(1, 'x'.repeat(200));
    const zipped = zlib.gzipSync(ask);
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/s.S/Zip', [['grpc-encoding', 'gzip']])), frame(DATA, END_STREAM, 1, Buffer.concat([grpcFrame(zipped, true), grpcFrame(ask)]))])),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 3, request('/s.S/Snappy', [['grpc-encoding', 'snappy']])), frame(DATA, END_STREAM, 3, grpcFrame(Buffer.from('snappy bytes'), true))])),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 5, request('/s.S/NoEncoding')), frame(DATA, END_STREAM, 5, grpcFrame(Buffer.from([1, 2, 3]), true))])),
      s(3, Buffer.concat([1, 3, 5].map((id) => Buffer.concat([frame(HEADERS, END_HEADERS, id, responseHead()), frame(HEADERS, END_HEADERS | END_STREAM, id, trailers(0))])))),
      close(4),
    ]);
    const [zip, snappy, none] = out.transactions;
    assert.equal(req(zip!).encoding, 'gzip');
    assert.deepEqual(req(zip!).messages!.map((x) => [x.compressed, x.length, x.decodedLength, x.fields?.[0]?.length]), [[true, zipped.length, ask.length, 200], [false, ask.length, undefined, 200]]);
    assert.deepEqual(req(snappy!).messages, [{ at: 0, compressed: true, length: 12, decodeError: 'unsupported content-coding: snappy', data: Buffer.from('snappy bytes').toString('base64') }]);
    assert.deepEqual(req(none!).messages![0]!.decodeError, 'compressed, but no grpc-encoding');
  });

  it('a decompression bomb inflates no further than the body cap: the message is cut, the entry stays small', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 << 20));
    const cap = 64 * 1024;
    const out = replay(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/s.S/Bomb', [['grpc-encoding', 'gzip']])), ...chunks(grpcFrame(bomb, true), 16384).map((p, i, all) => frame(DATA, i === all.length - 1 ? END_STREAM : 0, 1, p))])),
      s(3, Buffer.concat([frame(HEADERS, END_HEADERS, 1, responseHead()), frame(HEADERS, END_HEADERS | END_STREAM, 1, trailers(0))])),
      close(4),
    ], { bodyCapBytes: cap });
    const m = req(out.transactions[0]!).messages![0]!;
    assert.deepEqual([m.compressed, m.length, m.truncated, m.decodedLength], [true, bomb.length, true, undefined]);
    assert.ok(JSON.stringify(out.transactions[0]).length < 4 * cap, 'the entry holds at most about a cap of decoded bytes');
  });

  it(`keeps ${MAX_MESSAGES} messages and the body cap per side; the rest are counted as dropped`, () => {
    const many = Array.from({ length: MAX_MESSAGES + 36 }, (_, i) => grpcFrame(pbVarint(1, i)));
    const big = grpcFrame(pbLen(1, 'b'.repeat(3000)));
    const out = replay(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/s.S/Many')), frame(DATA, END_STREAM, 1, grpcFrame(Buffer.alloc(0)))])),
      s(3, Buffer.concat([frame(HEADERS, END_HEADERS, 1, responseHead()), frame(DATA, 0, 1, Buffer.concat(many)), frame(HEADERS, END_HEADERS | END_STREAM, 1, trailers(0))])),
      c(4, Buffer.concat([frame(HEADERS, END_HEADERS, 3, request('/s.S/Big')), frame(DATA, END_STREAM, 3, Buffer.concat([big, big, big]))])),
      s(5, Buffer.concat([frame(HEADERS, END_HEADERS, 3, responseHead()), frame(HEADERS, END_HEADERS | END_STREAM, 3, trailers(0))])),
      close(6),
    ], { bodyCapBytes: 5000 });
    const [manyT, bigT] = out.transactions;
    assert.equal(manyT!.summary.text, '/s.S/Many -> OK (1 -> 100 messages)');
    assert.deepEqual(req(manyT!).messages, [{ at: 0, compressed: false, length: 0, fields: [] }]);
    assert.deepEqual([res(manyT!).messageCount, res(manyT!).messages!.length, res(manyT!).dropped], [100, MAX_MESSAGES, { count: 36, bytes: 36 * 7 }]);
    assert.deepEqual(res(manyT!).messages!.map((x) => x.fields![0]!.value), Array.from({ length: MAX_MESSAGES }, (_, i) => i));
    // 5000 bytes per side: the first message whole, the second cut, the third dropped.
    assert.deepEqual(req(bigT!).messages!.map((x) => [x.length, x.truncated ?? false]), [[3003, false], [3003, true]]);
    assert.deepEqual(req(bigT!).dropped, { count: 1, bytes: 3008 });
  });

  it('bytes lost inside a message cut it and the next one is read; lost across a prefix, the side stops counting (incomplete)', () => {
    const one = grpcFrame(pbLen(1, 'a'.repeat(100)));
    const two = grpcFrame(pbLen(1, 'second'));
    const three = Buffer.concat([grpcFrame(pbLen(1, 'y'.repeat(23))), grpcFrame(pbLen(1, 'z'.repeat(13)))]);
    const frameLost = (lost: number): Buffer => frame(DATA, 0, 1, Buffer.alloc(lost)).subarray(0, 9);
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/s.S/Lossy')), frameLost(one.length), one.subarray(0, 20)])),
      gap(0, one.length - 20, 3),
      c(4, frame(DATA, 0, 1, two)),
      c(5, Buffer.concat([frameLost(50), three.subarray(0, 10)])),
      gap(0, 40, 6),
      c(7, frame(DATA, END_STREAM, 1, two)),
      s(8, Buffer.concat([frame(HEADERS, END_HEADERS, 1, responseHead()), frame(HEADERS, END_HEADERS | END_STREAM, 1, trailers(0))])),
      close(9),
    ]);
    const [t] = out.transactions;
    assert.equal(t!.malformed?.code, 'DIS_ERR_GAP');
    const r = req(t!);
    assert.deepEqual(r.messages!.map((x) => [x.length, x.truncated ?? false, x.fields?.[0]?.string]), [[102, true, undefined], [8, false, 'second'], [25, true, undefined]]);
    assert.deepEqual([r.messageCount, r.incomplete], [3, true], 'the 40 bytes lost hold a prefix: what follows is not counted');
  });

  it('a call reset by the client before its answer, and a response whose request was missed (joined mid-way)', () => {
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, request('/s.S/Slow')), frame(DATA, END_STREAM, 1, grpcFrame(Buffer.alloc(0)))])),
      c(3, frame(RST, 0, 1, errorCode(8))),
      s(4, Buffer.concat([frame(HEADERS, END_HEADERS, 3, responseHead()), frame(DATA, 0, 3, grpcFrame(pbVarint(1, 9))), frame(HEADERS, END_HEADERS | END_STREAM, 3, trailers(14, 'backend down'))])),
      close(5),
    ]);
    assert.deepEqual(out.transactions.map((t) => `${t.protocol.name} ${t.summary.text}${t.malformed !== undefined ? ` [${t.malformed.code}]` : ''}`), [
      'grpc /s.S/Slow -> reset CANCEL',
      'grpc (no request) -> UNAVAILABLE [DIS_ERR_NO_REQUEST]',
    ]);
    assert.deepEqual([res(out.transactions[1]!).message, res(out.transactions[1]!).messages![0]!.fields], ['backend down', [{ number: 1, wireType: 'varint', value: 9 }]]);
  });

  it('application/grpc+json messages are text; application/grpc-web is not gRPC (an HTTP/2 entry)', () => {
    const json = Buffer.from('{"isbn":"978-1"}');
    const out = replayAllSplits(http2, [
      ...open(),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 1, block([[':method', 'POST'], [':path', '/s.S/Json'], ['content-type', 'application/grpc+json']])), frame(DATA, END_STREAM, 1, grpcFrame(json))])),
      c(2, Buffer.concat([frame(HEADERS, END_HEADERS, 3, block([[':method', 'POST'], [':path', '/s.S/Web'], ['content-type', 'application/grpc-web+proto']])), frame(DATA, END_STREAM, 3, grpcFrame(json))])),
      s(3, Buffer.concat([1, 3].map((id) => Buffer.concat([frame(HEADERS, END_HEADERS, id, responseHead()), frame(HEADERS, END_HEADERS | END_STREAM, id, trailers(0))])))),
      close(4),
    ]);
    const [j, web] = out.transactions;
    assert.deepEqual(req(j!).messages![0]!.text, '{"isbn":"978-1"}');
    assert.deepEqual([web!.protocol.name, web!.summary.text], ['http2', 'POST /s.S/Web -> 200']);
  });

  it('detail summary: the same calls, statuses and counts, no messages', () => {
    const script = [...open(), ...unary(1, 2, pbLen(1, '978-1'), book('Reef'), 7), close(4)];
    const [t] = replay(http2, script, { detail: 'summary' }).transactions;
    assert.deepEqual([t!.summary.text, req(t!), res(t!)], [
      '/shoal.Library/GetBook -> PERMISSION_DENIED',
      { service: 'shoal.Library', method: 'GetBook', messageCount: 1 },
      { messageCount: 1, status: 7, statusName: 'PERMISSION_DENIED' },
    ]);
  });
});

function chunks(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}
