/**
 * The dashboard end to end on the real lab (`shoal lab up`: 2 nodes, the demo workload, a worker
 * per node, the hub and the dashboard), in Chromium: live rows named by pod, a typed filter in the
 * URL, a bad filter's error position, a row's detail, click-to-filter, the service map against the
 * hub's /servicemap, PCAP files tshark reads, why an empty feed is empty, the hub going away and
 * coming back; and the screenshots of each main view shown in README.md (docs/screenshots/).
 * One lab for the file, taken down by the after hook whatever happens. Needs root, dnsmasq,
 * redis-server, tshark and Debian's chromium; skipped otherwise.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { filterError, queryOf, saveDownload, screenshot, SCREENSHOTS } from './helpers/dashboard-page.js';
import { fetchIdempotent, getJson, hubHistory, hubStatus, type EntryJson, type LabInventory } from './helpers/lab-api.js';
import { crash, labProcess, labUnavailable, leftovers, logTails, testLab, waitFor, type TestLab } from './helpers/lab-run.js';
import { assertMergedPcap, connectionOf, tsharkUnavailable } from './helpers/merged-pcap.js';
import { describeRun, shoal } from './helpers/run-shoal.js';

const skip = labUnavailable() ?? browserUnavailable() ?? tsharkUnavailable();

/** The demo's HTTP calls (docs/lab.md), client pod → server pod, as rows and map edges show them. */
const DEMO_CALLS = ['traffic → front', 'front → users', 'front → orders'];

/** A row on screen as the test reads it: its id, and what its cells say. */
interface RowText {
  id: string;
  method: string;
  text: string;
  status: string;
  src: string;
  dst: string;
}

async function rowsOnScreen(page: Page): Promise<RowText[]> {
  return page.locator('.row[data-id]').evaluateAll((els) =>
    els.map((el) => {
      const cell = (selector: string) => el.querySelector(selector)?.textContent ?? '';
      const [src, dst] = [...el.querySelectorAll('.endpoint')].map((e) => e.textContent ?? '');
      return { id: el.getAttribute('data-id')!, method: cell('.method'), text: cell('.text'), status: cell('.status'), src: src ?? '', dst: dst ?? '' };
    }),
  );
}

const calls = (rows: RowText[]): string[] => [...new Set(rows.map((r) => `${r.src} → ${r.dst}`))].sort();

/** Until the feed shows at least one row and every row satisfies `match`; the last rows read on failure. */
async function feedShowsOnly(page: Page, what: string, match: (r: RowText) => boolean): Promise<RowText[]> {
  let last: RowText[] = [];
  return waitFor(what, async () => {
    last = await rowsOnScreen(page);
    return last.length > 0 && last.every(match) ? last : undefined;
  }, 30_000).catch((err: Error) => {
    throw new Error(`${err.message}; rows: ${calls(last).join(', ')}`);
  });
}

/**
 * Stops following the tail (Space), so rows hold still under the mouse: the "jump to latest"
 * button says the feed is paused. A new query opens a new feed that follows again.
 */
async function pause(page: Page): Promise<void> {
  const paused = page.locator('.jump-latest');
  if ((await paused.count()) === 0) await page.keyboard.press(' ');
  await paused.waitFor();
}

/** The newest row on screen that satisfies `match`, in a paused feed; waits for one to arrive. */
async function pausedRow(page: Page, what: string, match: (r: RowText) => boolean): Promise<RowText> {
  await waitFor(what, async () => ((await rowsOnScreen(page)).some(match) ? true : undefined), 30_000);
  await pause(page);
  const row = (await rowsOnScreen(page)).filter(match).at(-1);
  assert.ok(row !== undefined, `${what}: still on screen once paused`);
  return row;
}

const rowById = (page: Page, id: string) => page.locator(`.row[data-id="${id}"]`);

/**
 * Scrolls the feed up a screen at a time until `selector` is in the page (only the rows on screen
 * are): rows that came after a marker push it above the view. At most `screens` screens.
 */
