import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { curlCommand, curlOfEntry, requestUrl, shellQuote } from '../src/domain/curl-command.js';
import type { MessageJson } from '../src/domain/entry-detail.js';
import { golden } from './helpers/fixture-entries.js';

const dst = { ip: '10.0.0.9', port: 8080 };

describe('shellQuote', () => {
  it('leaves plain words bare and single-quotes the rest, quotes included', () => {
    assert.equal(shellQuote('http://h:80/a'), 'http://h:80/a');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('$HOME `x` "y"\n!'), "'$HOME `x` \"y\"\n!'");
    assert.equal(shellQuote(''), "''");
  });
});

describe('requestUrl', () => {
  it('builds the URL from Host and the path, else the server address, and keeps absolute-form', () => {
    assert.equal(requestUrl({ url: '/a?b=1', headers: { host: 'shop:8080' } }, dst), 'http://shop:8080/a?b=1');
    assert.equal(requestUrl({ url: '/a', headers: {} }, dst), 'http://10.0.0.9:8080/a');
    assert.equal(requestUrl({ url: '/a', headers: {} }, { ip: 'fd00::3', port: 80 }), 'http://[fd00::3]:80/a');
    assert.equal(requestUrl({ url: 'http://proxy.example/x', path: '/x', headers: { host: 'other' } }, dst), 'http://proxy.example/x');
  });
});

describe('curlCommand', () => {
  it('writes method, URL, headers and body; curl frames the body itself', () => {
    const c = curlCommand(
      {
        method: 'POST',
        url: '/api/orders',
        headers: { host: '127.0.0.1:40291', 'user-agent': 'curl/7.88.1', 'content-type': 'application/json', 'content-length': '15', 'x-note': "it's" },
        body: '{"item":"book"}',
        bodySize: 15,
      },
      dst,
    );
    assert.deepEqual(c, {
      command: `curl -X POST http://127.0.0.1:40291/api/orders -H 'user-agent: curl/7.88.1' -H 'content-type: application/json' -H 'x-note: it'\\''s' --data-raw '{"item":"book"}'`,
      warnings: [],
    });
  });

  it('says GET by omission, HEAD with --head, and an empty header with curl\'s semicolon', () => {
    assert.equal(curlCommand({ method: 'GET', url: '/', headers: { host: 'h', 'x-empty': '' } }, dst)!.command, "curl http://h/ -H 'x-empty;'");
    assert.equal(curlCommand({ method: 'HEAD', url: '/', headers: { host: 'h' } }, dst)!.command, 'curl --head http://h/');
  });

  it('turns off URL globbing and dot-segment removal when the path needs it', () => {
    assert.equal(curlCommand({ method: 'GET', url: '/a[1]/../b', headers: { host: 'h' } }, dst)!.command, "curl --globoff --path-as-is 'http://h/a[1]/../b'");
  });

  it('sends a binary body from its base64 on stdin', () => {
    const c = curlCommand({ method: 'PUT', url: '/blob', headers: { host: 'h' }, body: 'AP8=', bodyEncoding: 'base64', bodySize: 2 }, dst)!;
    assert.equal(c.command, 'printf %s AP8= | base64 -d | curl -X PUT http://h/blob --data-binary @-');
  });

  it('drops Content-Encoding of a decoded body and warns about what it cannot reproduce', () => {
    const c = curlCommand(
      { method: 'POST', url: '/z', headers: { host: 'h', 'content-encoding': 'gzip' }, body: 'abc', contentEncoding: 'gzip', bodySize: 23, truncated: true },
      dst,
    )!;
    assert.equal(c.command, 'curl -X POST http://h/z --data-raw abc');
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings.join(' '), /cut/);
    assert.match(c.warnings.join(' '), /gzip/);
  });

  it("sends an HTTP/2 request again over HTTP/2: the URL from :scheme, :authority and :path, no pseudo-header field as a header", () => {
    const e = golden('http2', 'nghttp-concurrent').find((x) => x.summary.text.startsWith('POST /upload'))!;
    const c = curlCommand(e.request as MessageJson, e.dst)!;
    assert.equal(c.command, "curl --http2-prior-knowledge -X POST http://10.244.82.2:8080/upload -H 'accept: */*' -H 'accept-encoding: gzip, deflate' -H 'user-agent: nghttp2/1.52.0' -H 'trailer: x-checksum' --data-raw 'posted body from nghttp\n'");
    assert.equal(requestUrl({ url: '/a', headers: { ':scheme': 'https', ':authority': 'shop.example' } }, dst), 'https://shop.example/a');
    assert.match(curlCommand({ method: 'GET', url: '/a', httpVersion: 'HTTP/2', headers: { ':scheme': 'https', ':authority': 'shop.example' } }, dst)!.command, /^curl --http2 https:\/\/shop\.example\/a$/);
  });

  it('has nothing to send without a request', () => {
    assert.equal(curlCommand(null, dst), null);
    assert.equal(curlCommand({ packets: 3, bytes: 10 }, dst), null);
  });
});

describe('curlOfEntry', () => {
  it('is for HTTP, HTTP/2 and GraphQL only: not gRPC, and not a database whose request has a method', () => {
    const http = golden('http1', 'keep-alive')[0]!;
    assert.ok(curlOfEntry(http)?.command.startsWith('curl '));
    assert.equal(curlOfEntry(golden('grpc', 'calls').find((e) => e.protocol.name === 'grpc')!), null);
    const select = golden('postgresql', 'node-md5').find((e) => e.summary.method === 'SELECT')!;
    assert.equal(curlOfEntry(select), null);
  });
});
