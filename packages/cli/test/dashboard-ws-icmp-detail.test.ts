/**
 * The WebSocket and ICMP entry details in Chromium, against `shoal view` of real captures and its
 * dashboard: the `ws` package's client and server with permessage-deflate
 * (packages/dissect/test/fixtures/ws/deflate.pcap) and ping and the kernel's errors
 * (fixtures/icmp/unreachable.pcap). The messages in the order they were sent with their
 * direction, opcode, sizes and payload (text, and a hex view for binary); an error with its quoted
 * packet; click-to-filter through the ws and icmp variables; each protocol's colour on its badges.
 * What the page should show is read from the fixtures' reviewed goldens. Skipped when Debian's
 * chromium is not installed.
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
const WS_CAPTURE = 'packages/dissect/test/fixtures/ws/deflate.pcap';
const ICMP_CAPTURE = 'packages/dissect/test/fixtures/icmp/unreachable.pcap';

interface GoldenEntry {
  id: string;
  stream: string;
  summary: { text: string };
  protocol: { name: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

const golden = (capture: string): GoldenEntry[] =>
  (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, capture.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: GoldenEntry[] }).entries;
const starting = (entries: GoldenEntry[], start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

/** Label → value of a detail's label/value table, as text. */
async function rows(table: Locator): Promise<Record<string, string>> {
  const pairs = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [(tr.querySelector('th') as HTMLElement).innerText, (tr.querySelector('td') as HTMLElement).innerText]));
  return Object.fromEntries(pairs);
}

/** The feed row whose text starts with `text`, clicked on its time (a plain cell, not a filter value). */
async function openRow(page: Page, text: string): Promise<void> {
  await page.locator('.row[data-id]', { has: page.locator('.text', { hasText: text }) }).first().locator('.time').click();
}

/** Until the feed shows exactly the rows of `summaries`, in any order. */
async function feedShows(page: Page, summaries: string[]): Promise<void> {
  const feed = page.locator('.row[data-id]');
  await feed.nth(summaries.length).waitFor({ state: 'detached' });
  await feed.nth(summaries.length - 1).waitFor();
  assert.deepEqual((await feed.locator('.text').allInnerTexts()).sort(), [...summaries].sort());
}

