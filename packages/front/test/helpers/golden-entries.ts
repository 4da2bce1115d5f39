/**
 * The reviewed golden entries of @shoal/dissect's captures, for the detail views' tests, and the
 * check every clickable value of a view must pass with the real filter.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import type { DetailCell } from '../../src/domain/detail-table.js';
import { termText } from '../../src/domain/filter-snippet.js';

/** The entries of packages/dissect/test/fixtures/<folder>/<name>.expected.json. */
export function golden(folder: string, name: string): Entry[] {
  const file = fileURLToPath(new URL(`../../../../dissect/test/fixtures/${folder}/${name}.expected.json`, import.meta.url));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Entry[] }).entries;
}

/** Every clickable cell's term, compiled by the real filter, must keep its own entry (and `!=` must drop it). */
export function assertTermsSelect(entry: Entry, cells: DetailCell[]): void {
  for (const c of cells) {
    if (c.term === undefined) continue;
    assert.equal(compileFilter(termText(c.term)).matches(entry), true, `${termText(c.term)} keeps ${entry.summary.text}`);
    assert.equal(compileFilter(termText(c.term, true)).matches(entry), false, `${termText(c.term, true)} drops ${entry.summary.text}`);
  }
}
