/**
 * The service map and the traffic statistics in Chromium, against `shoal front` and real hubs
 * over capture files (`shoal view`): the map draws the hub's edges, a click on an edge or a
 * workload opens the feed narrowed to it (the filter in the URL), and the statistics show the
 * protocol share and timeline totals of the file. Skipped when Debian's chromium is missing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { golden, type EntryJson } from './helpers/fixtures.js';
import { dashboardOn, type CaptureDashboard } from './helpers/capture-dashboard.js';

// Two HTTP conversations, IPv4 and IPv6: two edges between four addresses.
const MAP_CAPTURE = 'vlan.pcap';
// An HTTP upgrade and the WebSocket messages after it: two protocols.
const STATS_CAPTURE = 'websocket.pcap';
const skip = browserUnavailable();

interface Edge {
  source: string;
  target: string;
  protocol: string;
  count: number;
}

/** The file's own time range, so the views ask for it instead of the last 15 minutes. */
function rangeOf(entries: EntryJson[]): string {
  const times = entries.map((e) => e.timestamp as number);
  return `from=${Math.floor(Math.min(...times))}&to=${Math.ceil(Math.max(...times)) + 1}`;
}

const byKey = (a: Edge, b: Edge): number => `${a.source} ${a.target}`.localeCompare(`${b.source} ${b.target}`);

async function drawnEdges(page: Page): Promise<Edge[]> {
  return page.locator('[data-edge]').evaluateAll((els) =>
    els.map((el) => ({ source: el.getAttribute('data-source')!, target: el.getAttribute('data-target')!, protocol: el.getAttribute('data-protocol')!, count: Number(el.getAttribute('data-count')) })),
  );
}

const query = (page: Page): URLSearchParams => new URL(page.url()).searchParams;