const badgeColours = (badge: Locator) => badge.evaluate((el) => ({ background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));

/**
 * The badges of the row whose text starts with `text` and of the open detail have a protocol's
 * colour (src/domain/protocol-colors.ts, docs/front.md) in both themes, as the browser computes it.
 */
async function assertBadgeColours(page: Page, text: string, colours: Record<'light' | 'dark', { background: string; color: string }>): Promise<void> {
  const row = page.locator('.row[data-id]', { has: page.locator('.text', { hasText: text }) }).first();
  const badges = [row.locator('.badge'), page.locator('.entry-detail .detail-head .badge')];
  await badges[1]!.waitFor();
  for (let i = 0; i < 2; i++) {
    const theme = (await page.locator('html').getAttribute('data-theme')) as 'light' | 'dark';
    for (const badge of badges) assert.deepEqual(await badgeColours(badge), colours[theme], `${theme} theme`);
    await page.locator('[data-testid=theme-toggle]').click();
    await page.waitForFunction((t) => document.documentElement.dataset['theme'] !== t, theme);
  }
}

describe('dashboard WebSocket detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const entries = golden(WS_CAPTURE);
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(WS_CAPTURE);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  /** A page with every row of the capture shown, and `summary`'s entry open. */
  async function opened(summary: string): Promise<{ page: Page; problems: string[]; detail: Locator }> {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await openRow(page, summary);
    return { page, problems, detail: page.locator('.entry-detail') };
  }

  it('shows a compressed text message: its direction, opcode, sizes and text; no HTTP sections; the connection as a list', async () => {
    const hello = starting(entries, '-> text 22 B');
    const { page, problems, detail } = await opened(hello.summary.text);
    const message = detail.locator('[data-section=ws-request]');
    await message.locator('[data-table=message]').waitFor();
    assert.equal(await message.locator('summary').innerText(), 'Client → server 30 B on the wire');
    assert.deepEqual(await rows(message.locator('[data-table=message]')), { opcode: 'text', payload: '22 B, 24 B compressed (permessage-deflate)' });
    assert.equal(await message.locator('.body-code').innerText(), hello.request!['body']);
    assert.equal(await detail.locator('[data-section=ws-response]').count(), 0);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');
    // The Stream section: the upgrade, then every message of the connection, one a row.
    const connection = entries.filter((e) => e.stream === hello.stream).map((e) => e.summary.text);
    const listed = detail.locator('[data-section=stream] tr[data-stream-entry]');
    await listed.nth(connection.length - 1).waitFor();
    assert.deepEqual((await listed.locator('.text').allInnerTexts()).sort(), connection.map((t) => t.replace(/^GET \/echo -> 101$/, '/echo')).sort());
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a binary message as a hex view', async () => {
    const { page, problems, detail } = await opened('<- binary 300 B');
    const hex = detail.locator('[data-section=ws-response] .body-hex');
    await hex.waitFor();
    assert.match(await hex.innerText(), /^00000000 {2}00 01 02 03 04 05 06 07 {2}08 09 0a 0b 0c 0d 0e 0f {2}\|\.{16}\|/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows the server's close before the client's answer, and filters on the close code clicked (ws_close_code)", async () => {
    const feedOver = starting(entries, '<- close 4001');
    const { page, problems, detail } = await opened(feedOver.summary.text);
    const sections = detail.locator('[data-section^=ws-]');
    await sections.nth(1).waitFor();
    assert.deepEqual(await sections.evaluateAll((els) => els.map((el) => el.getAttribute('data-section'))), ['ws-response', 'ws-request']);
    const close = detail.locator('[data-section=ws-response] [data-table=message]');
    assert.deepEqual(await rows(close), { opcode: 'close', payload: '11 B', 'close code': '4001 private use (4000-4999)', reason: 'feed over' });
    await close.locator('.filter-value', { hasText: '4001 private use' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'ws_close_code == 4001');
    await feedShows(page, [feedOver.summary.text]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours WebSocket badges in the feed and the detail with WebSocket's colour, in both themes", async () => {
    const { page, problems } = await opened('-> text 22 B');
    await assertBadgeColours(page, '-> text 22 B', { light: { background: 'rgb(46, 125, 50)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(102, 187, 106)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard ICMP detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const entries = golden(ICMP_CAPTURE);
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(ICMP_CAPTURE);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('shows an error and the 5-tuple it quotes, addresses without ports, and filters on its type (icmp_type)', async () => {
    const port = starting(entries, 'destination unreachable: port unreachable (UDP 10.');
    const quoted = port.response!['quoted'] as { srcPort: number };
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await openRow(page, port.summary.text);
    const detail = page.locator('.entry-detail');
    const error = detail.locator('[data-section=icmp-response] [data-table=message]');
    await error.waitFor();
    assert.deepEqual(await rows(error), { type: '3 destination unreachable', code: '3 port unreachable', quote: '34 B' });
    assert.deepEqual(await rows(detail.locator('[data-section=icmp-quoted] [data-table=message]')), {
      protocol: 'udp',
      source: `10.244.84.1:${quoted.srcPort}`,
      destination: '10.244.84.2:9',
    });
    assert.match(await detail.locator('[data-section=endpoints] tr', { hasText: 'address' }).innerText(), /^address\s+10\.244\.84\.1\s+10\.244\.84\.2$/);

    await error.locator('.filter-value', { hasText: 'destination unreachable' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'icmp_type == "destination unreachable"');
    await feedShows(page, entries.filter((e) => e.response?.['typeName'] === 'destination unreachable').map((e) => e.summary.text));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows an echo nobody answered, and colours ICMP badges with its colour in both themes', async () => {
    const lost = starting(entries, 'echo request');
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(entries.length - 1).waitFor();
    await openRow(page, lost.summary.text);
    const detail = page.locator('.entry-detail');
    await detail.locator('[data-section=icmp-request] [data-table=message]').waitFor();
    assert.deepEqual(await rows(detail.locator('[data-section=icmp-request] [data-table=message]')), {
      type: '8 echo request', code: '0', identifier: String(lost.request!['id']), sequence: '1', data: '56 B',
    });
    assert.equal(await detail.locator('[data-section=icmp-response] [data-note]').innerText(), 'No reply came.');
    await assertBadgeColours(page, lost.summary.text, { light: { background: 'rgb(109, 76, 65)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(161, 136, 127)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
