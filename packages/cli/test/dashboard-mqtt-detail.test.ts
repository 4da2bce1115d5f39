/**
 * The MQTT entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * MQTT.js and mosquitto over MQTT 5.0 (packages/dissect/test/fixtures/mqtt/node-v5.pcap). A QoS 2
 * flow's four packets in the order sent with the payload, the topic clicked to filter
 * (mqtt_topic), a refused PUBLISH's reason clicked to filter (mqtt_reason_code), a binary payload
 * as a hex view, and MQTT's colour on its badges. What the page should show is read from the
 * fixture's reviewed golden. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours, feedShowsTitles, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, golden, titleAfterMethod as rowTitle, type GoldenEntry, type OpenedEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/mqtt/node-v5.pcap';

const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry[] => entries.filter((e) => e.summary.text.startsWith(start));

const rowOf = (page: Page, e: GoldenEntry): Locator => page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e)}"]`) });

/** Until the feed shows exactly the rows of `shown`, in any order. */
const feedShows = (page: Page, shown: GoldenEntry[]): Promise<void> => feedShowsTitles(page, shown.map(rowTitle));

describe('dashboard MQTT detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const dashboard = fixtureDashboard(CAPTURE);

  /** A page with every row shown, and the first entry of `e`'s row opened (the client's, for a message both ways). */
  async function opened(e: GoldenEntry): Promise<OpenedEntry> {
    const opened = await dashboard.opened((page) => rowOf(page, e).first());
    await opened.detail.locator('[data-section=mqtt-request], [data-section=mqtt-response]').first().waitFor();
    return opened;
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
    const colours = { light: { background: 'rgb(102, 0, 102)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(194, 123, 194)', color: 'rgb(0, 0, 0)' } };
    await assertBadgeColours(page, colours, rowOf(page, humidity!).first());
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
