/**
 * Entries of the reviewed goldens of @shoal/dissect's fixtures (packages/dissect/test/fixtures), and
 * the check every detail view's clickable cells must pass, for the detail views' tests.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileFilter } from '@shoal/filter';
import type { Entry } from '@shoal/model';
import type { DetailCell } from '../../src/domain/detail-table.js';
import { termText } from '../../src/domain/filter-snippet.js';

/** The entries of `<folder>/<name>.expected.json`. */
export function golden(folder: string, name: string): Entry[] {
  const file = fileURLToPath(new URL(`../../../../dissect/test/fixtures/${folder}/${name}.expected.json`, import.meta.url));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Entry[] }).entries;
}

/** The first entry whose summary starts with `start`. */
export const find = (entries: Entry[], start: string): Entry => entries.find((e) => e.summary.text.startsWith(start))!;

/** Label → text of detail rows. */
export const texts = (rows: { label: string; value: DetailCell }[]): Record<string, string> => Object.fromEntries(rows.map((r) => [r.label, r.value.text]));

/** Some cell filters, and every clickable cell's term, compiled by the real filter, keeps its own entry (and `!=` drops it). */
export function assertTermsSelect(entry: Entry, cells: DetailCell[]): void {
  const terms = cells.filter((c) => c.term !== undefined);
  assert.ok(terms.length > 0, `some cell of ${entry.summary.text} filters`);
  for (const c of terms) {
    assert.equal(compileFilter(termText(c.term!)).matches(entry), true, `${termText(c.term!)} keeps ${entry.summary.text}`);
    assert.equal(compileFilter(termText(c.term!, true)).matches(entry), false, `${termText(c.term!, true)} drops ${entry.summary.text}`);
  }
}
