/**
 * The MySQL entry detail in Chromium, against `shoal view` of a real capture and its dashboard:
 * mysql2 talking to Debian's MariaDB (packages/dissect/test/fixtures/mysql/node-mysql2.pcap). A
 * prepared statement's execution with its text, values and binary rows under their columns; an
 * error's number, SQLSTATE and message; the handshake; no "Copy as curl"; click-to-filter through
 * mysql_error_code and mysql_rows; MySQL's colour on its badges. What the page should show is read
 * from the fixture's reviewed golden. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserUnavailable } from './helpers/browser.js';
import { assertBadgeColours, cells, feedShows, kvRows as rows, queryOf } from './helpers/dashboard-page.js';
import { fixtureDashboard, golden, type GoldenEntry } from './helpers/fixture-dashboard.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/mysql/node-mysql2.pcap';

const entries = golden(CAPTURE);
const starting = (start: string): GoldenEntry => entries.find((e) => e.summary.text.startsWith(start))!;

describe('dashboard MySQL detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const { opened } = fixtureDashboard(CAPTURE);

  it('shows the execution of a prepared statement: its text and values, the rows under their columns; no HTTP sections, no curl', async () => {
    // The execution (the prepare's row starts with COM_STMT_PREPARE).
    const { page, problems, detail } = await opened(/^SELECT seq AS n.* -> 2000 rows$/);
    const request = detail.locator('[data-section=mysql-request]');
    await request.locator('[data-table=request]').waitFor();
    assert.equal(await request.locator('[data-field=query]').innerText(), entries.find((e) => e.response?.['rowCount'] === 2000)!.request!['query']);
    assert.deepEqual(await rows(request.locator('[data-table=request]')), { method: 'SELECT', command: 'COM_STMT_EXECUTE', statement: '3' });
    assert.deepEqual(await cells(request.locator('[data-table=parameters]')), [['1', '1']]);
    const result = detail.locator('[data-section=mysql-response] [data-table=rows]');
    assert.deepEqual(await result.locator('thead th').allInnerTexts(), ['n (BIGINT)', 'filler (VARCHAR)']);
    assert.match(await result.locator('caption').innerText(), /^Rows \(the first 20 of 2000\)\s+20$/);
    assert.deepEqual((await cells(result))[0], ['1', 'row of the large result row of the large result row of the large result row of the large result 1']);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');
    assert.equal(await detail.locator('[data-copy=curl]').count(), 0, 'curl cannot send a statement');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows an error's number, SQLSTATE and message, and filters on the number clicked (mysql_error_code)", async () => {
    const failed = starting('SELECT * FROM no_such_table');
    const { page, problems, detail } = await opened('SELECT * FROM no_such_table');
    const answer = detail.locator('[data-section=mysql-response] [data-table=response]');
    await answer.waitFor();
    assert.deepEqual(await rows(answer), { status: 'error', error: '1146', SQLSTATE: '42S02', message: "Table 'shoal.no_such_table' doesn't exist" });
    await answer.locator('.filter-value', { hasText: '1146' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'mysql_error_code == 1146');
    await feedShows(page, [failed.summary.text]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on the rows clicked (mysql_rows)', async () => {
    const { page, problems, detail } = await opened(/^SELECT seq AS n.* -> 2000 rows$/);
    const answer = detail.locator('[data-section=mysql-response] [data-table=response]');
    await answer.waitFor();
    await answer.locator('.filter-value', { hasText: '2000' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'mysql_rows == 2000');
    await feedShows(page, entries.filter((e) => e.response?.['rowCount'] === 2000).map((e) => e.summary.text));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows the handshake's user, attributes and server, and colours MySQL badges with its colour in both themes", async () => {
    const { page, problems, detail } = await opened('handshake user=app');
    const answer = detail.locator('[data-section=mysql-response] [data-table=response]');
    await answer.waitFor();
    assert.equal((await rows(detail.locator('[data-section=mysql-request] [data-table=request]')))['user'], 'app');
    assert.deepEqual(await cells(detail.locator('[data-section=mysql-request] [data-table=attributes]')), [['_client_name', 'Node-MySQL-2'], ['_client_version', '3.26.1']]);
    const shown = await rows(answer);
    assert.deepEqual([shown['server'], shown['authenticated']], ['5.5.5-10.11.19-MariaDB-0+deb12u1', 'yes']);
    await assertBadgeColours(page, { light: { background: 'rgb(0, 117, 143)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(63, 167, 194)', color: 'rgb(0, 0, 0)' } });
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
