/**
 * The HTTP/2 detail view (src/domain/http2-detail.ts) on the entries the dissector made from real
 * nghttp2 and curl peers (fixtures/http2): the stream's facts, the pseudo-header fields apart and
 * filtering through the real filter; a reset and a GOAWAY in words.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { http2StreamRows, isHttp2, pseudoRows, withoutPseudo } from '../src/domain/http2-detail.js';
import { toRow } from '../src/domain/entry-row.js';
import { termText } from '../src/domain/filter-snippet.js';
import { assertTermsSelect, find, golden, texts } from './helpers/fixture-entries.js';

const headersOf = (m: object | null): Record<string, string> => (m as { headers: Record<string, string> }).headers;

describe('HTTP/2 detail view', () => {
  const concurrent = golden('http2', 'nghttp-concurrent');
  const upgrade = golden('http2', 'h2c-upgrade');

  it('shows the stream id, and a pushed request as promised by the server', () => {
    assert.deepEqual(texts(http2StreamRows(find(concurrent, 'GET /data.json'))), { 'stream id': '3' });
    const pushed = concurrent.find((e) => (e.request as { pushed?: boolean } | null)?.pushed === true)!;
    assert.deepEqual(texts(http2StreamRows(pushed)), { 'stream id': '2', pushed: 'the server promised this request (PUSH_PROMISE) and answered it unasked' });
  });

  it('says that the request of stream 1 after an h2c upgrade is the HTTP/1.1 entry before it', () => {
    const e = find(upgrade, '(upgraded request)');
    assert.equal(e.request, null);
    assert.equal(texts(http2StreamRows(e))['request'], 'sent as HTTP/1.1 with Upgrade: h2c: the entry before this one on the connection');
  });

  it('puts the pseudo-header fields apart, in wire order, and leaves the rest to the headers table', () => {
    const e = find(concurrent, 'POST /upload');
    const req = headersOf(e.request);
    assert.deepEqual(
      pseudoRows('request', req, e.summary).map((r) => r.label),
      Object.keys(req).filter((n) => n.startsWith(':')),
    );
    assert.deepEqual(Object.keys(withoutPseudo(req)), Object.keys(req).filter((n) => !n.startsWith(':')));
    assert.deepEqual(texts(pseudoRows('response', headersOf(e.response), e.summary)), { ':status': '200' });
    assert.ok(isHttp2(e.request as { httpVersion?: string }));
  });

  it('filters :method, :path and :status through method, path and status_code, the others through the header map, and every term keeps its entry', () => {
    const e = find(concurrent, 'POST /upload');
    const req = pseudoRows('request', headersOf(e.request), e.summary);
    const term = (label: string) => termText(req.find((r) => r.label === label)!.value.term!);
    assert.equal(term(':method'), 'method == "POST"');
    assert.equal(term(':path'), 'path == "/upload"');
    assert.equal(term(':authority'), `":authority" in request.headers && request.headers[":authority"] == "${headersOf(e.request)[':authority']}"`);
    assert.equal(termText(pseudoRows('response', headersOf(e.response), e.summary)[0]!.value.term!), 'status_code == 200');
    for (const x of [...concurrent, ...golden('http2', 'curl-prior-knowledge'), ...golden('http2', 'h2load')]) {
      const cells = (['request', 'response'] as const).flatMap((side) => (x[side] === null ? [] : pseudoRows(side, headersOf(x[side]), x.summary).map((r) => r.value)));
      assertTermsSelect(x, cells);
    }
  });

  it('keeps :path a header term when the summary does not hold it (decoded only in part)', () => {
    const e = structuredClone(find(concurrent, 'GET /data.json'));
    delete e.summary.path;
    const path = pseudoRows('request', headersOf(e.request), e.summary).find((r) => r.label === ':path')!;
    assert.deepEqual(path.value.term, { kind: 'header', side: 'request', name: ':path', value: '/data.json' });
  });

  it("adds a stream's reset or GOAWAY to its feed row, beside the path and status", () => {
    const e = find(concurrent, 'GET /large.txt');
    assert.equal(toRow(e).outcome, undefined);
    assert.equal(toRow({ ...e, summary: { ...e.summary, text: 'POST /charges -> reset CANCEL' } }).outcome, 'reset CANCEL');
    assert.equal(toRow({ ...e, summary: { ...e.summary, text: 'GET /large.txt -> 200 (goaway NO_ERROR)' } }).outcome, 'goaway NO_ERROR');
  });

  it('writes a RST_STREAM and a GOAWAY with their error codes in words and who sent them', () => {
    const reset: Entry = structuredClone(find(concurrent, 'GET /large.txt'));
    reset.request!['reset'] = { code: 'CANCEL', by: 'client' };
    assert.equal(texts(http2StreamRows(reset))['reset'], 'RST_STREAM CANCEL (no longer needed), sent by the client');
    const refused: Entry = structuredClone(find(concurrent, 'GET /large.txt'));
    refused.response!['goaway'] = { code: 'NO_ERROR', by: 'server', lastStreamId: 3 };
    assert.equal(texts(http2StreamRows(refused))['goaway'], 'GOAWAY NO_ERROR (graceful), sent by the server; last stream 3: this one not processed');
    refused.response!['goaway'] = { code: 'ENHANCE_YOUR_CALM', by: 'server', lastStreamId: 7 };
    assert.equal(texts(http2StreamRows(refused))['goaway'], 'GOAWAY ENHANCE_YOUR_CALM (the peer is sending too much), sent by the server; last stream 7: this one the connection ended with it open');
  });
});
