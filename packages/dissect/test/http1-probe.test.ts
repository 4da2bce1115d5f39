/** HTTP/1.x detection: which first bytes say client, server, wait, or not HTTP/1. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { http1 } from '../dist/protocols/http1/index.js';

const probe = (s: string): string => http1.probe(Buffer.from(s, 'latin1'));

describe('http1 probe', () => {
  it('recognises request lines', () => {
    for (const line of [
      'GET / HTTP/1.1\r\n',
      'POST /api/v1/items?x=1 HTTP/1.1\r\nHost: a\r\n\r\n{}',
      'HEAD /index.html HTTP/1.0\r\n',
      'OPTIONS * HTTP/1.1\r\n',
      'CONNECT example.com:443 HTTP/1.1\r\n',
      'PATCH /x HTTP/1.1\n',
      'PROPFIND /dav/ HTTP/1.1\r\n',
      'GET http://example.com/a HTTP/1.1\r\n',
      '\r\nGET / HTTP/1.1\r\n',
    ]) {
      assert.equal(probe(line), 'client', line);
    }
  });

  it('recognises status lines', () => {
    for (const line of ['HTTP/1.1 200 OK\r\n', 'HTTP/1.0 404 Not Found\r\n', 'HTTP/1.1 204\r\n', 'HTTP/1.1 100 Continue']) {
      assert.equal(probe(line), 'server', line);
    }
  });

  it('asks for more while the bytes could still become a start line', () => {
    for (const prefix of ['', 'G', 'GE', 'GET', 'GET ', 'GET /index', 'GET / HTTP/1.', 'GET / HTTP/1.1\r', 'H', 'HTTP/1', 'HTTP/1.1 2', 'HTTP/1.1 20', '\r\n', 'DELETE']) {
      assert.equal(probe(prefix), 'more', JSON.stringify(prefix));
    }
  });

  it('says no to other protocols and to noise', () => {
    for (const other of [
      'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      'PRI * HTTP/2.0\r\n',
      'get / HTTP/1.1\r\n',
      'GET / HTTP/2\r\n',
      'GET /\r\n',
      'GET  / HTTP/1.1\r\n',
      'GET /a b HTTP/1.1\r\n',
      'HTTP/2 200\r\n',
      'HTTP/1.1 2000 OK\r\n',
      'SSH-2.0-OpenSSH_9.6\r\n',
      '\x16\x03\x01\x02\x00\x01\x00',
      '*1\r\n$4\r\nPING\r\n',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n',
      '{"jsonrpc":"2.0"}',
    ]) {
      assert.equal(probe(other), 'no', JSON.stringify(other));
    }
  });

  it('waits for a start line up to 16 KiB, however many segments it spans', () => {
    // A 1500-byte MTU carries 1448 bytes of TCP payload: a 4 KB URL arrives in three segments.
    for (const size of [1500, 4000, 8000, 16 * 1024 - 20]) {
      const line = `GET /${'u'.repeat(size)} HTTP/1.1\r\n`;
      for (const cut of [1448, 2896, line.length - 3]) {
        if (cut < line.length) assert.equal(probe(line.slice(0, cut)), 'more', `${size}-byte target cut at ${cut}`);
      }
      assert.equal(probe(line), 'client', `${size}-byte target`);
      assert.equal(probe(line.replace(' HTTP/1.1', ' HTTP/2.0')), 'no', `${size}-byte target, not HTTP/1`);
    }
  });

  it('judges a start line longer than 16 KiB on its first 16 KiB', () => {
    const prefix = `GET /${'u'.repeat(16 * 1024)}`;
    assert.equal(probe(prefix.slice(0, 16 * 1024)), 'more');
    assert.equal(probe(prefix), 'client');
    assert.equal(probe(`GET /${'u'.repeat(15 * 1024)} ${'v'.repeat(2048)}`), 'no', 'a second SP that is not the version');
  });

  it('looks only at a bounded prefix', () => {
    const long = Buffer.concat([Buffer.from('GET /'), Buffer.alloc(1 << 20, 0x61)]);
    assert.equal(http1.probe(long), 'client');
    assert.equal(http1.probe(Buffer.alloc(1 << 20, 0x0a)), 'no');
  });

  it('never throws on random bytes', () => {
    let x = 99;
    for (let i = 0; i < 20000; i++) {
      const b = Buffer.alloc(i % 40);
      for (let k = 0; k < b.length; k++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[k] = x >>> 24;
      }
      assert.ok(['no', 'more', 'client', 'server'].includes(http1.probe(b)));
    }
  });
});