describe('dashboard service map and statistics (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const mapEntries = golden(MAP_CAPTURE).entries;
  const statsEntries = golden(STATS_CAPTURE).entries;
  let map: CaptureDashboard;
  let stats: CaptureDashboard;
  let browser: Browser;
  let mapHub = '';
  let mapLink = '';
  let statsLink = '';
  let statsUrl = '';

  before(async () => {
    map = await dashboardOn(MAP_CAPTURE);
    stats = await dashboardOn(STATS_CAPTURE);
    ({ hub: mapHub, link: mapLink } = map);
    ({ link: statsLink, url: statsUrl } = stats);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await map?.stop();
    await stats?.stop();
  });

  it("draws the hub's edges for the capture's endpoints, and a click on an edge opens the feed narrowed to it", async () => {
    const range = rangeOf(mapEntries);
    const { page, problems } = await openPage(browser, mapLink, `/?view=map&${range}`);
    await page.locator('[data-edge]').first().waitFor();
    const answer = (await (await fetch(`${mapHub}/servicemap?${range}`)).json()) as { edges: Edge[] };
    const fromHub = answer.edges.map(({ source, target, protocol, count }) => ({ source, target, protocol, count }));
    assert.deepEqual((await drawnEdges(page)).sort(byKey), fromHub.sort(byKey));
    // The capture's own conversations, counted from its golden entries.
    const counted = new Map<string, Edge>();
    for (const e of mapEntries) {
      const key = `${e.src.ip} ${e.dst.ip} ${e.protocol.name}`;
      const edge = counted.get(key) ?? { source: e.src.ip, target: e.dst.ip, protocol: e.protocol.name, count: 0 };
      edge.count++;
      counted.set(key, edge);
    }
    assert.deepEqual(fromHub.sort(byKey), [...counted.values()].sort(byKey));
    assert.equal(await page.locator('[data-node]').count(), 4);

    // The hover card tells the numbers of an edge.
    const v4 = page.locator('[data-edge="10.100.0.1→10.100.0.2/http"]');
    await v4.locator('.edge-label').hover();
    const card = page.getByTestId('map-hover');
    await card.waitFor();
    assert.match(await card.innerText(), /requests\s+2/);

    await v4.locator('.edge-label').click();
    await page.locator('.row[data-id]').nth(1).waitFor();
    const q = query(page);
    assert.equal(q.get('q'), 'src.ip == "10.100.0.1" && dst.ip == "10.100.0.2" && protocol == "http"');
    assert.equal(q.get('view'), null, 'the feed is the view shown');
    const endpoints = await page.locator('.row[data-id] .endpoint').allInnerTexts();
    assert.deepEqual(endpoints, ['10.100.0.1', '10.100.0.2', '10.100.0.1', '10.100.0.2']);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('opens the feed of a workload from the keyboard, and hides the edges of a protocol from the legend', async () => {
    const { page, problems } = await openPage(browser, mapLink, `/?view=map&${rangeOf(mapEntries)}`);
    await page.locator('[data-edge]').first().waitFor();
    await page.locator('.legend-item[data-protocol="http"]').click();
    await page.getByText('Every protocol is hidden').waitFor();
    assert.equal(await page.locator('[data-edge]').count(), 0);
    await page.locator('.legend-item[data-protocol="http"]').click();
    await page.locator('[data-node="fd00:100::2"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.row[data-id]').first().waitFor();
    assert.equal(query(page).get('q'), '(src.ip == "fd00:100::2") || (dst.ip == "fd00:100::2")');
    assert.equal(await page.locator('.row[data-id]').count(), 1);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("opens the map and the statistics on the file's time span, not the last 15 minutes (shoal view)", async () => {
    const { page, problems } = await openPage(browser, mapLink);
    await page.locator('[data-view="map"]').click();
    await page.locator('[data-edge]').nth(1).waitFor();
    const times = mapEntries.map((e) => e.timestamp as number);
    const q = query(page);
    assert.ok(Number(q.get('from')) <= Math.min(...times) && Math.max(...times) < Number(q.get('to')), `the window ${q.get('from')}..${q.get('to')} holds the file`);
    await page.context().close();
    const opened = await openPage(browser, statsLink, '/?view=stats');
    await opened.page.getByTestId('protocol-share').waitFor();
    assert.equal(await opened.page.getByTestId('total-requests').locator('.total-value').innerText(), String(statsEntries.length));
    assert.deepEqual([...problems, ...opened.problems], []);
    await opened.page.context().close();
  });

  it('says why the map is empty in a time range without traffic, and shows the window of the stored traffic', async () => {
    const { page, problems } = await openPage(browser, mapLink, `/?view=map&from=1000&to=${1000 + 15 * 60_000}`);
    const empty = page.getByTestId('empty-map');
    await empty.waitFor();
    assert.match(await empty.innerText(), /No traffic in this time range/);
    await empty.getByRole('button').click();
    await page.locator('[data-edge]').nth(1).waitFor();
    const q = query(page);
    const newest = Math.max(...mapEntries.map((e) => e.timestamp as number));
    assert.ok(Number(q.get('from')) < newest && newest < Number(q.get('to')), 'the window holds the newest entry');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows the protocol share and a timeline whose totals are the capture's", async () => {
    const { page, problems } = await openPage(browser, statsLink, `/?view=stats&${rangeOf(statsEntries)}`);
    await page.getByTestId('protocol-share').waitFor();
    const rows = await page.locator('.share-table tbody tr').evaluateAll((els) => els.map((el) => [el.getAttribute('data-protocol'), Number(el.getAttribute('data-count'))]));
    const perProtocol = new Map<string, number>();
    for (const e of statsEntries) perProtocol.set(e.protocol.name, (perProtocol.get(e.protocol.name) ?? 0) + 1);
    assert.deepEqual(rows.sort(), [...perProtocol].sort());
    const total = async (id: string): Promise<number> => Number(await page.getByTestId(id).getAttribute('data-total'));
    const bytes = statsEntries.reduce((n, e) => n + (e.requestSize as number) + (e.responseSize as number), 0);
    const errors = statsEntries.filter((e) => ((e.summary as { status?: number }).status ?? 0) >= 500 || e.malformed !== undefined).length;
    assert.equal(await total('chart-requests'), statsEntries.length);
    assert.equal(await total('chart-bytes'), bytes);
    assert.equal(await total('chart-errors'), errors);
    assert.equal(await page.getByTestId('total-requests').locator('.total-value').innerText(), String(statsEntries.length));
    assert.ok((await page.locator('[data-testid="chart-requests"] rect[data-bucket]').count()) >= 1, 'bars are drawn');

    // The statistics follow the query.
    await page.goto(`${statsUrl}/?view=stats&q=http&${rangeOf(statsEntries)}`);
    await page.getByTestId('protocol-share').waitFor();
    assert.deepEqual(await page.locator('.share-table tbody tr').evaluateAll((els) => els.map((el) => el.getAttribute('data-protocol'))), ['http']);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