async function scrollUpTo(page: Page, selector: string, screens = 200): Promise<void> {
  for (let i = 0; i < screens && (await page.locator(selector).count()) === 0; i++) {
    const atTop = await page.getByTestId('feed').evaluate((el) => {
      el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight);
      return el.scrollTop === 0;
    });
    // Two frames: the scroll event's render has been painted.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    if (atTop && (await page.locator(selector).count()) === 0) break;
  }
  await page.locator(selector).first().waitFor({ state: 'attached', timeout: 5000 });
}

/** The header table of one side of the open detail, as name → value. */
async function headerTable(page: Page, side: 'request' | 'response'): Promise<Record<string, string>> {
  const pairs = await page.locator(`.entry-detail [data-section=${side}] .headers tr`).evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']));
  return Object.fromEntries(pairs);
}

interface HttpEntry extends EntryJson {
  request: { headers: Record<string, string>; body?: string };
  response: { headers: Record<string, string>; body?: string };
}

describe('the dashboard on the lab (2 nodes, demo workload, Chromium)', { skip: skip ?? false, timeout: 300_000 }, () => {
  let lab: TestLab;
  let hub = '';
  let dashboard = '';
  let inventory: LabInventory;
  let browser: Browser;
  let tmp = '';
  let upAt = 0;
  /** The sign-in link `lab up` printed for its dashboard. */
  let link = '';
  const logs = () => logTails(lab.stateDir, ['hub', 'dashboard', 'worker-node-1', 'worker-node-2']);
  const open = (where: string) => openPage(browser, link, where);
  const hubHasBothWorkers = () => waitFor('the hub to see both workers up', async () => ((await hubStatus(hub).catch(() => undefined))?.up === 2 ? true : undefined), 60_000);

  before(async () => {
    lab = await testLab('d', [20, 100]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `shoal-${lab.prefix}-files-`));
    upAt = Date.now();
    const up = await shoal('lab', 'up', '--nodes', '2', ...lab.where, '--subnet-base', String(lab.base), '--hub-port', String(lab.hubPort), '--front-port', String(lab.frontPort), '--rate', '20', '--total', '20000', '--duration', '600');
    assert.equal(up.code, 0, describeRun(up));
    hub = `http://127.0.0.1:${lab.hubPort}`;
    dashboard = `http://127.0.0.1:${lab.frontPort}`;
    link = /^dashboard: +(http:\/\/\S+)/m.exec(up.stdout)?.[1] ?? '';
    assert.ok(link.startsWith(`${dashboard}/?token=`), up.stdout);
    inventory = JSON.parse(fs.readFileSync(path.join(lab.stateDir, 'inventory.json'), 'utf8')) as LabInventory;
    await hubHasBothWorkers().catch((err: Error) => {
      throw new Error(`${err.message}\n${logs()}`);
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
    if (lab === undefined) return;
    await shoal('lab', 'down', ...lab.where);
    assert.deepEqual(leftovers(lab.prefix), []);
  });

  it('shows rows live, each side named by its pod: the generator → front, front → users, front → orders', async () => {
    const { page, problems } = await open('/');
    await page.getByText('hub connected').waitFor();
    await page.locator('.row[data-id]').first().waitFor();
    const firstSeen = new Set((await rowsOnScreen(page)).map((r) => r.id));
    let last: RowText[] = [];
    await waitFor('the demo calls, by pod name', async () => {
      last = await rowsOnScreen(page);
      return DEMO_CALLS.every((c) => calls(last).includes(c)) ? true : undefined;
    }, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; rows: ${calls(last).join(', ')}\n${logs()}`);
    });
    // Live: following the tail, rows come that were not there when the feed first showed.
    await waitFor('a row newer than the first ones shown', async () => ((await rowsOnScreen(page)).some((r) => !firstSeen.has(r.id)) ? true : undefined), 30_000);
    await page.getByText('2/2 workers up').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('narrows the rows to a filter typed after `/`, and puts it in the URL', async () => {
    const { page, problems } = await open('/');
    await feedShowsOnly(page, 'rows of more than one destination', () => true);
    await page.keyboard.press('/');
    const input = page.locator('[data-shortcut="filter"]');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-shortcut')), 'filter', '`/` focuses the filter bar');
    const q = 'http && dst.pod.name == "users"';
    await page.keyboard.type(q);
    await input.press('Escape'); // closes the completion list, so Enter applies what was typed
    await input.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === q);
    const rows = await feedShowsOnly(page, 'only calls to users', (r) => r.dst === 'users');
    assert.ok(rows.some((r) => r.src === 'front'), 'the front calls users');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("underlines a bad filter where the hub says it is wrong, and keeps the rows", async () => {
    const { page, problems } = await open('/');
    await page.locator('.row[data-id]').first().waitFor();
    const bad = 'http && dst.port == "8080"'; // a port is a number
    const hubError = await filterError(hub, bad);
    const input = page.getByTestId('filter-input');
    await input.pressSequentially(bad);
    await page.getByTestId('filter-error').waitFor();
    assert.ok((await page.getByTestId('filter-error').innerText()).includes(hubError.message.split('\n')[0]!), 'the hub\'s message');
    // The mark starts where the hub points and covers the operand there (a token per span).
    const marks = page.locator('.filter-error-mark');
    assert.equal(Number(await marks.first().getAttribute('data-offset')), hubError.offset);
    assert.equal((await marks.allInnerTexts()).join(''), 'dst.port');
    await input.press('Escape');
    await input.press('Enter');
    assert.equal(queryOf(page), '', 'a bad filter is not applied');
    assert.ok((await page.locator('.row[data-id]').count()) > 0);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("opens a clicked row's detail: request and response headers and the JSON body, as the hub stored them", async () => {
    const { page, problems } = await open(`/?q=${encodeURIComponent('dst.pod.name == "users" && status_code == 200')}`);
    const row = await pausedRow(page, 'a 200 from users', (r) => r.dst === 'users' && r.status === '200');
    await rowById(page, row.id).locator('.time').click();
    await page.waitForURL((u) => u.searchParams.get('entry') === row.id);
    const detail = page.locator(`.entry-detail[data-entry="${row.id}"]`);
    await detail.locator('[data-section=response] .body-json').waitFor();

    const stored = await getJson<HttpEntry>(`${hub}/entries/${encodeURIComponent(row.id)}`);
    assert.deepEqual(await headerTable(page, 'request'), stored.request.headers);
    assert.deepEqual(await headerTable(page, 'response'), stored.response.headers);
    assert.equal(stored.request.headers['host'], 'users:8080', 'the front calls users by its service name');
    assert.equal(await detail.locator('[data-section=response] .body-json').innerText(), JSON.stringify(JSON.parse(stored.response.body!), null, 2));
    assert.deepEqual(await detail.locator('[data-section=response] .body-json .tok-key').allInnerTexts(), ['"id"', '"name"']);
    assert.match(await detail.locator('[data-section=endpoints]').innerText(), /front[\s\S]*users/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('adds a clicked value to the query: == on a destination, != with Alt on a method', async () => {
    const { page, problems } = await open('/');
    const toOrders = await pausedRow(page, 'a call to orders', (r) => r.dst === 'orders');
    await rowById(page, toOrders.id).locator('.endpoint').nth(1).locator('.filter-value').click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'dst.pod.name == "orders"');
    await feedShowsOnly(page, 'only calls to orders', (r) => r.dst === 'orders');
    assert.equal(await page.locator('.entry-detail').count(), 0, 'a value click does not open the row');

    const post = await pausedRow(page, 'a POST to orders', (r) => r.method === 'POST');
    await rowById(page, post.id).locator('.method').click({ modifiers: ['Alt'] });
    await page.waitForURL((u) => u.searchParams.get('q') === 'dst.pod.name == "orders" && method != "POST"');
    await feedShowsOnly(page, 'only GETs to orders', (r) => r.dst === 'orders' && r.method === 'GET');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("draws the demo's HTTP calls as the hub's /servicemap has them, workloads named", async () => {
    // A closed window that ended a few seconds ago: every HTTP call in it is stored, so the page
    // and this test ask the hub the same question and get the same answer.
    const to = Date.now() - 5000;
    const range = `q=http&from=${Math.max(upAt, to - 120_000)}&to=${to}`;
    const { page, problems } = await open(`/?view=map&${range}`);
    await page.locator('[data-edge]').first().waitFor();
    const answer = await getJson<{ nodes: { id: string; name: string }[]; edges: { source: string; target: string; protocol: string; count: number }[] }>(`${hub}/servicemap?${range}`);
    const name = new Map(answer.nodes.map((n) => [n.id, n.name]));
    const fromHub = answer.edges.map((e) => `${e.source} → ${e.target} ${e.protocol} ×${e.count}`).sort();
    const drawn = (await page.locator('[data-edge]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-source')} → ${el.getAttribute('data-target')} ${el.getAttribute('data-protocol')} ×${el.getAttribute('data-count')}`))).sort();
    assert.deepEqual(drawn, fromHub);
    const demoEdges = answer.edges.map((e) => `${name.get(e.source)} → ${name.get(e.target)}`);
    for (const call of DEMO_CALLS) assert.ok(demoEdges.includes(call), `${call} among ${demoEdges.join(', ')}`);
    for (const pod of ['traffic', 'front', 'users', 'orders']) await page.locator(`[data-node="demo/${pod}"]`).getByText(pod, { exact: true }).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("downloads an entry's PCAP and the query's PCAP export; tshark reads exactly their connections", async () => {
    const usersCalls = 'http && dst.pod.name == "users"';
    const [entry] = (await hubHistory(hub, { q: usersCalls, limit: 1, enough: (found) => found.length > 0 })).entries;
    assert.ok(entry !== undefined, 'a call to users in the history');
    const { page, problems } = await open(`/?entry=${encodeURIComponent(entry.id)}`);
    const own = await saveDownload(page, page.locator(`.entry-detail[data-entry="${entry.id}"] [data-action=pcap]`), tmp);
    assert.match(own.name, /^shoal-http-.*\.pcap$/);
    assertMergedPcap(own.file, [connectionOf(entry)]);

    // The top bar's export of the query over a closed window: the connections of its entries.
    const to = Date.now() - 2000;
    const from = to - 5000;
    await page.goto(`${dashboard}/?q=${encodeURIComponent(usersCalls)}&from=${from}&to=${to}`);
    const export_ = await saveDownload(page, page.getByTestId('pcap-export'), tmp);
    // /pcap takes from ≤ timestamp ≤ to; /entries takes timestamp < before (timestamps have fractions: before=to+1, then ≤ to).
    const wanted = (await hubHistory(hub, { q: usersCalls, before: to + 1, from })).entries.filter((e) => e.timestamp <= to);
    assert.ok(wanted.length > 0, 'calls to users in the window');
    assertMergedPcap(export_.file, wanted.map(connectionOf));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('writes a screenshot of each main view to docs/screenshots: feed, detail, dark theme, map, stats, targets', async () => {
    const { page, problems } = await open('/');
    // The feed: full of named rows, the hub connected, both workers up.
    await page.getByText('2/2 workers up').waitFor();
    await waitFor('a screenful of rows with the demo calls', async () => {
      const rows = await rowsOnScreen(page);
      return rows.length >= 30 && DEMO_CALLS.every((c) => calls(rows).includes(c)) ? true : undefined;
    }, 30_000);
    await screenshot(page, 'feed');

    // The detail of an order placed by the generator: JSON bodies both ways, and its stream.
    const order = await pausedRow(page, 'an order placed by the generator', (r) => r.method === 'POST' && r.src === 'traffic');
    await rowById(page, order.id).locator('.time').click();
    const detail = page.locator(`.entry-detail[data-entry="${order.id}"]`);
    await detail.locator('[data-section=request] .body-json').waitFor();
    await detail.locator('[data-section=response] .body-json').waitFor();
    await detail.locator('[data-stream-entry]').first().waitFor();
    await screenshot(page, 'detail');
    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    await screenshot(page, 'dark');
    await page.getByTestId('theme-toggle').click();

    // The map of the last 15 minutes, refreshed every 5 s: the demo's edges and their numbers.
    await page.locator('.view-tab[data-view=map]').click();
    await page.locator('[data-edge]').nth(2).waitFor();
    for (const pod of ['traffic', 'front', 'users', 'orders']) await page.locator(`[data-node="demo/${pod}"]`).waitFor();
    await screenshot(page, 'map');

    // The statistics since the lab came up, so the timeline's bars fill the chart.
    await page.goto(`${dashboard}/?view=stats&from=${upAt}&to=${Date.now()}`);
    await page.getByTestId('protocol-share').waitFor();
    await page.locator('[data-testid="chart-requests"] rect[data-bucket]').nth(4).waitFor();
    await screenshot(page, 'stats');

    // The targets: every pod of the lab selected, listed per node with what each worker was given.
    // Last, and before the tests that stop things: the workers capture anew once given targets.
    await page.goto(`${dashboard}/?view=targets`);
    await page.locator('input[name=podRegex]').fill('.*');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('heading', { name: `${inventory.pods.length} pods targeted` }).waitFor();
    await page.locator('.node-group .pushed', { hasText: 'given' }).nth(1).waitFor();
    await page.locator('input[name=podRegex]').blur();
    await screenshot(page, 'targets');

    for (const name of ['feed', 'detail', 'dark', 'map', 'stats', 'targets']) {
      // A PNG's IHDR: width and height at bytes 16 and 20.
      const png = fs.readFileSync(path.join(SCREENSHOTS, `${name}.png`));
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1400, 860], `${name}.png is the page's 1400×860`);
    }
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('says why the feed is empty: nothing matches the query (with the entries it turned down), no pods targeted', async () => {
    const nothing = 'method == "DELETE"'; // the demo never deletes
    const { page, problems } = await open(`/?q=${encodeURIComponent(nothing)}`);
    const reason = page.getByTestId('empty-feed');
    await reason.and(page.locator('[data-reason=no-match]')).waitFor();
    assert.match(await reason.innerText(), /Nothing matches the query/);
    await waitFor('a count of rejected entries', async () => (Number((await page.getByTestId('rejected-count').innerText()).replaceAll(',', '')) > 0 ? true : undefined), 20_000);

    // A selection of no pod comes before a query that matches nothing: that is the first reason.
    const putTargets = async (podRegex: string) => {
      const res = await fetchIdempotent(`${hub}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ podRegex }), signal: AbortSignal.timeout(15_000) });
      assert.equal(res.status, 200, await res.text());
    };
    try {
      await putTargets('^no-such-pod$');
      await reason.and(page.locator('[data-reason=no-targets]')).waitFor();
      assert.match(await reason.innerText(), /No pods targeted[\s\S]*\^no-such-pod\$/);
    } finally {
      await putTargets('.*');
    }
    await reason.and(page.locator('[data-reason=no-match]')).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a banner while the hub is gone (a new page says there is no hub); restarted, the feed resumes with new rows', async () => {
    const { page } = await open('/');
    await page.getByText('hub connected').waitFor();
    await page.locator('.row[data-id]').first().waitFor();
    await crash(labProcess(lab.stateDir, 'hub'), 'the hub');
    const banner = page.getByTestId('hub-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), /The hub is unreachable\s+since \d\d:\d\d:\d\d/);
    const before = new Set((await rowsOnScreen(page)).map((r) => r.id));
    assert.ok(before.size > 0, 'the rows stay while the hub is gone');

    const { page: fresh } = await open('/');
    await fresh.getByTestId('empty-feed').and(fresh.locator('[data-reason=no-hub]')).waitFor();
    await fresh.context().close();

    const restart = await shoal('lab', 'restart', 'hub', ...lab.where);
    assert.equal(restart.code, 0, describeRun(restart));
    // The stream retries with backoff (at most 10 s between attempts).
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await waitFor('rows the restarted hub delivered', async () => ((await rowsOnScreen(page)).some((r) => !before.has(r.id)) ? true : undefined), 30_000).catch((err: Error) => {
      throw new Error(`${err.message}\n${logs()}`);
    });
    await page.getByText('hub connected').waitFor();
    // The outage is a marked row, above the calls made meanwhile (replayed) and since.
    await scrollUpTo(page, '[data-gap=outage]');
    assert.match(await page.locator('[data-gap=outage]').innerText(), /hub unreachable .* entries stored meanwhile were replayed/);
    await page.context().close();
    await hubHasBothWorkers();
  });
});
