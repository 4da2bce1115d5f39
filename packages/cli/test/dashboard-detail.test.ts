/**
 * The entry detail and click-to-filter in Chromium, against `shoal front` and real hubs over
 * capture files (`shoal view`): a row opens its headers and bodies, the PCAP download holds the
 * entry's stream and nothing else, "copy as curl" is the request, and clicking a value narrows
 * the feed through the URL's query. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { fixtureAbs } from './helpers/fixtures.js';
import { pcapRecords } from './helpers/pcap-records.js';
import { dashboardOn, type CaptureDashboard } from './helpers/capture-dashboard.js';

const skip = browserUnavailable();

/** The feed row whose path is `text`, clicked on its time (a plain cell, not a filter value). */
async function openRow(page: Page, text: string): Promise<string> {
  const row = page.locator('.row[data-id]', { has: page.locator('.text', { hasText: new RegExp(`^${text}$`) }) });
  await row.locator('.time').click();
  return (await row.getAttribute('data-id'))!;
}

const query = (page: Page): string => new URL(page.url()).searchParams.get('q') ?? '';

/** Until the feed shows exactly `n` rows after a new query (it may empty first, then refill). */
async function feedHolds(page: Page, n: number): Promise<void> {
  const rows = page.locator('.row[data-id]');
  await rows.nth(n).waitFor({ state: 'detached' });
  if (n > 0) await rows.nth(n - 1).waitFor();
  assert.equal(await rows.count(), n);
}

