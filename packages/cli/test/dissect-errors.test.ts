/**
 * `shoal dissect` on bad input and bad command lines: exit codes and messages as docs/cli.md
 * promises them (1 with CAP_ERR_* for files, 2 with CLI_ERR_USAGE for command lines), one line
 * on stderr, and for a damaged capture the entries read before the damage still on stdout.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, fixtureAbs, golden, parseNdjson, parseStats, summaries, type EntryJson } from './helpers/fixtures.js';
import { middleOf, pcapRecords } from './helpers/pcap-records.js';
import { describeRun, lines, shoal, type ShoalRun } from './helpers/run-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const keepAlive = golden('keep-alive.pcap');

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-cli-test-'));
});
after(() => {
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

/** A file in the temp dir with these bytes. */
function tempFile(name: string, bytes: Buffer | string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Exit 1, exactly one stderr line naming the code and the file. */
function assertFileError(r: ShoalRun, code: string, file: string): void {
  assert.equal(r.code, 1, describeRun(r));
  const errs = lines(r.stderr);
  assert.equal(errs.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.ok(errs[0]!.startsWith('shoal dissect: '), errs[0]);
  assert.ok(errs[0]!.includes(code), `${code} in: ${errs[0]}`);
  assert.ok(errs[0]!.includes(file), `the file name in: ${errs[0]}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
}

describe('shoal dissect: files that cannot be read', () => {
  it('a missing file: exit 1, CAP_ERR_OPEN naming the file, nothing on stdout', async () => {
    const missing = path.join(tmp, 'no-such-capture.pcap');
    for (const format of ['ndjson', 'json', 'table']) {
      const r = await shoal('dissect', missing, '--format', format);
      assertFileError(r, 'CAP_ERR_OPEN', missing);
      assert.equal(r.stdout, '', `--format ${format}: nothing on stdout`);
    }
  });

  it('a directory: exit 1, CAP_ERR_OPEN', async () => {
    const r = await shoal('dissect', tmp);
    assertFileError(r, 'CAP_ERR_OPEN', tmp);
    assert.equal(r.stdout, '');
  });

  it('a text file: exit 1, CAP_ERR_NOT_A_CAPTURE', async () => {
    const text = tempFile('notes.txt', 'GET / HTTP/1.1\r\nHost: example\r\n\r\nthis is not a capture\n');
    const r = await shoal('dissect', text);
    assertFileError(r, 'CAP_ERR_NOT_A_CAPTURE', text);
    assert.equal(r.stdout, '');
  });

  it('an empty file: exit 1, CAP_ERR_NOT_A_CAPTURE', async () => {
    const empty = tempFile('empty.pcap', Buffer.alloc(0));
    const r = await shoal('dissect', empty, '--format', 'json');
    assertFileError(r, 'CAP_ERR_NOT_A_CAPTURE', empty);
    assert.equal(r.stdout, '');
  });

  it('a file holding only part of a pcap header: exit 1', async () => {
    const head = tempFile('header-only.pcap', fs.readFileSync(fixtureAbs('keep-alive.pcap')).subarray(0, 10));
    const r = await shoal('dissect', head);
    assert.equal(r.code, 1, describeRun(r));
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /CAP_ERR_[A-Z_]+/);
  });
});

describe('shoal dissect: a truncated capture', () => {
  const original = fs.readFileSync(fixtureAbs('keep-alive.pcap'));
  const records = pcapRecords(original);

  it('cut in the middle of the last record: exit 1, CAP_ERR_TRUNCATED, every entry before the cut printed', async () => {
    const last = records.at(-1)!;
    assert.ok(last.capturedLength >= 2, 'the last record has data to cut in');
    const cutFile = tempFile('keep-alive-cut-last.pcap', original.subarray(0, middleOf(last)));
    const [r, withStats] = await Promise.all([shoal('dissect', cutFile), shoal('dissect', cutFile, '--stats')]);
    assertFileError(r, 'CAP_ERR_TRUNCATED', cutFile);
    assert.equal(r.stderr.split(cutFile).length - 1, 1, `the file is named once:\n${r.stderr}`);
    // The last record of keep-alive.pcap is the client's final bare ACK (tshark: frame 16,
    // "[ACK] … Len=0"), so every HTTP exchange is complete before the cut.
    const entries = parseNdjson(r.stdout);
    assert.deepEqual(summaries(entries), summaries(keepAlive.entries));
    assert.equal(withStats.code, 1, describeRun(withStats));
    assert.equal(withStats.stdout, r.stdout);
    assert.equal(parseStats(withStats.stderr)['packets'], records.length - 1, 'every packet before the cut was read');
    assert.match(withStats.stderr, /CAP_ERR_TRUNCATED/);
  });

  it('cut inside an earlier record: the entries before the cut are still printed', async () => {
    // Cut in the middle of the record holding the last response (tshark: frame 13, "HTTP/1.1 201
    // Created"): the first three exchanges are complete before it, the POST has no response.
    const postAt = records.length - 4;
    const cutFile = tempFile('keep-alive-cut-early.pcap', original.subarray(0, middleOf(records[postAt]!)));
    const r = await shoal('dissect', cutFile, '--format', 'json');
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /CAP_ERR_TRUNCATED/);
    const entries = JSON.parse(r.stdout) as EntryJson[];
    assert.deepEqual(summaries(entries).slice(0, 3), summaries(keepAlive.entries).slice(0, 3));
    assert.equal(entries.length, keepAlive.entries.length);
    // docs/cli.md: a request without response is emitted, marked DIS_ERR_NO_RESPONSE, at the end of the file.
    const post = entries[3]!;
    assert.equal(post.request?.['method'], 'POST');
    assert.equal(post.response, null);
    assert.deepEqual(post['malformed'], { code: 'DIS_ERR_NO_RESPONSE', at: 'response' });
  });

  it('a table still has its header and the rows before the cut', async () => {
    const cutFile = tempFile('keep-alive-cut-table.pcap', original.subarray(0, middleOf(records.at(-1)!)));
    const r = await shoal('dissect', cutFile, '--format', 'table');
    assert.equal(r.code, 1, describeRun(r));
    const [header, ...rows] = lines(r.stdout);
    assert.match(header ?? '', /^TIME\s+PROTO/);
    assert.ok(rows[0]?.includes(keepAlive.entries[0]!.summary.text), rows[0]);
  });
});

describe('shoal dissect: bad command lines (exit 2, CLI_ERR_USAGE)', () => {
  const cases: [string, string[]][] = [
    ['an unknown flag', [KEEP_ALIVE, '--frobnicate']],
    ['no FILE', []],
    ['two FILEs', [KEEP_ALIVE, KEEP_ALIVE]],
    ['--limit -1', [KEEP_ALIVE, '--limit', '-1']],
    ['--limit=-1', [KEEP_ALIVE, '--limit=-1']],
    ['--limit 1.5', [KEEP_ALIVE, '--limit', '1.5']],
    ['--limit with an empty value', [KEEP_ALIVE, '--limit=']],
    ['--limit without a value', [KEEP_ALIVE, '--limit']],
    ['--body-cap abc', [KEEP_ALIVE, '--body-cap', 'abc']],
    ['--body-cap with an empty value', [KEEP_ALIVE, '--body-cap=']],
    ['--response-timeout soon', [KEEP_ALIVE, '--response-timeout', 'soon']],
    ['--format xml', [KEEP_ALIVE, '--format', 'xml']],
    ['--protocol nope', [KEEP_ALIVE, '--protocol', 'nope']],
    ['--stats with a value', [KEEP_ALIVE, '--stats=yes']],
  ];
  for (const [what, args] of cases) {
    it(`${what}: exit 2, one stderr line with CLI_ERR_USAGE and a --help hint, nothing on stdout`, async () => {
      const r = await shoal('dissect', ...args);
      assert.equal(r.code, 2, describeRun(r));
      assert.equal(r.stdout, '');
      const errs = lines(r.stderr);
      assert.equal(errs.length, 1, `one line on stderr:\n${r.stderr}`);
      assert.ok(errs[0]!.startsWith('shoal dissect: '), errs[0]);
      assert.match(errs[0]!, /\(CLI_ERR_USAGE\)/);
      assert.match(errs[0]!, /shoal dissect --help/);
    });
  }

  it('a usage error is reported before the file is opened', async () => {
    const r = await shoal('dissect', path.join(tmp, 'missing.pcap'), '--limit', 'x');
    assert.equal(r.code, 2, describeRun(r));
    assert.doesNotMatch(r.stderr, /CAP_ERR/);
  });
});
