/**
 * The Kafka and MongoDB entry details in Chromium, against `shoal view` of real captures and its
 * dashboard: kcat against the Kafka fixture responder (packages/dissect/test/fixtures/kafka/
 * error.pcap: a topic that does not exist, a produce refused) and the official MongoDB driver
 * against the MongoDB one (fixtures/mongodb/error.pcap: an unknown command, a duplicate key). The
 * request's API or command and ids, the topic clickable, the response's error (with the topic and
 * partition a Kafka error is about), the decoded body as JSON; click-to-filter through the kafka
 * and mongodb variables; each protocol's colour on its badges. What the page should show is read
 * from the fixtures' reviewed goldens. Skipped when Debian's chromium is not installed.
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
const MONGO_CAPTURE = 'packages/dissect/test/fixtures/mongodb/error.pcap';

interface GoldenEntry {
  summary: { text: string; path?: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

const golden = (capture: string): GoldenEntry[] => (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, capture.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: GoldenEntry[] }).entries;
const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

/** Label → value of a detail's label/value table, as text. */
async function rows(table: Locator): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [(tr.querySelector('th') as HTMLElement).innerText, (tr.querySelector('td') as HTMLElement).innerText]));
  return Object.fromEntries(pairs);
}

/**
 * A feed row as its text's title reads: the path (a Kafka topic, a MongoDB namespace) and what
 * came back, e.g. `locked TOPIC_AUTHORIZATION_FAILED` (src/domain/entry-row.ts), from an entry's
 * summary.
 */
const rowTitle = (e: GoldenEntry): string => `${e.summary.path ?? e.summary.text} ${/ -> (.+)$/.exec(e.summary.text)![1]!}`;

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

/** The badges of `e`'s row and of the open detail have a protocol's colour in both themes, as the browser computes it. */
async function assertBadgeColours(page: Page, e: GoldenEntry, colours: Record<'light' | 'dark', { background: string; color: string }>): Promise<void> {
  const badges = [rowOf(page, e).locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
  await badges[1]!.waitFor();
  for (let i = 0; i < 2; i++) {
    const theme = (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark';
    for (const badge of badges) assert.deepEqual(await badgeColours(badge), colours[theme], `${theme} theme`);
    await page.locator('[data-testid=theme-toggle]').click();
    await page.waitForFunction((t) => document.documentElement.dataset['theme'] !== t, theme);
  }
}

/** A page of `link` with all `count` rows shown, and `e`'s entry open (clicked on its time, a plain cell). */
async function opened(browser: Browser, link: string, count: number, e: GoldenEntry): Promise<{ page: Page; problems: string[]; detail: Locator }> {
  const { page, problems } = await openPage(browser, link);
  await page.locator('.row[data-id]').nth(count - 1).waitFor();
  await rowOf(page, e).locator('.time').click();
  return { page, problems, detail: page.locator('.entry-detail') };
}

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


  it('shows a refused Produce: the API and ids, the topic, the error with topic and partition, the body as JSON; filters on the error clicked (kafka_error)', async () => {
    const refused = starting('Produce v7 locked');
    const { page, problems, detail } = await opened(browser, view.link, entries.length, refused);
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
    const { page, problems, detail } = await opened(browser, view.link, entries.length, missing[0]!);
    await detail.locator('[data-section=kafka-request] [data-table=topics] .filter-value', { hasText: 'missing' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), '"missing" in kafka_topics');
    await feedShows(page, missing);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours Kafka badges in the feed and the detail with Kafka's colour, in both themes", async () => {
    const locked = starting('Metadata v4 locked');
    const { page, problems } = await opened(browser, view.link, entries.length, locked);
    await assertBadgeColours(page, locked, { light: { background: 'rgb(0, 0, 0)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(177, 186, 196)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard MongoDB detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const mongo = golden(MONGO_CAPTURE);
  const reply = (start: string): GoldenEntry => mongo.find((e) => e.summary.text.startsWith(start))!;
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(MONGO_CAPTURE);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('shows a duplicate key: the command, database and collection, the write error, the command as JSON; filters on the error code clicked', async () => {
    const duplicate = reply('insert shop.orders');
    const { page, problems, detail } = await opened(browser, view.link, mongo.length, duplicate);
    const request = detail.locator('[data-section=mongodb-request] [data-table=message]');
    await request.waitFor();
    const req = await rows(request);
    assert.deepEqual([req['command'], req['database'], req['collection'], req['documents'], req['opcode']], ['insert', 'shop', 'orders', '1', 'OP_MSG']);
    assert.match(await detail.locator('[data-section=mongodb-request] .body-code').innerText(), /"order-1"/);
    const response = detail.locator('[data-section=mongodb-response] [data-table=message]');
    const res = await rows(response);
    assert.deepEqual([res['status'], res['error']], ['error (ok: 1)', '11000']);
    assert.match(res['message']!, /^E11000 duplicate key error/);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');

    await response.locator('.filter-value', { hasText: '11000' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'mongodb_error_code == 11000');
    await feedShows(page, [duplicate]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours MongoDB badges with MongoDB's colour, in both themes", async () => {
    const nope = reply('nope shop');
    const { page, problems } = await opened(browser, view.link, mongo.length, nope);
    await assertBadgeColours(page, nope, { light: { background: 'rgb(0, 104, 74)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(0, 237, 100)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
