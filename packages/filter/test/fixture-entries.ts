/**
 * Entries to filter, exactly as the dissector wrote them from real traffic: the golden entries of
 * a capture of packages/dissect/test/fixtures/<folder>/ (made by its generate-<folder>.sh).
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

/** The entries of `<folder>/<capture>.expected.json`, fresh copies, in order. */
export function fixtureEntries(folder: string, capture: string): Entry[] {
  const file = fileURLToPath(new URL(`../../dissect/test/fixtures/${folder}/${capture}.expected.json`, import.meta.url));
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: Entry[] }).entries;
}
