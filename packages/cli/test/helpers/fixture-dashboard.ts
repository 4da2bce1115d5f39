/**
 * What the entry-detail tests in Chromium share: a dissect fixture's reviewed golden (what the
 * page should show), and `shoal view` of the fixture with its dashboard and a Chromium, started
 * before a describe block's tests and stopped after them, with a page per test opened on one
 * entry once every row of the capture is shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, openPage } from './browser.js';
import { dashboardOnFile, type CaptureDashboard } from './capture-dashboard.js';
import { openRow } from './dashboard-page.js';
import { REPO_ROOT } from './run-shoal.js';

/** An entry of a golden, as much of it as the detail tests read. */
export interface GoldenEntry {
  summary: { text: string; method?: string; path?: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

/** The entries of the reviewed golden next to `capture` (a path from the repository root). */
export function golden<E = GoldenEntry>(capture: string): E[] {
  return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, capture.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: E[] }).entries;
}

/**
 * What a feed row's text cell holds for `e` (its title): what the method names (the path), then
 * the rest of the summary (src/domain/entry-row.ts).
 */
export function titleAfterMethod(e: GoldenEntry): string {
  const rest = e.summary.text.slice(e.summary.method!.length + (e.summary.path === undefined ? 0 : e.summary.path.length + 1)).trim();
  return `${e.summary.path ?? ''} ${rest}`.trim();
}

export interface OpenedEntry {
  page: Page;
  /** Page errors and console errors (browser.ts `openPage`). */
  problems: string[];
  detail: Locator;
}

export interface FixtureDashboard<E> {
  entries: E[];
  /** A new page with every row shown, and the entry opened whose row shows `row` (text), or the row `row` finds, clicked on its time. */
  opened(row: string | RegExp | ((page: Page) => Locator)): Promise<OpenedEntry>;
}

/** `shoal view` of `capture` and a Chromium for the tests of the describe block this is called in. */
export function fixtureDashboard<E = GoldenEntry>(capture: string): FixtureDashboard<E> {
  const entries = golden<E>(capture);
  let browser: Browser;
  let view: CaptureDashboard;
  before(async () => {
    view = await dashboardOnFile(capture);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });
  return {
    entries,
    async opened(row) {
      const { page, problems } = await openPage(browser, view.link);
      await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
      if (typeof row === 'function') await row(page).locator('.time').click();
      else await openRow(page, row);
      return { page, problems, detail: page.locator('.entry-detail') };
    },
  };
}
