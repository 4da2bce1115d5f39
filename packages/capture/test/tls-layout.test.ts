/**
 * The TLS tracer's record, C against TypeScript, without root or a tracer: gcc builds
 * test/native/tls-layout.c, which prints offsetof/sizeof of struct shoal_tls_record
 * (native/bpf/shoal_tls.h) and two records filled as the programs fill them; the reader
 * (src/live/tls-records.ts) must agree with both.
 */

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTlsRecord, TLS_RECORD_BYTES, TLS_RECORD_LINKTYPE, TLS_RECORD_OFFSETS, type TlsEndpoint } from '../dist/index.js';

const NATIVE = fileURLToPath(new URL('../native/', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../test/native/tls-layout.c', import.meta.url));

interface Layout {
  size: number;
  constant: number;
  linktype: number;
  offsets: Record<string, number>;
}

/** An endpoint as plain values: the version, the address's words in hex, the port. */
function plain(e: TlsEndpoint | null): string | null {
  return e === null ? null : `v${e.version} ${[...e.words].map((w) => w.toString(16)).join(' ')} :${e.port}`;
}

describe('TLS record layout, C and TypeScript', () => {
  let dir = '';
  let layout: Layout;
  let records: Buffer;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-tls-layout-'));
    const exe = path.join(dir, 'tls-layout');
    execFileSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-I', NATIVE, '-o', exe, PROGRAM], { timeout: 60_000 });
    const [first, second] = execFileSync(exe, { encoding: 'utf8', timeout: 10_000 }).split('\n');
    layout = JSON.parse(first!) as Layout;
    records = Buffer.from(second!, 'hex');
  });
  after(() => {
    if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the reader uses the size, link type and field offsets the C compiler gives', () => {
    assert.equal(layout.size, TLS_RECORD_BYTES, 'sizeof(struct shoal_tls_record)');
    assert.equal(layout.constant, TLS_RECORD_BYTES, 'SHOAL_TLS_RECORD_BYTES');
    assert.equal(layout.linktype, TLS_RECORD_LINKTYPE, 'SHOAL_TLS_LINKTYPE');
    assert.deepEqual(layout.offsets, TLS_RECORD_OFFSETS);
  });

  it('the reader gets back what the C side wrote: a data record with its plaintext, a bind record over IPv6', () => {
    const plaintext = 'GET / HTTP/1.1\r\n';
    const dataLength = TLS_RECORD_BYTES + plaintext.length;
    const data = decodeTlsRecord(records, 0, dataLength, 1_700_000_000_123.5);
    assert.ok(data !== null);
    assert.deepEqual(
      { ...data, local: plain(data.local), remote: plain(data.remote), data: data.data.toString('latin1') },
      {
        kind: 'data',
        timestampMs: 1_700_000_000_123.5,
        pid: 4242,
        tid: 4243,
        comm: 'curl',
        netns: 4026532001,
        ssl: 0x55f4b2bd69f0,
        direction: 'write',
        streamOffset: 5_000_000_000,
        callLength: 50_000,
        fd: 7,
        tupleSource: 'call',
        local: 'v4 af70302 0 0 0 :51234', // 10.247.3.2
        remote: 'v4 af70301 0 0 0 :443', // 10.247.3.1
        data: plaintext,
      },
    );
    const bind = decodeTlsRecord(records, dataLength, TLS_RECORD_BYTES, 0);
    assert.ok(bind !== null);
    assert.deepEqual(
      { kind: bind.kind, pid: bind.pid, ssl: bind.ssl, fd: bind.fd, comm: bind.comm, tupleSource: bind.tupleSource, local: plain(bind.local), remote: plain(bind.remote), length: bind.data.length },
      { kind: 'bind', pid: 77, ssl: 0x15ec8b80, fd: -1, comm: 'a-name-16-bytes!', tupleSource: 'none', local: 'v6 fd000000 0 0 10002 :40000', remote: 'v6 fd000000 0 0 9 :8443', length: 0 }, // fd00::1:2, fd00::9
    );
  });

  it('a record cut short, or of an unknown kind, is refused rather than misread', () => {
    const plaintext = 'GET / HTTP/1.1\r\n';
    assert.equal(decodeTlsRecord(records, 0, TLS_RECORD_BYTES + plaintext.length - 1, 0), null, 'plaintext cut');
    assert.equal(decodeTlsRecord(records, 0, TLS_RECORD_BYTES - 1, 0), null, 'header cut');
    const copy = Buffer.from(records.subarray(0, TLS_RECORD_BYTES));
    copy[TLS_RECORD_OFFSETS.kind] = 9;
    assert.equal(decodeTlsRecord(copy, 0, TLS_RECORD_BYTES, 0), null, 'kind 9');
  });
});
