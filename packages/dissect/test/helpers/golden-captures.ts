/**
 * The golden check every protocol's captures share: each `<name>.pcap` of a fixtures folder is
 * dissected once, and its entries, warnings and counters must equal `<name>.expected.json`
 * beside it. `UPDATE_GOLDEN=1` rewrites the expected files (read their diff before committing).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
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

/** Asserts (or, with UPDATE_GOLDEN=1, writes) the expected JSON beside `file`. */
function assertExpectedJson(file: string, got: Dissected): void {
  const expectedFile = file.replace(/\.pcap$/, '.expected.json');
  const actual = { warnings: got.warnings, stats: got.stats, entries: got.entries };
  if (UPDATE) fs.writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
  assert.ok(fs.existsSync(expectedFile), `${expectedFile} is missing: run with UPDATE_GOLDEN=1 and review it`);
  assert.deepStrictEqual(actual, JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
}

/**
 * The golden tests of a fixtures folder: the captures are exactly those `reviewed` names (what
 * the generator makes), each gives its expected JSON, and `more` adds each capture's own tests
 * (inside its `describe`, with the capture dissected once for all of them).
 */
export function goldenCaptures(dir: string, reviewed: Record<string, unknown>, more: (name: string, file: string, result: () => Dissected) => void): void {
  const files = captureFiles(dir);
  it('has every capture the generator makes, and only those', () => {
    assert.deepEqual(files.map((f) => path.basename(f, '.pcap')).sort(), Object.keys(reviewed).sort());
  });
  for (const file of files) {
    const name = path.basename(file, '.pcap');
    describe(name, () => {
      const result = dissectedOnce(file);
      it('gives the expected entries', () => assertExpectedJson(file, result()));
      more(name, file, result);
    });
  }
}
