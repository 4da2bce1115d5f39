/**
 * The dashboard in Chromium against `shoal front` and a real hub over a capture file
 * (`shoal view`): the feed shows the file's entries, the status bar says the hub is connected.
 * Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { golden } from './helpers/fixtures.js';
import { dashboardOn, type CaptureDashboard } from './helpers/capture-dashboard.js';

const expected = golden('keep-alive.pcap').entries;
const skip = browserUnavailable();

describe('dashboard feed (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 120_000 }, () => {
  let dashboard: CaptureDashboard;
  let browser: Browser;
  let url = '';

  before(async () => {
    dashboard = await dashboardOn('keep-alive.pcap');
    url = dashboard.link;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it("shows every entry of the file as a row, and the hub's connection", async () => {
    const { page, problems } = await openPage(browser, url);
    await page.locator('.row[data-id]').nth(expected.length - 1).waitFor();
    assert.equal(await page.locator('.row[data-id]').count(), expected.length);
    const paths = await page.locator('.row[data-id] .text').allInnerTexts();
    const want = expected.map((e) => (e.summary as { path?: string; text: string }).path ?? (e.summary as { text: string }).text);
    assert.deepEqual([...paths].sort(), [...want].sort());
    await page.getByText('hub connected').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
