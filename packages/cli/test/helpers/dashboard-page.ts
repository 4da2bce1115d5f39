/**
 * What the dashboard tests read from a page in Chromium and ask of the hub behind it: the URL's
 * query, the hub's verdict on a filter, a download saved to disk, a screenshot for the docs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './run-shoal.js';

/** Where the screenshots shown in README.md are written (by dashboard-lab.test.ts). */
export const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

/** The query the page's URL holds (`q`), '' when none. */
export const queryOf = (page: Page): string => new URL(page.url()).searchParams.get('q') ?? '';

/** The hub's error for a filter that does not compile (POST /query/validate): message and offset. */
export async function filterError(hub: string, filter: string): Promise<{ message: string; offset: number }> {
  const res = await fetch(`${hub}/query/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter }), signal: AbortSignal.timeout(10_000) });
  const answer = (await res.json()) as { error?: { message: string; position: { offset: number } } };
  if (answer.error === undefined) throw new Error(`the hub accepts ${filter}`);
  return { message: answer.error.message, offset: answer.error.position.offset };
}

/** Clicks `link` and saves the download it starts into `dir`; the file's path and suggested name. */
export async function saveDownload(page: Page, link: ReturnType<Page['locator']>, dir: string): Promise<{ file: string; name: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const name = download.suggestedFilename();
  const file = path.join(dir, name);
  await download.saveAs(file);
  return { file, name };
}

/** A PNG of the page as it is, into docs/screenshots/NAME.png (caret hidden, animations stopped). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  return file;
}
