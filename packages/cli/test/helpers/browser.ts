/**
 * Debian's Chromium, headless, driven by playwright-core: the dashboard's end-to-end tests run in
 * a real browser. The flags keep it off the network (this machine has none beyond its own) and
 * quiet; each launch gets a new empty profile. `browserUnavailable()` says why a test must skip.
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export function browserUnavailable(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (Debian package chromium; make test installs it)`;
}

/** Chromium, or what `executablePath` runs in its place (a wrapper that starts it elsewhere). */
export async function launchBrowser(executablePath = CHROMIUM): Promise<Browser> {
  return chromium.launch({ executablePath, args: FLAGS, timeout: 60_000 });
}

/**
 * A new page (in a new browser context: no cookie yet) of `width`×`height`, signed in to the
 * dashboard through its printed sign-in `link` as a user clicking it is, then at `path` of the
 * dashboard when given (`/?q=http`). Errors fail loudly: uncaught exceptions and console errors
 * (a Content-Security-Policy violation among them) are collected in `problems` for the test to
 * assert empty.
 */
export async function openPage(browser: Browser, link: string, path?: string, width = 1400, height = 860): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.setDefaultTimeout(20_000);
  await page.goto(link);
  if (path !== undefined) await page.goto(new URL(path, link).href);
  return { page, problems };
}
