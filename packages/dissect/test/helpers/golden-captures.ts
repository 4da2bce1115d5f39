/**
 * The golden check every protocol's captures share: each `<name>.pcap` of a fixtures folder is
 * dissected once, and its entries, warnings and counters must equal `<name>.expected.json`
 * beside it. `UPDATE_GOLDEN=1` rewrites the expected files (read their diff before committing).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Entry } from '@shoal/model';
import { dissectFile, type Dissected } from './dissect-capture.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** The captures of a fixtures folder, sorted. */
function captureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.pcap'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** A capture dissected on first use, then kept: the tests of one capture share it. */
function dissectedOnce(file: string): () => Dissected {
  let memo: Dissected | undefined;
  return () => (memo ??= dissectFile(file));
}

/** Bodies longer than this are stored as a prefix plus length and hash, to keep goldens readable. */
const BODY_SHOWN = 2048;

function abbreviate(msg: Record<string, unknown> | null): void {
  const body = msg?.['body'];
  if (msg === null || typeof body !== 'string' || body.length <= BODY_SHOWN) return;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  msg['body'] = `${body.slice(0, BODY_SHOWN)}… [${body.length} characters in all, sha256 ${hash}]`;
}

/** A copy of `entries` whose long bodies are a prefix, their length and a hash. */
export function withBodiesAbbreviated(entries: readonly Entry[]): Entry[] {
  const out = structuredClone(entries) as Entry[];
  for (const e of out) {
    abbreviate(e.request);
    abbreviate(e.response);
  }
  return out;
}

export interface GoldenOptions {
  /** Store long bodies abbreviated (withBodiesAbbreviated). */
  abbreviateBodies?: boolean;
}

/** Asserts (or, with UPDATE_GOLDEN=1, writes) the expected JSON beside `file`. */
function assertExpectedJson(file: string, got: Dissected, options: GoldenOptions): void {
  const expectedFile = file.replace(/\.pcap$/, '.expected.json');
  const entries = options.abbreviateBodies === true ? withBodiesAbbreviated(got.entries) : got.entries;
  const actual = { warnings: got.warnings, stats: got.stats, entries };
  if (UPDATE) fs.writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
  assert.ok(fs.existsSync(expectedFile), `${expectedFile} is missing: run with UPDATE_GOLDEN=1 and review it`);
  assert.deepStrictEqual(actual, JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
}

/**
 * The golden tests of a fixtures folder: the captures are exactly those `reviewed` names (what
 * the generator makes), each gives its expected JSON, and `more` adds each capture's own tests
 * (inside its `describe`, with the capture dissected once for all of them).
 */
export function goldenCaptures(
  dir: string,
  reviewed: Record<string, unknown>,
  more: (name: string, file: string, result: () => Dissected) => void,
  options: GoldenOptions = {},
): void {
  const files = captureFiles(dir);
  it('has every capture the generator makes, and only those', () => {
    assert.deepEqual(files.map((f) => path.basename(f, '.pcap')).sort(), Object.keys(reviewed).sort());
  });
  for (const file of files) {
    const name = path.basename(file, '.pcap');
    describe(name, () => {
      const result = dissectedOnce(file);
      it('gives the expected entries', () => assertExpectedJson(file, result(), options));
      more(name, file, result);
    });
  }
}
