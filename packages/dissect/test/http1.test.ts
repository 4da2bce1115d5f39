/** HTTP/1.x dissector: message flows (keep-alive, pipelining, framing, switching, pairing). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { http1 } from '../dist/protocols/http1/index.js';
import { c, close, end, gap, replayAllSplits, s, tick } from './helpers/split-replay.js';

const GET = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: api.example\r\nAccept: */*\r\n${extra}\r\n`;
const OK = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('http1 spec', () => {
  it('declares name, transport and ports', () => {
    assert.equal(http1.name, 'http');
    assert.equal(http1.layer4, 'tcp');
    for (const p of [80, 8080, 8000, 3000, 5000, 8888]) assert.ok(http1.ports.includes(p));
  });
});

describe('http1 keep-alive', () => {
  it('emits one transaction per request/response pair, with sizes and times', () => {
    const r1 = GET('/users?id=1');
    const a1 = OK('{"id":1}');
    const r2 = 'POST /users HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"name":"zé"}';
    const a2 = 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n';
    const out = replayAllSplits(http1, [c(1000, r1), s(1005, a1), c(1010, Buffer.from(r2, 'utf8')), s(1020, a2), close(1100)]);
    assert.equal(out.transactions.length, 2);
    const [t1, t2] = out.transactions;
    assert.deepEqual(t1, {
      protocol: { name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' },
      timestamp: 1000,
      endTimestamp: 1005,
      summary: { method: 'GET', path: '/users?id=1', status: 200, text: 'GET /users?id=1 -> 200' },
      request: {
        method: 'GET',
        path: '/users?id=1',
        url: '/users?id=1',
        httpVersion: 'HTTP/1.1',
        headers: { host: 'api.example', accept: '*/*' },
        headersSize: r1.length,
        bodySize: 0,
      },
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: { 'content-type': 'text/plain', 'content-length': '8' },
        headersSize: a1.length - 8,
        bodySize: 8,
        body: '{"id":1}',
      },
      requestSize: r1.length,
      responseSize: a1.length,
    });
    assert.equal(t2?.summary.text, 'POST /users -> 201');
    assert.equal(t2?.request?.body, '{"name":"zé"}');
    assert.equal(t2?.request?.bodySize, 14);
    assert.equal(t2?.requestSize, Buffer.byteLength(r2, 'utf8'));
    assert.equal(t2?.response?.statusText, 'Created');
    assert.equal(t2?.response?.body, undefined);
    assert.equal(t2?.timestamp, 1010);
    assert.equal(t2?.endTimestamp, 1020);
    assert.equal(t2?.malformed, undefined);
  });

  it('joins repeated fields, keeps set-cookie apart, unfolds obs-fold, reads HTTP/1.0', () => {
    const req = 'GET http://example.com:8080/a/b?q=1 HTTP/1.0\r\nX-A: 1\r\nx-a: 2\r\nX-Long: one\r\n  two\r\nEmpty:\r\n\r\n';
    const res = 'HTTP/1.0 200 OK\r\nSet-Cookie: a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi';
    const [t] = replayAllSplits(http1, [c(1, req), s(2, res), close(3)]).transactions;
    assert.equal(t?.protocol.version, '1.0');
    assert.equal(t?.request?.url, 'http://example.com:8080/a/b?q=1');
    assert.equal(t?.request?.path, '/a/b?q=1');
    assert.equal(t?.summary.path, '/a/b?q=1');
    assert.deepEqual(t?.request?.headers, { 'x-a': '1, 2', 'x-long': 'one two', empty: '' });
    assert.equal(t?.response?.httpVersion, 'HTTP/1.0');
    assert.equal((t?.response?.headers as Record<string, string>)['set-cookie'], 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT\nb=2');
  });

  it('accepts bare LF line ends and empty lines before a request', () => {
    const out = replayAllSplits(http1, [
      c(1, '\r\nGET /lf HTTP/1.1\nHost: x\n\n'),
      s(2, 'HTTP/1.1 200 OK\nContent-Length: 3\n\nabc'),
      c(3, 'GET /mixed HTTP/1.1\nHost: x\r\n\r\n'),
      s(4, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\n\r\n'),
      close(5),
    ]);
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.response?.body ?? null, t.malformed ?? null]),
      [
        ['GET /lf -> 200', 'abc', null],
        ['GET /mixed -> 404', null, null],
      ],
    );
    assert.equal(out.transactions[0]?.requestSize, 'GET /lf HTTP/1.1\nHost: x\n\n'.length);
  });
});

describe('http1 pipelining', () => {
  it('pairs responses with requests in order', () => {
    const out = replayAllSplits(http1, [
      c(10, GET('/a') + GET('/b') + 'HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n'),
      s(20, OK('A') + OK('BB') + 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'),
      c(30, GET('/d')),
      s(40, OK('D')),
      close(50),
    ]);
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.response?.body ?? null, t.response?.bodySize]),
      [
        ['GET /a -> 200', 'A', 1],
        ['GET /b -> 200', 'BB', 2],
        ['HEAD /c -> 200', null, 0],
        ['GET /d -> 200', 'D', 1],
      ],
    );
  });
});

describe('http1 bodies without content', () => {
  it('HEAD, 204 and 304 responses end with their head', () => {
    const out = replayAllSplits(http1, [
      c(1, 'HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n'),
      s(2, 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nContent-Type: application/zip\r\n\r\n'),
      c(3, 'DELETE /item/1 HTTP/1.1\r\nHost: x\r\n\r\n'),
      s(4, 'HTTP/1.1 204 No Content\r\n\r\n'),
      c(5, GET('/cached', 'If-None-Match: "v1"\r\n')),
      s(6, 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 99\r\n\r\n'),
      c(7, GET('/after')),
      s(8, OK('fine')),
      close(9),
    ]);
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.response?.bodySize, t.response?.body ?? null, t.malformed ?? null]),
      [
        ['HEAD /file -> 200', 0, null, null],
        ['DELETE /item/1 -> 204', 0, null, null],
        ['GET /cached -> 304', 0, null, null],
        ['GET /after -> 200', 4, 'fine', null],
      ],
    );
  });
});

describe('http1 interim responses', () => {
  it('100-continue: the interim status is kept, the final response pairs', () => {
    const head = 'PUT /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n';
    const cont = 'HTTP/1.1 100 Continue\r\n\r\n';
    const fin = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const out = replayAllSplits(http1, [c(1, head), s(2, cont), c(3, 'hello'), s(4, fin), close(5)]);
    assert.equal(out.transactions.length, 1);
    const t = out.transactions[0]!;
    assert.equal(t.summary.text, 'PUT /upload -> 200');
    assert.deepEqual(t.response?.interim, [100]);
    assert.equal(t.request?.body, 'hello');
    assert.equal(t.responseSize, cont.length + fin.length);
    assert.equal(t.requestSize, head.length + 5);
    assert.equal(t.endTimestamp, 4);
  });

  it('103 Early Hints before the final response', () => {
    const out = replayAllSplits(http1, [
      c(1, GET('/page')),
      s(2, 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage'),
      close(3),
    ]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.response?.interim, t.response?.body]), [
      ['GET /page -> 200', [103], 'page'],
    ]);
  });
});

describe('http1 read-until-close', () => {
  it('a response without length completes when the server direction ends', () => {
    const out = replayAllSplits(http1, [
      c(1, 'GET /stream HTTP/1.0\r\n\r\n'),
      s(2, 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nline 1\n'),
      s(3, 'line 2\n'),
      end(1, 4),
      close(5),
    ]);
    assert.equal(out.transactions.length, 1);
    const t = out.transactions[0]!;
    assert.equal(t.response?.body, 'line 1\nline 2\n');
    assert.equal(t.endTimestamp, 3);
    assert.equal(t.malformed, undefined);
  });

  it('and on close when no end was seen', () => {
    const out = replayAllSplits(http1, [c(1, GET('/x')), s(2, 'HTTP/1.1 200 OK\r\n\r\npartial'), close(9)]);
    assert.deepEqual(out.transactions.map((t) => [t.response?.body, t.malformed ?? null]), [['partial', null]]);
  });
});

describe('http1 protocol switch', () => {
  it('101 to websocket: emits, then hands over pending bytes of both directions', () => {
    const up = 'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
    const clientFrame = '\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58';
    const sw = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
    const serverFrame = '\x81\x05Hello';
    const out = replayAllSplits(http1, [c(1, up + clientFrame), s(2, sw + serverFrame), c(3, '\x88\x80')]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.malformed ?? null]), [['GET /chat -> 101', null]]);
    assert.deepEqual(out.upgrades, [{ protocol: 'ws', pending: [clientFrame + '\x88\x80', serverFrame] }]);
  });

  it('h2c upgrade hands the stream to http2', () => {
    const out = replayAllSplits(http1, [
      c(1, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n'),
      s(2, 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'),
      c(3, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    ]);
    assert.equal(out.transactions.length, 1);
    assert.deepEqual(out.upgrades, [{ protocol: 'http2', pending: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', ''] }]);
  });

  it('a declined upgrade carries on as HTTP/1', () => {
    const out = replayAllSplits(http1, [
      c(1, 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n' + GET('/next')),
      s(2, 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n' + OK('n')),
      close(3),
    ]);
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['GET /ws -> 400', 'GET /next -> 200']);
    assert.deepEqual(out.upgrades, []);
  });

  it('CONNECT 200 becomes a tunnel', () => {
    const hello = '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03';
    const out = replayAllSplits(http1, [
      c(1, 'CONNECT db.internal:443 HTTP/1.1\r\nHost: db.internal:443\r\n\r\n' + hello),
      s(2, 'HTTP/1.1 200 Connection Established\r\n\r\n'),
      s(3, '\x16\x03\x03'),
    ]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.request?.url, t.request?.path]), [
      ['CONNECT db.internal:443 -> 200', 'db.internal:443', 'db.internal:443'],
    ]);
    assert.deepEqual(out.upgrades, [{ protocol: 'tunnel', pending: [hello, '\x16\x03\x03'] }]);
  });

  it('CONNECT refused: the response has a body and HTTP/1 continues', () => {
    const out = replayAllSplits(http1, [
      c(1, 'CONNECT db.internal:443 HTTP/1.1\r\nHost: db.internal:443\r\n\r\n'),
      s(2, 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 6\r\n\r\ndenied'),
      c(3, GET('/plain')),
      s(4, OK('ok')),
      close(5),
    ]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.response?.body]), [
      ['CONNECT db.internal:443 -> 407', 'denied'],
      ['GET /plain -> 200', 'ok'],
    ]);
    assert.deepEqual(out.upgrades, []);
  });

  it('pending bytes go to the client direction when it is direction 1', () => {
    const session = { transactions: [] as unknown[], ups: [] as Array<[string, [Buffer[], Buffer[]]]> };
    const d = http1.create({
      clientDirection: 1,
      layer4: 'tcp',
      ipVersion: 4,
      options: { bodyCapBytes: 1000, responseTimeoutMs: 1000, detail: 'full' },
      emit: (t) => session.transactions.push(t),
      upgrade: (p, pending) => session.ups.push([p, pending]),
    });
    d.data(1, Buffer.from('GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\nCLIENT'), 1);
    d.data(0, Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nSERVER'), 2);
    assert.equal(session.transactions.length, 1);
    const [proto, pending] = session.ups[0]!;
    assert.equal(proto, 'ws');
    assert.equal(Buffer.concat(pending[0]).toString(), 'SERVER');
    assert.equal(Buffer.concat(pending[1]).toString(), 'CLIENT');
  });
});

describe('http1 pairing without a partner', () => {
  it('a request with no response is emitted by tick after the timeout', () => {
    const out = replayAllSplits(
      http1,
      [c(1000, GET('/slow')), tick(1500), tick(2001), tick(2002), close(3000)],
      { responseTimeoutMs: 1000 },
    );
    assert.deepEqual(out.transactions, [
      {
        protocol: { name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' },
        timestamp: 1000,
        endTimestamp: 1000,
        summary: { method: 'GET', path: '/slow', text: 'GET /slow -> no response' },
        request: {
          method: 'GET',
          path: '/slow',
          url: '/slow',
          httpVersion: 'HTTP/1.1',
          headers: { host: 'api.example', accept: '*/*' },
          headersSize: GET('/slow').length,
          bodySize: 0,
        },
        response: null,
        requestSize: GET('/slow').length,
        responseSize: 0,
        malformed: { code: 'DIS_ERR_NO_RESPONSE', at: 'response' },
      },
    ]);
  });

  it('a late response after the timeout is shown on its own and pairing stays aligned', () => {
    const out = replayAllSplits(
      http1,
      [c(1000, GET('/a') + GET('/b')), tick(5000), s(6000, OK('A') + OK('B')), c(7000, GET('/c')), s(7001, OK('C')), close(8000)],
      { responseTimeoutMs: 1000 },
    );
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.request === null, t.malformed?.code ?? null]),
      [
        ['GET /a -> no response', false, 'DIS_ERR_NO_RESPONSE'],
        ['GET /b -> no response', false, 'DIS_ERR_NO_RESPONSE'],
        ['GET /a -> 200', true, 'DIS_ERR_NO_REQUEST'],
        ['GET /b -> 200', true, 'DIS_ERR_NO_REQUEST'],
        ['GET /c -> 200', false, null],
      ],
    );
  });

  it('the timeout counts from the previous response when the server is busy answering in turn', () => {
    const out = replayAllSplits(
      http1,
      [c(1000, GET('/a') + GET('/b')), s(1900, OK('A')), tick(2500), tick(2901), close(3000)],
      { responseTimeoutMs: 1000 },
    );
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['GET /a -> 200', 'GET /b -> no response']);
  });

  it('requests still waiting are emitted on close', () => {
    const out = replayAllSplits(http1, [c(1, GET('/a')), s(2, OK('A')), c(3, GET('/b') + GET('/c')), close(4)]);
    assert.deepEqual(
      out.transactions.map((t) => [t.summary.text, t.malformed ?? null]),
      [
        ['GET /a -> 200', null],
        ['GET /b -> no response', { code: 'DIS_ERR_NO_RESPONSE', at: 'response' }],
        ['GET /c -> no response', { code: 'DIS_ERR_NO_RESPONSE', at: 'response' }],
      ],
    );
  });

  it('the end of the server direction answers queued requests with none', () => {
    const out = replayAllSplits(http1, [c(1, GET('/a')), end(1, 2)]);
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['GET /a -> no response']);
  });

  it('a response with no request is emitted with DIS_ERR_NO_REQUEST', () => {
    const out = replayAllSplits(http1, [s(5, OK('orphan')), c(6, GET('/x')), s(7, OK('x')), close(8)]);
    assert.deepEqual(out.transactions[0], {
      protocol: { name: 'http', version: '1.1', abbr: 'HTTP', layer4: 'tcp' },
      timestamp: 5,
      endTimestamp: 5,
      summary: { status: 200, text: '(no request) -> 200' },
      request: null,
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: { 'content-type': 'text/plain', 'content-length': '6' },
        headersSize: OK('orphan').length - 6,
        bodySize: 6,
        body: 'orphan',
      },
      requestSize: 0,
      responseSize: OK('orphan').length,
      malformed: { code: 'DIS_ERR_NO_REQUEST', at: 'request' },
    });
    assert.equal(out.transactions[1]?.summary.text, 'GET /x -> 200');
  });
});

describe('http1 directions out of step', () => {
  // Reassembly may hold one direction back (waiting for a retransmission) while the other flows
  // on: responses then arrive before the requests they answer.
  it('a response that arrives before its request is held until the request is parsed', () => {
    const out = replayAllSplits(http1, [c(1, GET('/a')), s(2, OK('A')), s(4, OK('B')), c(3, GET('/b')), close(5)]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.malformed ?? null, t.timestamp, t.endTimestamp]), [
      ['GET /a -> 200', null, 1, 2],
      ['GET /b -> 200', null, 3, 4],
    ]);
  });

  it('a request lost in a gap declared late still takes its response; the next pairs stay right', () => {
    const out = replayAllSplits(http1, [
      c(1, GET('/a')),
      s(2, OK('A')),
      s(4, OK('lost')),
      s(6, OK('C')),
      gap(0, 40, 10),
      c(5, GET('/c')),
      close(11),
    ]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.malformed?.code ?? null, t.response?.body, t.timestamp]), [
      ['GET /a -> 200', null, 'A', 1],
      ['(lost request) -> 200', 'DIS_ERR_GAP', 'lost', 4],
      ['GET /c -> 200', null, 'C', 5],
    ]);
  });

  it('an interim 100 that arrives before its request is kept', () => {
    const head = 'PUT /u HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n';
    const out = replayAllSplits(http1, [
      s(3, 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'),
      c(1, head),
      c(2, 'ok'),
      close(4),
    ]);
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.response?.interim, t.malformed ?? null]), [['PUT /u -> 201', [100], null]]);
  });

  it('a held response is taken for one without request once client bytes pass its time', () => {
    const out = replayAllSplits(http1, [s(5, OK('early')), c(6, GET('/later')), s(7, OK('later')), close(8)]);
    assert.deepEqual(out.transactions.map((t) => t.summary.text), ['(no request) -> 200', 'GET /later -> 200']);
  });

  it('… or when the response timeout passes with no client bytes at all', () => {
    const out = replayAllSplits(http1, [s(5, OK('alone')), tick(100), tick(1006), c(2000, GET('/x'))], { responseTimeoutMs: 1000 });
    assert.deepEqual(out.transactions.map((t) => [t.summary.text, t.response?.body]), [['(no request) -> 200', 'alone']]);
  });
});
