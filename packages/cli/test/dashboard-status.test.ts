/**
 * The dashboard's status, targeting and "never silent" parts in Chromium, against `shoal front`
 * and real hubs: `shoal view` of a capture (a hub with one worker named `view`), a hub whose
 * only worker is down, and no hub at all. Also the theme, the keyboard and its help, and the
 * PCAP export (tshark reads the file). Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { closedPort } from './helpers/closed-port.js';
import { fixture, golden } from './helpers/fixtures.js';
import { ServingShoal } from './helpers/serving-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const expected = golden('keep-alive.pcap').entries;
const skip = browserUnavailable();

/** `shoal front` before `hub`, and the sign-in link it prints. */
async function startFront(hub: string): Promise<{ front: ServingShoal; link: string }> {
  const front = new ServingShoal(['front', '--port', '0', '--hub', hub]);
  return { front, link: await front.printed(/the dashboard on (http:\/\/\S+)/, 'the dashboard banner') };
}

const reason = (page: Page) => page.locator('[data-testid=empty-feed]');

describe('dashboard status (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let view: ServingShoal;
  let hubUrl = '';
  let front: ServingShoal;
  let link = '';
  let browser: Browser;

  before(async () => {
    view = new ServingShoal(['view', KEEP_ALIVE, '--port', '0', '--front-port', '0']);
    hubUrl = await view.hubUrl();
    ({ front, link } = await startFront(hubUrl));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await front?.stop();
    await view?.stop();
  });

  it('shows the workers up and their capture backend; a worker opens its detail', async () => {
    const { page, problems } = await openPage(browser, link);
    const workers = page.getByTestId('workers');
    await page.getByText('1/1 workers up').waitFor();
    await page.getByTestId('backend').getByText('capture: pcap_file').waitFor();
    await workers.click();
    const line = page.locator('.workers-popover [data-worker=view]');
    await line.waitFor();
    assert.match(await line.innerText(), /pcap_file · 16 packets, 0 dropped/);
    await page.getByText("workers' own targets").waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('says why the feed is empty when nothing matches the query, with how many entries it turned down', async () => {
    const { page, problems } = await openPage(browser, link, `/?q=${encodeURIComponent('method == "DELETE"')}`);
    await reason(page).and(page.locator('[data-reason=no-match]')).waitFor();
    assert.equal(await page.getByTestId('rejected-count').innerText(), String(expected.length));
    assert.match(await reason(page).innerText(), /Nothing matches the query/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('toggles the dark theme and keeps it across a reload', async () => {
    const { page } = await openPage(browser, link);
    const theme = () => page.evaluate(() => document.documentElement.dataset['theme']);
    await page.getByTestId('theme-toggle').waitFor();
    assert.equal(await theme(), 'light', "headless Chromium's system preference is light");
    await page.getByTestId('theme-toggle').click();
    assert.equal(await theme(), 'dark');
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    assert.equal(await theme(), 'dark');
    await page.context().close();
  });

  it('moves through rows with j/k, opens one with Enter, and lists the keys in a help overlay on ?', async () => {
    const { page, problems } = await openPage(browser, link);
    await page.locator('.row[data-id]').nth(expected.length - 1).waitFor();
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    const selected = page.locator('.row.selected');
    const id = await selected.getAttribute('data-id');
    assert.equal(id, await page.locator('.row[data-id]').nth(expected.length - 2).getAttribute('data-id'), 'the row before the newest');
    await page.keyboard.press('j');
    const newest = await page.locator('.row[data-id]').last().getAttribute('data-id');
    assert.equal(await selected.getAttribute('data-id'), newest);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('entry') === newest);
    await page.keyboard.press('?');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    for (const text of ['Focus the filter', 'Pause or resume following', "Open the selected entry's detail"]) assert.match(await help.innerText(), new RegExp(text));
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // `/` focuses the filter bar (its input is marked data-shortcut="filter"); keys typed there stay there.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'filter-input');
    await page.keyboard.type('j?');
    assert.equal(await page.getByTestId('filter-input').inputValue(), 'j?');
    assert.equal(await help.count(), 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('exports the PCAP of the query and time range, which tshark reads', async (t) => {
    const times = expected.map((e) => e.timestamp as number);
    const from = Math.floor(Math.min(...times)) - 1000;
    const to = Math.ceil(Math.max(...times)) + 1000;
    const { page } = await openPage(browser, link, `/?q=http&from=${from}&to=${to}`);
    const exportLink = page.getByTestId('pcap-export');
    assert.match((await exportLink.getAttribute('title'))!, /matching http from /);
    const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    assert.match(download.suggestedFilename(), /^shoal_http_\d{8}-\d{6}Z_\d{8}-\d{6}Z\.pcap$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-dashboard-'));
    try {
      const file = path.join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const read = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      if (read.error !== undefined) return t.skip(`tshark cannot run (${read.error.message})`);
      assert.equal(read.status, 0, read.stderr);
      assert.equal(read.stdout.trim().split('\n').length, 16, "every packet of the file's HTTP streams");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await page.context().close();
    }
  });

  it('shows a banner while the hub is gone, then reconnects and marks the gap', async () => {
    const { page } = await openPage(browser, link);
    await page.locator('.row[data-id]').nth(expected.length - 1).waitFor();
    const port = new URL(hubUrl).port;
    await view.stop();
    const banner = page.getByTestId('hub-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), /The hub is unreachable\s+since \d\d:\d\d:\d\d/);
    await page.getByTestId('statusbar').getByText(/hub unreachable|connecting to the hub/).waitFor();
    view = new ServingShoal(['view', KEEP_ALIVE, '--port', port, '--front-port', '0']);
    await view.hubUrl();
    // The stream retries with backoff (at most 10 s between attempts): bounded by the page's 20 s waits.
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('[data-gap=outage]').waitFor();
    assert.ok((await page.locator('.row[data-id]').count()) >= expected.length, 'the rows are still there');
    await page.getByText('hub connected').waitFor();
    await page.context().close();
  });
});

describe('dashboard without a working cluster: empty-feed reasons, targets (Chromium)', { skip: skip ?? false, timeout: 120_000 }, () => {
  let browser: Browser;
  const started: ServingShoal[] = [];
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const s of started.reverse()) await s.stop();
  });

  it('says there is no hub when the front has none to reach', async () => {
    const { front, link } = await startFront(`http://127.0.0.1:${await closedPort()}`);
    started.push(front);
    const { page } = await openPage(browser, link);
    await reason(page).and(page.locator('[data-reason=no-hub]')).waitFor();
    assert.match(await reason(page).innerText(), /No hub/);
    await page.getByTestId('hub-banner').waitFor();
    await page.context().close();
  });

  it("says no worker is connected, and why, when the hub's only worker is down", async () => {
    const workerPort = await closedPort();
    const hub = new ServingShoal(['hub', '--port', '0', '--workers', `x=127.0.0.1:${workerPort}`]);
    started.push(hub);
    const hubPort = await hub.printed(/"port":(\d+)[^\n]*listening/, "the hub's listening line");
    const { front, link } = await startFront(`http://127.0.0.1:${hubPort}`);
    started.push(front);
    const { page } = await openPage(browser, link);
    await reason(page).and(page.locator('[data-reason=no-workers]')).waitFor();
    const text = await reason(page).innerText();
    assert.match(text, /No workers connected/);
    assert.match(text, new RegExp(`x since \\d\\d:\\d\\d:\\d\\d\\.\\d{3}: connect ECONNREFUSED 127\\.0\\.0\\.1:${workerPort}`));
    await page.getByText('0/1 workers up').waitFor();
    await page.context().close();
  });

  it("edits the targets: the pods per node follow, and the hub's error shows at the pod regex", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-targets-'));
    const inventory = path.join(dir, 'inventory.json');
    fs.writeFileSync(inventory, JSON.stringify({
      pods: [
        { ip: '10.20.1.5', name: 'web-1', namespace: 'shop', node: 'node-1' },
        { ip: '10.20.1.6', name: 'db-0', namespace: 'shop', node: 'node-1' },
        { ip: '10.20.2.5', name: 'web-2', namespace: 'shop', node: 'node-2' },
      ],
    }));
    try {
      const hub = new ServingShoal(['hub', '--port', '0', '--inventory', inventory, '--workers', `node-1=127.0.0.1:${await closedPort()}`]);
      started.push(hub);
      const hubPort = await hub.printed(/"port":(\d+)[^\n]*listening/, "the hub's listening line");
      const { front, link } = await startFront(`http://127.0.0.1:${hubPort}`);
      started.push(front);
      const { page } = await openPage(browser, link, `/?view=targets`);
      const regex = page.locator('input[name=podRegex]');
      await regex.fill('^web-');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('2 pods targeted').first().waitFor();
      assert.deepEqual(await page.locator('.node-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-node'))), ['node-1', 'node-2']);
      assert.match(await page.locator('.node-group[data-node=node-1]').innerText(), /web-1/);
      await regex.fill('web-(');
      await page.getByRole('button', { name: 'Apply' }).click();
      const error = page.locator('.field-error .field-message');
      await error.waitFor();
      assert.match(await error.innerText(), /podRegex is not an RE2 regular expression: missing closing \)/);
      await page.context().close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
