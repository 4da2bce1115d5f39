/**
 * The MQTT entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * MQTT.js and mosquitto over MQTT 5.0 (packages/dissect/test/fixtures/mqtt/node-v5.pcap). A QoS 2
 * flow's four packets in the order sent with the payload, the topic clicked to filter
 * (mqtt_topic), a refused PUBLISH's reason clicked to filter (mqtt_reason_code), a binary payload
 * as a hex view, and MQTT's colour on its badges. What the page should show is read from the
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
const CAPTURE = 'packages/dissect/test/fixtures/mqtt/node-v5.pcap';

interface GoldenEntry {
  summary: { text: string; method?: string; path?: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

const entries = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, CAPTURE.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: GoldenEntry[] }).entries;
const starting = (start: string): GoldenEntry[] => entries.filter((e) => e.summary.text.startsWith(start));

/** Label → value of a detail's label/value table, as text. */
async function rows(table: Locator): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [(tr.querySelector('th') as HTMLElement).innerText, (tr.querySelector('td') as HTMLElement).innerText]));
  return Object.fromEntries(pairs);
}

/** What a feed row's text cell holds for `e` (its title): the topic, then the rest of the summary (src/domain/entry-row.ts). */
function rowTitle(e: GoldenEntry): string {
  const rest = e.summary.text.slice(e.summary.method!.length + (e.summary.path === undefined ? 0 : e.summary.path.length + 1)).trim();
  return `${e.summary.path ?? ''} ${rest}`.trim();
}

const rowOf = (page: Page, e: GoldenEntry): Locator => page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e)}"]`) });

/** Until the feed shows exactly the rows of `shown`, in any order. */
async function feedShows(page: Page, shown: GoldenEntry[]): Promise<void> {
  const feed = page.locator('.row[data-id]');
  await feed.nth(shown.length).waitFor({ state: 'detached' });
  await feed.nth(shown.length - 1).waitFor();
  const titles = await feed.locator('.text').evaluateAll((els) => els.map((el) => el.getAttribute('title')));
  assert.deepEqual(titles.sort(), shown.map(rowTitle).sort());
}

const badgeColours = (badge: Locator) => badge.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));

describe('dashboard MQTT detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
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

  /** A page with every row shown, and the first entry of `e`'s row opened (the client's, for a message both ways). */
  async function opened(e: GoldenEntry): Promise<{ page: Page; problems: string[]; detail: Locator }> {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await rowOf(page, e).first().locator('.time').click();
    const detail = page.locator('.entry-detail');
    await detail.locator('[data-section=mqtt-request], [data-section=mqtt-response]').first().waitFor();
    return { page, problems, detail };
  }

  it("shows a QoS 2 flow's four packets in order with the payload, and filters on the topic clicked (mqtt_topic)", async () => {
    const [flow] = starting('PUBLISH sensors/pressure (QoS 2');
    const { page, problems, detail } = await opened(flow!);
    const sections = detail.locator('[data-section^=mqtt-]');
    await sections.nth(3).waitFor();
    assert.deepEqual(await sections.evaluateAll((els) => els.map((el) => el.getAttribute('data-section'))), ['mqtt-request', 'mqtt-response', 'mqtt-release', 'mqtt-complete']);
    const publish = detail.locator('[data-section=mqtt-request]');
    assert.deepEqual(await rows(publish.locator('[data-table=message]')), {
      type: 'PUBLISH', 'packet id': String(flow!.request!['packetId']), 'client id': 'shoal-fixture-v5', topic: 'sensors/pressure', QoS: '2', payload: '8 B',
    });
    assert.equal(await publish.locator('.body-code').innerText(), '1013 hPa');
    assert.deepEqual(await rows(detail.locator('[data-section=mqtt-response] [data-table=message]')), { type: 'PUBREC', 'packet id': String(flow!.request!['packetId']), status: 'ok' });
    await publish.locator('[data-table=message] .filter-value', { hasText: 'sensors/pressure' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'mqtt_topic == "sensors/pressure"');
    await feedShows(page, entries.filter((e) => e.request?.['topic'] === 'sensors/pressure'));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows a refused PUBLISH's reason, and filters on its code clicked (mqtt_reason_code)", async () => {
    const [refused] = starting('PUBLISH secret/plans');
    const { page, problems, detail } = await opened(refused!);
    const answer = detail.locator('[data-section=mqtt-response] [data-table=message]');
    assert.deepEqual(await rows(answer), { type: 'PUBACK', 'packet id': String(refused!.response!['packetId']), reason: '135 not authorized', status: 'error' });
    await answer.locator('.filter-value', { hasText: 'not authorized' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'mqtt_reason_code == 135');
    await feedShows(page, [refused!]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows a binary payload as a hex view, and colours MQTT's badges with its colour in both themes", async () => {
    const [humidity] = starting('PUBLISH sensors/humidity');
    const { page, problems, detail } = await opened(humidity!);
    const hex = detail.locator('[data-section=mqtt-request] .body-hex');
    await hex.waitFor();
    assert.match(await hex.innerText(), /^00000000 {2}00 01 fe ff/);
    const badges = [rowOf(page, humidity!).first().locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
    const colours = { light: { background: 'rgb(102, 0, 102)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(194, 123, 194)', color: 'rgb(0, 0, 0)' } };
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
