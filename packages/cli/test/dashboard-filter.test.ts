/**
 * The dashboard's filter bar and time range in Chromium, against `shoal front` and a real hub
 * over keep-alive.pcap (GET / 200, GET /api/users 200, GET /missing 404, POST /api/orders 201,
 * at the file's own times). Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { filterError } from './helpers/dashboard-page.js';
import { golden } from './helpers/fixtures.js';
import { dashboardOn, type CaptureDashboard } from './helpers/capture-dashboard.js';

const expected = golden('keep-alive.pcap').entries as unknown as { timestamp: number; summary: { path: string } }[];
const skip = browserUnavailable();

const rows = (page: Page) => page.locator('.row[data-id]');
const paths = async (page: Page) => [...(await page.locator('.row[data-id] .text').allInnerTexts())].sort();
/** Waits (bounded by the page's default timeout) until the feed holds exactly `n` rows. */
const rowCount = (page: Page, n: number) => page.waitForFunction((want) => document.querySelectorAll('.row[data-id]').length === want, n);

describe('dashboard filter bar and time range (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let dashboard: CaptureDashboard;
  let browser: Browser;
  let hub = '';
  let link = '';

  before(async () => {
    dashboard = await dashboardOn('keep-alive.pcap');
    ({ hub, link } = dashboard);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it('applies a typed filter on Enter: the rows narrow, the URL holds it, Back restores the bar', async () => {
    const { page, problems } = await openPage(browser, link);
    await rows(page).nth(expected.length - 1).waitFor();
    const input = page.getByTestId('filter-input');
    await input.fill('method == "POST"');
    await input.press('Enter');
    await rowCount(page, 1);
    assert.deepEqual(await paths(page), ['/api/orders']);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'method == "POST"');
    // The URL changed from outside the bar (Back): the bar shows the query now in force.
    await page.goBack();
    await rowCount(page, expected.length);
    assert.equal(await input.inputValue(), '');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("underlines a bad filter at the hub's error offset, shows its message, and does not apply it", async () => {
    const { page, problems } = await openPage(browser, link);
    await rows(page).nth(expected.length - 1).waitFor();
    const bad = 'http && status_code == "x"';
    const hubError = await filterError(hub, bad);
    const input = page.getByTestId('filter-input');
    await input.pressSequentially(bad);
    await page.getByTestId('filter-error').waitFor();
    assert.match(await page.getByTestId('filter-error').innerText(), /type mismatch/);
    const mark = page.locator('.filter-error-mark').first();
    assert.equal(Number(await mark.getAttribute('data-offset')), hubError.offset);
    assert.equal(await mark.innerText(), bad.slice(hubError.offset).split(' ')[0]);
    await input.press('Escape');
    await input.press('Enter');
    assert.equal(new URL(page.url()).searchParams.get('q'), null);
    assert.equal(await rows(page).count(), expected.length);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('completes a variable with its type, then a value seen in the feed', async () => {
    const { page, problems } = await openPage(browser, link);
    await rows(page).nth(expected.length - 1).waitFor();
    const input = page.getByTestId('filter-input');
    const list = page.getByTestId('filter-suggestions');
    await input.pressSequentially('status_c');
    await list.getByText('status_code').waitFor();
    assert.match(await list.locator('li').first().innerText(), /status_code\s+int\s+response status/);
    await input.press('Tab');
    assert.equal(await input.inputValue(), 'status_code');
    await input.pressSequentially(' == ');
    await list.getByText('404').waitFor();
    await input.press('ArrowDown');
    // Seen: 200 twice, then 201 and 404 once: the second is 201.
    assert.equal(await list.locator('li[aria-selected="true"] .suggestion-label').innerText(), '201');
    await input.press('Enter');
    assert.equal(await input.inputValue(), 'status_code == 201 ');
    await input.press('Escape');
    await input.press('Enter');
    await rowCount(page, 1);
    assert.deepEqual(await paths(page), ['/api/orders']);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('remembers applied queries across a reload, and an example goes into the bar', async () => {
    const { page, problems } = await openPage(browser, link);
    await rows(page).nth(expected.length - 1).waitFor();
    const input = page.getByTestId('filter-input');
    for (const q of ['status_code == 404', 'method == "GET"']) {
      await input.fill(q);
      await input.press('Enter');
      await page.waitForFunction((want) => new URL(location.href).searchParams.get('q') === want, q);
    }
    await page.reload();
    await page.getByTestId('filter-history-button').click();
    assert.deepEqual(await page.getByTestId('filter-history').locator('code').allInnerTexts(), ['method == "GET"', 'status_code == 404']);
    await page.getByTestId('filter-history').getByText('status_code == 404').click();
    await rowCount(page, 1);
    assert.deepEqual(await paths(page), ['/missing']);

    await page.getByTestId('filter-examples-button').click();
    await page.getByTestId('filter-examples').getByText('http && status_code >= 500').click();
    assert.equal(await input.inputValue(), 'http && status_code >= 500');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows only the entries of a past window, without the live stream', async () => {
    // From just after the first entry to just after the last: all but GET /.
    const from = Math.ceil(expected[0]!.timestamp);
    const to = Math.ceil(expected.at(-1)!.timestamp);
    assert.ok(expected.filter((e) => e.timestamp >= from && e.timestamp < to).length === expected.length - 1, 'the window leaves out the first entry');
    const { page, problems } = await openPage(browser, link, `/?from=${from}&to=${to}`);
    await rowCount(page, expected.length - 1);
    assert.deepEqual(await paths(page), expected.slice(1).map((e) => e.summary.path).sort());
    await page.getByTestId('statusbar').getByText('viewing').waitFor();
    assert.match(await page.getByTestId('time-range').innerText(), /viewing/);
    // Back to the live tail from the picker: every entry again.
    await page.getByTestId('time-range').click();
    await page.getByTestId('time-range-popover').getByText('Live tail').click();
    await rowCount(page, expected.length);
    assert.equal(new URL(page.url()).searchParams.get('from'), null);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
