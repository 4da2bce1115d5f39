/**
 * The PostgreSQL entry detail in Chromium, against `shoal view` of a real capture and its
 * dashboard: node-postgres talking to Debian's PostgreSQL (packages/dissect/test/fixtures/
 * postgresql/node-md5.pcap). The statement as sent with its messages and values, the answer's
 * tags, rows counted and first rows under their columns, an error's SQLSTATE and fields, the
 * start-up; no "Copy as curl" (a SELECT is no HTTP method); click-to-filter through postgresql_error_code and postgresql_rows; PostgreSQL's
 * colour on its badges. What the page should show is read from the fixture's reviewed golden.
 * Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours, cells, feedShows, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, golden, type GoldenEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/postgresql/node-md5.pcap';

const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

describe('dashboard PostgreSQL detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const { opened } = fixtureDashboard(CAPTURE);

  it('shows a statement of the extended protocol: its text, messages and values; the tags, rows and columns; no HTTP sections', async () => {
    const insert = starting('INSERT INTO shoal_users');
    const { page, problems, detail } = await opened('INSERT INTO shoal_users');
    const request = detail.locator('[data-section=postgresql-request]');
    await request.locator('[data-table=request]').waitFor();
    assert.equal(await request.locator('[data-field=query]').innerText(), insert.request!['query']);
    assert.deepEqual(await rows(request.locator('[data-table=request]')), { method: 'INSERT', messages: 'Parse, Bind, Describe, Execute, Sync' });
    assert.deepEqual(await cells(request.locator('[data-table=parameters]')), [['$1', 'Nodie Pg']]);
    const answer = detail.locator('[data-section=postgresql-response]');
    assert.deepEqual(await rows(answer.locator('[data-table=response]')), { status: 'ok', commands: 'INSERT 0 1', rows: '1', transaction: 'idle' });
    const result = answer.locator('[data-table=rows]');
    assert.deepEqual(await result.locator('thead th').allInnerTexts(), ['id (int4)']);
    assert.deepEqual(await cells(result), (insert.response!['rows'] as string[][]).map((r) => [...r]));
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');
    assert.equal(await detail.locator('[data-copy=curl]').count(), 0, 'curl cannot send a statement');
    assert.equal(await detail.locator('[data-copy=json]').count(), 1);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows an error's SQLSTATE and fields, and filters on the SQLSTATE clicked (postgresql_error_code)", async () => {
    const failed = starting('SELECT * FROM no_such_table');
    const { page, problems, detail } = await opened('SELECT * FROM no_such_table');
    const answer = detail.locator('[data-section=postgresql-response] [data-table=response]');
    await answer.waitFor();
    const shown = await rows(answer);
    assert.deepEqual([shown['status'], shown['SQLSTATE'], shown['severity'], shown['message']], ['error', '42P01', 'ERROR', 'relation "no_such_table" does not exist']);
    await answer.locator('.filter-value', { hasText: '42P01' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'postgresql_error_code == "42P01"');
    await feedShows(page, [failed.summary.text]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows the first rows of a large answer and how many there were, and filters on the count clicked (postgresql_rows)', async () => {
    const large = starting('SELECT g AS n');
    const { page, problems, detail } = await opened('SELECT g AS n');
    const result = detail.locator('[data-section=postgresql-response] [data-table=rows]');
    await result.waitFor();
    assert.match(await result.locator('caption').innerText(), /^Rows \(the first 20 of 2000\)\s+20$/);
    assert.deepEqual((await cells(result))[0], (large.response!['rows'] as string[][])[0]);
    await detail.locator('[data-section=postgresql-response] [data-table=response] .filter-value', { hasText: '2000' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'postgresql_rows == 2000');
    await feedShows(page, [large.summary.text]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows the start-up's user and authentication, and colours PostgreSQL badges with its colour in both themes", async () => {
    const { page, problems, detail } = await opened('startup user=legacy');
    const answer = detail.locator('[data-section=postgresql-response] [data-table=response]');
    await answer.waitFor();
    assert.equal((await rows(detail.locator('[data-section=postgresql-request] [data-table=request]')))['user'], 'legacy');
    assert.deepEqual([(await rows(answer))['authentication'], (await rows(answer))['authenticated']], ['MD5', 'yes']);
    await assertBadgeColours(page, { light: { background: 'rgb(51, 103, 145)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(91, 143, 199)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
