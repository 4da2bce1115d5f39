/**
 * The Redis entry detail in Chromium, against `shoal view` of real captures and its dashboard:
 * redis-cli and redis-server (packages/dissect/test/fixtures/redis/cli.pcap) and node-redis's
 * pub/sub (fixtures/redis/pubsub-resp2.pcap). The command with its key and arguments, the reply
 * and its value (text, and a hex view for a binary string), an error reply filtered on by its text
 * (redis_error), a published message as a push filtered on by its channel (path), no curl button,
 * and Redis's colour on its badges. What the page should show is read from the fixtures' reviewed
 * goldens. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours, feedShowsTitles, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, type FixtureDashboard, type OpenedEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CLI_CAPTURE = 'packages/dissect/test/fixtures/redis/cli.pcap';
const PUBSUB_CAPTURE = 'packages/dissect/test/fixtures/redis/pubsub-resp2.pcap';

interface GoldenEntry {
  summary: { text: string; path?: string };
  requestSize: number;
  protocol: { name: string };
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

/**
 * What a feed row shows of a Redis entry after its method: the key or channel, then the reply (a
 * push: its payload), as its text cell's title has it (src/domain/entry-row.ts).
 */
function rowTitle(e: GoldenEntry): string {
  const text = e.summary.text;
  const arrow = text.indexOf(' -> ');
  const outcome = arrow >= 0 ? text.slice(arrow + 4) : text.slice(text.indexOf(': ') + 2);
  return `${e.summary.path ?? ''} ${outcome}`.trim();
}

/** The feed row of `e`. */
const rowOf = (page: Page, e: GoldenEntry): Locator => page.locator('.row[data-id]', { has: page.locator(`.text[title="${rowTitle(e).replace(/"/g, '\\"')}"]`) }).first();

/** Until the feed shows exactly the rows of `shown`, in any order. */
const feedShows = (page: Page, shown: GoldenEntry[]): Promise<void> => feedShowsTitles(page, shown.map(rowTitle));

/** A capture's dashboard, every row shown; `opened(summary)` opens that entry's detail on a new page. */
function dashboardOf(capture: string): { opened: (summary: string) => Promise<OpenedEntry>; entries: GoldenEntry[] } {
  const dashboard: FixtureDashboard<GoldenEntry> = fixtureDashboard(capture);
  const entries = dashboard.entries;
  return {
    entries,
    opened: async (summary) => {
      const opened = await dashboard.opened((page) => rowOf(page, entries.find((e) => e.summary.text === summary)!));
      await opened.detail.locator('[data-section=redis-command], [data-section=redis-reply]').first().waitFor();
      return opened;
    },
  };
}

describe('dashboard Redis detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const { opened, entries } = dashboardOf(CLI_CAPTURE);

  it('shows a command with its key and arguments and its reply; no HTTP sections, no curl', async () => {
    const { page, problems, detail } = await opened('SET user:1 -> OK');
    const command = detail.locator('[data-section=redis-command]');
    const set = entries.find((e) => e.summary.text === 'SET user:1 -> OK')!;
    assert.equal(await command.locator('summary').innerText(), `Command ${set.requestSize} B on the wire`);
    assert.deepEqual(await rows(command.locator('[data-table=message]')), { command: 'SET', key: 'user:1', arguments: '2' });
    assert.deepEqual(await command.locator('[data-table=args] tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.split('\t'))), [['1', 'user:1'], ['2', 'alice']]);
    const reply = detail.locator('[data-section=redis-reply]');
    assert.deepEqual(await rows(reply.locator('[data-table=message]')), { status: 'ok', type: 'simple string' });
    assert.equal(await reply.locator('.body-code').innerText(), 'OK');
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');
    assert.equal(await page.locator('button', { hasText: 'Copy as curl' }).count(), 0, 'no curl for Redis');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows a binary value as a hex view', async () => {
    const { page, problems, detail } = await opened('GET bin:1 -> (11 B binary)');
    const hex = detail.locator('[data-section=redis-reply] .body-hex');
    await hex.waitFor();
    assert.match(await hex.innerText(), /^00000000 {2}00 01 fe ff 20 62 69 6e {2}61 72 79/);
    assert.equal(await detail.locator('[data-section=redis-command] [data-table=message] td', { hasText: 'bin:1' }).count(), 1);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on an error reply clicked (redis_error), which the feed finds alone', async () => {
    const wrongType = entries.find((e) => e.summary.text.startsWith('LPUSH user:1'))!;
    const { page, problems, detail } = await opened(wrongType.summary.text);
    const reply = detail.locator('[data-section=redis-reply] [data-table=message]');
    assert.deepEqual(await rows(reply), { status: 'error', type: 'error', error: wrongType.response!['error'] as string });
    await reply.locator('.filter-value', { hasText: 'WRONGTYPE' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), `redis_error == "${wrongType.response!['error'] as string}"`);
    await feedShows(page, [wrongType]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours Redis badges in the feed and the detail with Redis's colour, in both themes", async () => {
    const { page, problems } = await opened('SET user:1 -> OK');
    const row = page.locator('.row[data-id]', { has: page.locator('.text[title="user:1 OK"]') }).first();
    const colours = { light: { background: 'rgb(164, 30, 17)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(224, 87, 74)', color: 'rgb(0, 0, 0)' } };
    await assertBadgeColours(page, colours, row);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard Redis pub/sub detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const { opened, entries } = dashboardOf(PUBSUB_CAPTURE);

  it("shows a published message as a push with its payload, and filters on its channel (path)", async () => {
    const { page, problems, detail } = await opened('message news: "hello subscribers"');
    assert.equal(await detail.locator('[data-section=redis-command]').count(), 0);
    const push = detail.locator('[data-section=redis-reply]');
    assert.match(await push.locator('summary').innerText(), /^Push \d+ B on the wire$/);
    assert.deepEqual(await rows(push.locator('[data-table=message]')), { kind: 'message', type: 'array', size: '3 values', channel: 'news' });
    assert.equal(await push.locator('.body-code').innerText(), 'hello subscribers');
    assert.equal(await detail.locator('[data-note=redis]').innerText(), 'Pushed by the server: it answers no command.');
    await push.locator('[data-table=message] .filter-value', { hasText: 'news' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'path == "news"');
    await feedShows(page, entries.filter((e) => e.summary.path === 'news'));
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
