/**
 * The AMQP entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * amqplib and RabbitMQ (packages/dissect/test/fixtures/amqp/amqplib.pcap). A confirmed publish
 * with its arguments, properties, JSON body and the broker's ack, the exchange clicked to filter
 * (amqp_exchange); a refusal by channel.close, its status clicked to filter (response.status), the
 * feed finding it alone; AMQP's colour on its badges. What the page should show is read from the
 * fixture's reviewed golden. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours, feedShowsTitles, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, golden, titleAfterMethod as rowTitle, type GoldenEntry, type OpenedEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/amqp/amqplib.pcap';

const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

const rowOf = (page: Page, e: GoldenEntry): Locator =>
  page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e).replace(/"/g, '\\"')}"]`) }).filter({ has: page.locator(`.method:text-is("${e.summary.method!}")`) });

/** Until the feed shows exactly the rows of `shown`, in any order. */
const feedShows = (page: Page, shown: GoldenEntry[]): Promise<void> => feedShowsTitles(page, shown.map(rowTitle));

describe('dashboard AMQP detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const dashboard = fixtureDashboard(CAPTURE);

  async function opened(e: GoldenEntry): Promise<OpenedEntry> {
    const opened = await dashboard.opened((page) => rowOf(page, e).first());
    await opened.detail.locator('[data-section=amqp-request], [data-section=amqp-response]').first().waitFor();
    return opened;
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
    const orange = { background: 'rgb(255, 102, 0)', color: 'rgb(0, 0, 0)' };
    await assertBadgeColours(page, { light: orange, dark: orange }, rowOf(page, publish).first());
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
