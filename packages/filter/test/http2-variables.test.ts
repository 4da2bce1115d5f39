/**
 * The HTTP variables on HTTP/2 entries the dissector made from real nghttp2 traffic: the same
 * `method`, `path`, `status_code`, `request.headers` and body sizes as HTTP/1's, and the `http2`
 * protocol boolean beside `http`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { compileFilter } from '@shoal/filter';
import * as H from './http2-entries.js';

function check(entry: Entry, filter: string, expected: boolean): void {
  const f = compileFilter(filter);
  assert.equal(f.matches(entry), expected, `${filter} on ${entry.summary.text}`);
  assert.equal(f.errorCount, 0, `${filter}: ${f.lastError?.error.message ?? ''}`);
}

describe('HTTP/2 entries in filters', () => {
  it('http2 is true for HTTP/2 entries only; http for HTTP/1 ones', () => {
    check(H.post(), 'http2 && !http && protocol == "http2" && layer4 == "tcp"', true);
    check(H.upgradeRequest(), 'http && !http2', true);
    check(H.upgradedResponse(), 'http2 && status_code == 200 && method == ""', true);
  });

  it('method, path, status_code and sizes as for HTTP/1', () => {
    check(H.post(), 'method == "POST" && path == "/upload" && url == "/upload" && status_code == 200', true);
    check(H.post(), 'request_body_size == 24 && response_body_size == 24', true);
    check(H.post(), '(http || http2) && path.startsWith("/up")', true);
  });

  it('request.headers and response.headers, pseudo-header fields included; trailers and stream ids', () => {
    check(H.post(), 'request.headers[":authority"] == "10.244.82.2:8080" && request.headers["user-agent"].startsWith("nghttp2/")', true);
    check(H.post(), 'response.headers[":status"] == "200" && request.trailers["x-checksum"] == "42"', true);
    check(H.post(), 'response.trailers["x-served-by"] == "nghttpd" && request.streamId == 13', true);
    check(H.pushed(), 'request.pushed && request.streamId == 2', true);
  });
});
