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
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours as assertColours, feedShowsTitles, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, golden, type GoldenEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/kafka/error.pcap';
const MONGO_CAPTURE = 'packages/dissect/test/fixtures/mongodb/error.pcap';

const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

/**
 * A feed row as its text's title reads: the path (a Kafka topic, a MongoDB namespace) and what
 * came back, e.g. `locked TOPIC_AUTHORIZATION_FAILED` (src/domain/entry-row.ts), from an entry's
 * summary.
 */
const rowTitle = (e: GoldenEntry): string => `${e.summary.path ?? e.summary.text} ${/ -> (.+)$/.exec(e.summary.text)![1]!}`;

/** The row of entry `e`. */
const rowOf = (page: Page, e: GoldenEntry): Locator => page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e)}"]`) }).first();

/** Until the feed shows exactly the rows of `shown`, in any order. */
const feedShows = (page: Page, shown: GoldenEntry[]): Promise<void> => feedShowsTitles(page, shown.map(rowTitle));

/** The badges of `e`'s row and of the open detail have a protocol's colour in both themes, as the browser computes it. */
const assertBadgeColours = (page: Page, e: GoldenEntry, colours: Record<'light' | 'dark', { background: string; color: string }>): Promise<void> => assertColours(page, colours, rowOf(page, e));

describe('dashboard Kafka detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const dashboard = fixtureDashboard(CAPTURE);
  const opened = (e: GoldenEntry) => dashboard.opened((page) => rowOf(page, e));

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
    await assertBadgeColours(page, locked, { light: { background: 'rgb(0, 0, 0)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(177, 186, 196)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard MongoDB detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const dashboard = fixtureDashboard(MONGO_CAPTURE);
  const reply = (start: string): GoldenEntry => dashboard.entries.find((e) => e.summary.text.startsWith(start))!;
  const opened = (e: GoldenEntry) => dashboard.opened((page) => rowOf(page, e));

  it('shows a duplicate key: the command, database and collection, the write error, the command as JSON; filters on the error code clicked', async () => {
    const duplicate = reply('insert shop.orders');
    const { page, problems, detail } = await opened(duplicate);
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
    const { page, problems } = await opened(nope);
    await assertBadgeColours(page, nope, { light: { background: 'rgb(0, 104, 74)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(0, 237, 100)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
