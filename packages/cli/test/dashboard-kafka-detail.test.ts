/**
 * The Kafka entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * kcat against the fixture responder (packages/dissect/test/fixtures/kafka/error.pcap: a topic
 * that does not exist, a produce refused). The request's API and ids, the topic clickable, the
 * response's error with the topic and partition it is about, the decoded body as JSON;
 * click-to-filter through the kafka variables; Kafka's colour on its badges. What the page should
 * show is read from the fixture's reviewed golden. Skipped when Debian's chromium is not installed.
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
const CAPTURE = 'packages/dissect/test/fixtures/kafka/error.pcap';

interface GoldenEntry {
  summary: { text: string };
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

/**
 * A feed row as its text's title reads: the topic (or group) and what came back, e.g. `locked
 * TOPIC_AUTHORIZATION_FAILED` (src/domain/entry-row.ts), from an entry's summary.
 */
const rowTitle = (e: GoldenEntry): string => {
  const result = / -> (.+)$/.exec(e.summary.text)![1]!;
  const topics = e.request?.['topics'] as string[] | undefined;
  return `${topics?.[0] ?? e.summary.text} ${result}`;
};

/** The row of entry `e`. */
const rowOf = (page: Page, e: GoldenEntry): Locator => page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e)}"]`) }).first();

/** Until the feed shows exactly the rows of `shown`, in any order. */
async function feedShows(page: Page, shown: GoldenEntry[]): Promise<void> {
  const feed = page.locator('.row[data-id]');
  await feed.nth(shown.length).waitFor({ state: 'detached' });
  await feed.nth(shown.length - 1).waitFor();
  const titles = await feed.locator('.text').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
  assert.deepEqual(titles.sort(), shown.map(rowTitle).sort());
}

const badgeColours = (badge: Locator) => badge.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));

describe('dashboard Kafka detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
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

  /** A page with every row of the capture shown, and `e`'s entry open (clicked on its time, a plain cell). */
  async function opened(e: GoldenEntry): Promise<{ page: Page; problems: string[]; detail: Locator }> {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await rowOf(page, e).locator('.time').click();
    return { page, problems, detail: page.locator('.entry-detail') };
  }

  it('shows a refused Produce: the API and ids, the topic, the error with topic and partition, the body as JSON; filters on the error clicked (kafka_error)', async () => {
    const refused = starting('Produce v7 locked');
    const { page, problems, detail } = await opened(refused);
    const request = detail.locator('[data-section=kafka-request]');
    await request.locator('[data-table=message]').waitFor();
    const req = await rows(request.locator('[data-table=message]'));
    assert.equal(req['API'], 'Produce (key 0) v7');
    assert.equal(req['correlation id'], String(refused.request!['correlationId']));
    assert.equal(req['records'], '1 record in 1 batch');
    assert.deepEqual(await request.locator('[data-table=topics] tbody td').allInnerTexts(), ['locked']);
    assert.match(await request.locator('.body-code').innerText(), /"topicData"/);
    const response = detail.locator('[data-section=kafka-response]');
    const res = await rows(response.locator('[data-table=message]'));
    assert.equal(res['status'], 'error');
    assert.equal(res['error'], 'TOPIC_AUTHORIZATION_FAILED (29)');
    assert.deepEqual(await response.locator('[data-table=errors] tbody td').allInnerTexts(), ['TOPIC_AUTHORIZATION_FAILED', '29', 'locked', '0']);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');

    await response.locator('[data-table=message] .filter-value', { hasText: 'TOPIC_AUTHORIZATION_FAILED' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'kafka_error == "TOPIC_AUTHORIZATION_FAILED"');
    await feedShows(page, [refused]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on a topic clicked ("missing" in kafka_topics)', async () => {
    const missing = entries.filter((e) => (e.request?.['topics'] as string[] | undefined)?.includes('missing'));
    const { page, problems, detail } = await opened(missing[0]!);
    await detail.locator('[data-section=kafka-request] [data-table=topics] .filter-value', { hasText: 'missing' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), '"missing" in kafka_topics');
    await feedShows(page, missing);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours Kafka badges in the feed and the detail with Kafka's colour, in both themes", async () => {
    const locked = starting('Metadata v4 locked');
    const { page, problems } = await opened(locked);
    const badges = [rowOf(page, locked).locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
    await badges[1]!.waitFor();
    const colours = { light: { background: 'rgb(0, 0, 0)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(177, 186, 196)', color: 'rgb(0, 0, 0)' } };
    for (let i = 0; i < 2; i++) {
      const theme = (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark';
      for (const badge of badges) assert.deepEqual(await badgeColours(badge), colours[theme], `${theme} theme`);
      await page.locator('[data-testid=theme-toggle]').click();
      await page.waitForFunction((t) => document.documentElement.dataset['theme'] !== t, theme);
    }
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
