/**
 * What the dashboard tests read from a page in Chromium and ask of the hub behind it: the URL's
 * query, the hub's verdict on a filter, a download saved to disk, a screenshot for the docs, and
 * the feed's rows, a table's cells and a badge's colours.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

/** The cells of a table's body rows, as text. */
export async function cells(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)));
}

/** Label → value of a detail's label/value table, as text. */
export async function kvRows(table: Locator): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [(tr.querySelector('th') as HTMLElement).innerText, (tr.querySelector('td') as HTMLElement).innerText]));
  return Object.fromEntries(pairs);
}

/** The feed row whose text shows `text`, clicked on its time (a plain cell, not a filter value). */
export async function openRow(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('.row[data-id]', { has: page.locator('.text', { hasText: text }) }).locator('.time').click();
}

/** Until the feed shows exactly the rows whose text cells are `texts`, in any order. */
export async function feedShows(page: Page, texts: string[]): Promise<void> {
  const rows = page.locator('.row[data-id]');
  await rows.nth(texts.length).waitFor({ state: 'detached' });
  await rows.nth(texts.length - 1).waitFor();
  assert.deepEqual((await rows.locator('.text').allInnerTexts()).sort(), [...texts].sort());
}

/** Until the feed shows exactly the rows whose text cells' titles are `titles`, in any order. */
export async function feedShowsTitles(page: Page, titles: string[]): Promise<void> {
  const rows = page.locator('.row[data-id]');
  await rows.nth(titles.length).waitFor({ state: 'detached' });
  await rows.nth(titles.length - 1).waitFor();
  const shown = await rows.locator('.text').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
  assert.deepEqual(shown.sort(), [...titles].sort());
}

/** A badge's computed background and text colours. */
export const badgeColours = (badge: Locator): Promise<{ background: string; color: string }> =>
  badge.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));

/** Asserts the protocol's badges in the feed (`row`'s, the first row's by default) and the open detail have `colours` in both themes, toggling the theme twice. */
export async function assertBadgeColours(page: Page, colours: Record<'light' | 'dark', { background: string; color: string }>, row?: Locator): Promise<void> {
  const badges = [row === undefined ? page.locator('.row[data-id] .badge').first() : row.locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
  await badges[1]!.waitFor();
  for (let i = 0; i < 2; i++) {
    const theme = (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark';
    for (const badge of badges) assert.deepEqual(await badgeColours(badge), colours[theme], `${theme} theme`);
    await page.locator('[data-testid=theme-toggle]').click();
    await page.waitForFunction((t) => document.documentElement.dataset['theme'] !== t, theme);
  }
}