describe('dashboard entry detail and click-to-filter (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let browser: Browser;
  let keepAlive: CaptureDashboard;
  let largeBody: CaptureDashboard;
  let tmp = '';

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-detail-'));
    keepAlive = await dashboardOn('keep-alive.pcap');
    largeBody = await dashboardOn('large-body.pcap');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await keepAlive?.stop();
    await largeBody?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("opens a row's detail beside the feed: headers, pretty JSON bodies, the stream; Escape closes it", async () => {
    const { page, problems } = await openPage(browser, keepAlive.link);
    await page.locator('.row[data-id]').nth(3).waitFor();
    const id = await openRow(page, '/api/orders');
    const detail = page.locator('.entry-detail');
    await detail.locator('[data-section=request] .headers').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('entry'), id);

    const header = (side: string, name: string) => detail.locator(`[data-section=${side}] .headers tr`, { has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) }).locator('td');
    assert.equal(await header('request', 'content-type').innerText(), 'application/json');
    assert.equal(await header('request', 'user-agent').innerText(), 'curl/7.88.1');
    assert.equal(await header('response', 'server').innerText(), 'nginx/1.22.1');
    // The bodies are indented JSON with their keys marked for colour.
    assert.equal(await detail.locator('[data-section=request] .body-json').innerText(), '{\n  "item": "book"\n}');
    assert.deepEqual(await detail.locator('[data-section=request] .body-json .tok-key').allInnerTexts(), ['"item"']);
    assert.deepEqual(await detail.locator('[data-section=response] .body-json .tok-number').allInnerTexts(), ['42']);
    // The stream: the four requests of the keep-alive connection, this one marked.
    await detail.locator('[data-stream-entry]').nth(3).waitFor();
    assert.equal(await detail.locator('[data-stream-entry]').count(), 4);
    assert.equal(await detail.locator('tr.current').getAttribute('data-stream-entry'), id);
    // The feed stays usable beside it: another row replaces the detail.
    const other = await openRow(page, '/missing');
    await page.locator(`.entry-detail[data-entry="${other}"] .detail-head .status`, { hasText: '404' }).waitFor();

    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).searchParams.get('entry'), null);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('opens the entry named in a shared URL, and copies the request as curl and the entry as JSON', async () => {
    const { page: first } = await openPage(browser, keepAlive.link);
    await first.locator('.row[data-id]').nth(3).waitFor();
    const id = await openRow(first, '/api/orders');
    const shared = new URL(first.url());
    await first.context().close();

    // Another browser: it signs in through the printed link, then opens the shared URL.
    const { page, problems } = await openPage(browser, keepAlive.link, `${shared.pathname}${shared.search}`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator(`.entry-detail[data-entry="${id}"] [data-section=request] .body-json`).waitFor();
    await page.locator('[data-copy=curl]').click();
    await page.locator('[data-copy=curl]', { hasText: 'Copied' }).waitFor();
    assert.equal(
      await page.evaluate(() => navigator.clipboard.readText()),
      `curl -X POST http://127.0.0.1:40291/api/orders -H 'user-agent: curl/7.88.1' -H 'accept: */*' -H 'content-type: application/json' --data-raw '{"item":"book"}'`,
    );
    await page.locator('[data-copy=json]').click();
    await page.locator('[data-copy=json]', { hasText: 'Copied' }).waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { id: string; request: { body: string } };
    assert.equal(copied.id, id);
    assert.equal(copied.request.body, '{"item":"book"}');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("downloads the PCAP of the entry's stream: tshark reads it, with that stream's packets only", async (t) => {
    const { page, problems } = await openPage(browser, largeBody.link);
    await page.locator('.row[data-id]').nth(1).waitFor();
    await openRow(page, '/upload');
    // A body over the cap says where it was cut.
    await page.locator('[data-section=request] .body-note', { hasText: 'body truncated at 65536 bytes of 262144' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=pcap]').click()]);
    assert.match(download.suggestedFilename(), /^shoal-http-127\.0\.0\.1\.\d+-127\.0\.0\.1\.40757-\d{8}T\d{6}Z\.pcap$/);
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);

    // The upload's connection (tshark's stream 1 of the file), all of it and nothing else.
    const streams = (pcap: string) => spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'tcp.dstport', '-e', 'tcp.srcport'], { encoding: 'utf8' });
    assert.equal(pcapRecords(fs.readFileSync(file)).length, 23);
    const read = streams(file);
    if (read.error !== undefined) return t.skip(`tshark cannot run (${read.error.message}): the pcap was downloaded but not opened`);
    assert.equal(read.status, 0, read.stderr);
    const packets = read.stdout.trim().split('\n');
    assert.equal(packets.length, 23);
    for (const ports of packets) assert.ok(ports.split('\t').includes('40757'), `${ports}: a packet of the upload's connection`);
    const all = streams(fixtureAbs('large-body.pcap')).stdout.trim().split('\n');
    assert.equal(all.filter((ports) => ports.split('\t').includes('40757')).length, 23);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('adds a clicked value to the query (== or, with Alt, !=) without opening the row, and the feed narrows', async () => {
    const { page, problems } = await openPage(browser, keepAlive.link);
    await page.locator('.row[data-id]').nth(3).waitFor();
    const rows = page.locator('.row[data-id]');
    const getRow = rows.filter({ has: page.locator('.text', { hasText: /^\/missing$/ }) });
    assert.match((await getRow.locator('.method').getAttribute('title'))!, /Alt\+click: filter method != "GET"/);

    await getRow.locator('.method').click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'method == "GET"');
    assert.equal(query(page), 'method == "GET"');
    await feedHolds(page, 3);
    assert.deepEqual((await rows.locator('.method').allInnerTexts()).sort(), ['GET', 'GET', 'GET']);
    assert.equal(await page.locator('.entry-detail').count(), 0, 'a value click does not open the row');

    await rows.filter({ has: page.locator('.status', { hasText: '404' }) }).locator('.status').click({ modifiers: ['Alt'] });
    await page.waitForURL((u) => u.searchParams.get('q') === 'method == "GET" && status_code != 404');
    await feedHolds(page, 2);
    assert.deepEqual((await rows.locator('.text').allInnerTexts()).sort(), ['/', '/api/users']);

    // Back is the previous query: the query's change was a history step.
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('q') === 'method == "GET"');
    await feedHolds(page, 3);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on a header clicked in the detail', async () => {
    const { page, problems } = await openPage(browser, keepAlive.link);
    await page.locator('.row[data-id]').nth(3).waitFor();
    await openRow(page, '/api/orders');
    const row = page.locator('[data-section=request] .headers tr', { has: page.locator('th', { hasText: /^content-type$/ }) });
    await row.locator('.filter-value').click();
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '') !== '');
    assert.equal(query(page), '"content-type" in request.headers && request.headers["content-type"] == "application/json"');
    await feedHolds(page, 1);
    assert.deepEqual(await page.locator('.row[data-id] .text').allInnerTexts(), ['/api/orders']);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
