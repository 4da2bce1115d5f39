/**
 * The AMQP entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * amqplib and RabbitMQ (packages/dissect/test/fixtures/amqp/amqplib.pcap). A confirmed publish
 * with its arguments, properties, JSON body and the broker's ack, the exchange clicked to filter
 * (amqp_exchange); a refusal by channel.close, its status clicked to filter (response.status), the
 * feed finding it alone; AMQP's colour on its badges. What the page should show is read from the
 * fixture's reviewed golden. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { dashboardOnFile, type CaptureDashboard } from './helpers/capture-dashboard.js';
import { queryOf } from './helpers/dashboard-page.js';
import { REPO_ROOT } from './helpers/run-shoal.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/amqp/amqplib.pcap';

interface GoldenEntry {
  summary: { text: string; method?: string; path?: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

const entries = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, CAPTURE.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: GoldenEntry[] }).entries;
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

/** Label → value of a detail's label/value table, as text. */
async function rows(table: Locator): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [(tr.querySelector('th') as HTMLElement).innerText, (tr.querySelector('td') as HTMLElement).innerText]));
  return Object.fromEntries(pairs);
}

/** What a feed row's text cell holds for `e` (its title): what the method names, then the rest of the summary (src/domain/entry-row.ts). */
function rowTitle(e: GoldenEntry): string {
  const rest = e.summary.text.slice(e.summary.method!.length + (e.summary.path === undefined ? 0 : e.summary.path.length + 1)).trim();
  return `${e.summary.path ?? ''} ${rest}`.trim();
}

const rowOf = (page: Page, e: GoldenEntry): Locator =>
  page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e).replace(/"/g, '\\"')}"]`) }).filter({ has: page.locator(`.method:text-is("${e.summary.method!}")`) });

/** Until the feed shows exactly the rows of `shown`, in any order. */
async function feedShows(page: Page, shown: GoldenEntry[]): Promise<void> {
  const feed = page.locator('.row[data-id]');
  await feed.nth(shown.length).waitFor({ state: 'detached' });
  await feed.nth(shown.length - 1).waitFor();
  const titles = await feed.locator('.text').evaluateAll((els) => els.map((el) => el.getAttribute('title')));
  assert.deepEqual(titles.sort(), shown.map(rowTitle).sort());
}

const badgeColours = (badge: Locator) => badge.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));

describe('dashboard AMQP detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(CAPTURE);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  async function opened(e: GoldenEntry): Promise<{ page: Page; problems: string[]; detail: Locator }> {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await rowOf(page, e).first().locator('.time').click();
    const detail = page.locator('.entry-detail');
    await detail.locator('[data-section=amqp-request], [data-section=amqp-response]').first().waitFor();
    return { page, problems, detail };
  }

  it("shows a confirmed publish with its arguments, properties, JSON body and the broker's ack, and filters on its exchange (amqp_exchange)", async () => {
    const publish = starting('basic.publish shoal.events');
    const { page, problems, detail } = await opened(publish);
    const request = detail.locator('[data-section=amqp-request]');
    assert.equal(await request.locator('summary').innerText(), 'basic.publish (source)');
    assert.deepEqual(await rows(request.locator('[data-table=message]')), { method: 'basic.publish', channel: '2', exchange: 'shoal.events', 'routing key': 'task.new', mandatory: 'no', immediate: 'no', body: '30 B' });
    assert.equal(await request.locator('[data-table=properties] tbody tr').count(), 4);
    assert.equal(await request.locator('.body').getAttribute('data-kind'), 'json');
    assert.deepEqual(await rows(detail.locator('[data-section=amqp-response] [data-table=message]')), { method: 'basic.ack', channel: '2', 'delivery tag': '1', multiple: 'no', status: 'ok' });
    await request.locator('[data-table=message] .filter-value', { hasText: 'shoal.events' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'amqp_exchange == "shoal.events"');
    await feedShows(page, entries.filter((e) => e.request?.['exchange'] === 'shoal.events'));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a refusal by channel.close, and filters on its status (response.status), which finds it alone', async () => {
    const refused = starting('queue.declare shoal.missing');
    const { page, problems, detail } = await opened(refused);
    const answer = detail.locator('[data-section=amqp-response] [data-table=message]');
    assert.equal(await detail.locator('[data-section=amqp-response] summary').innerText(), 'channel.close (destination)');
    assert.equal((await rows(answer))['reply code'], '404');
    await answer.locator('.filter-value', { hasText: 'error' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'response.status == "error"');
    await feedShows(page, [refused]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours AMQP's badges with its colour in both themes", async () => {
    const publish = starting('basic.publish shoal.events');
    const { page, problems } = await opened(publish);
    const badges = [rowOf(page, publish).first().locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
    const orange = { background: 'rgb(255, 102, 0)', color: 'rgb(0, 0, 0)' };
    for (let i = 0; i < 2; i++) {
      const theme = (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark';
      for (const badge of badges) assert.deepEqual(await badgeColours(badge), orange, `${theme} theme`);
      await page.locator('[data-testid=theme-toggle]').click();
      await page.waitForFunction((t) => document.documentElement.dataset['theme'] !== t, theme);
    }
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
