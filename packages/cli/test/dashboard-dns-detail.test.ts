/**
 * The DNS entry detail in Chromium, against `shoal view` of a dig capture
 * (packages/dissect/test/fixtures/dns/udp-records.pcap) and its dashboard: the query's and the
 * response's tables (not the HTTP sections), click-to-filter on a question and an answer through
 * the DNS list variables, and the protocol's colour on its badges in both themes. What the page
 * should show is read from the fixture's reviewed golden. Skipped when Debian's chromium is not
 * installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { dashboardOnFile, type CaptureDashboard } from './helpers/capture-dashboard.js';
import { assertBadgeColours, cells, feedShows, openRow, queryOf } from './helpers/dashboard-page.js';
import { REPO_ROOT } from './helpers/run-shoal.js';

const skip = browserUnavailable();
const CAPTURE = 'packages/dissect/test/fixtures/dns/udp-records.pcap';

interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}
interface DnsEntry {
  id: string;
  summary: { text: string };
  request: { questions: { name: string; type: string }[] } | null;
  response: { answers: DnsRecord[]; authorities: DnsRecord[] } | null;
}

const GOLDEN = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, CAPTURE.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: DnsEntry[] }).entries;
/** The look-up of api.shoal.test: a CNAME to www and its address, with an authority record. */
const API = GOLDEN.find((e) => e.summary.text.startsWith('A api.shoal.test'))!;

/** The DNS colour of src/domain/protocol-colors.ts (docs/front.md), as the browser computes it. */
const DNS_BADGE = { light: { background: 'rgb(0, 121, 107)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(38, 166, 154)', color: 'rgb(0, 0, 0)' } };

describe('dashboard DNS detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
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

  it('shows the query and the response as DNS tables, not HTTP sections', async () => {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(GOLDEN.length - 1).waitFor();
    await openRow(page, API.summary.text);
    const detail = page.locator('.entry-detail');
    const query = detail.locator('[data-section=dns-request]');
    const response = detail.locator('[data-section=dns-response]');
    await response.locator('[data-table=answers]').waitFor();

    assert.deepEqual(await cells(query.locator('[data-table=questions]')), API.request!.questions.map((q) => [q.name, q.type]));
    assert.deepEqual(await cells(response.locator('[data-table=questions]')), API.request!.questions.map((q) => [q.name, q.type]));
    const asTable = (records: DnsRecord[]) => records.map((r) => [r.name, r.type, String(r.ttl), r.data]);
    assert.deepEqual(await cells(response.locator('[data-table=answers]')), asTable(API.response!.answers));
    assert.deepEqual(await cells(response.locator('[data-table=authorities]')), asTable(API.response!.authorities));
    const header = (section: Locator, label: string) => section.locator('[data-table=header] tr', { has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td').innerText();
    assert.equal(await header(response, 'rcode'), 'NOERROR');
    assert.equal(await header(response, 'flags'), 'response (qr), authoritative answer (aa), recursion desired (rd)');
    assert.match(await response.locator('[data-table=edns]').innerText(), /UDP size\s+1232 bytes/);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], .headers').count(), 0, 'no HTTP sections');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on an answer clicked in the detail (in dns_answers), and on a question name with Alt (not in dns_questions)', async () => {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(GOLDEN.length - 1).waitFor();
    await openRow(page, API.summary.text);
    const address = API.response!.answers.find((a) => a.type === 'A')!.data;
    await page.locator('[data-section=dns-response] [data-table=answers] td .filter-value', { hasText: new RegExp(`^${address.replace(/\./g, '\\.')}$`) }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), `"${address}" in dns_answers`);
    await feedShows(
      page,
      GOLDEN.filter((e) => e.response?.answers.some((a) => a.data === address)).map((e) => e.summary.text),
    );

    // The detail stays open: Alt on the name asked adds its negation.
    const asked = API.request!.questions[0]!.name;
    await page.locator('[data-section=dns-request] [data-table=questions] td .filter-value', { hasText: new RegExp(`^${asked.replace(/\./g, '\\.')}$`) }).click({ modifiers: ['Alt'] });
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes('dns_questions'));
    assert.equal(queryOf(page), `"${address}" in dns_answers && !("${asked}" in dns_questions)`);
    await feedShows(
      page,
      GOLDEN.filter((e) => e.response?.answers.some((a) => a.data === address) && !e.request!.questions.some((q) => q.name === asked)).map((e) => e.summary.text),
    );
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours DNS badges in the feed and the detail with DNS's colour, in both themes", async () => {
    const { page, problems } = await openPage(browser, view.link);
    await page.locator('.row[data-id]').nth(GOLDEN.length - 1).waitFor();
    await openRow(page, API.summary.text);
    await assertBadgeColours(page, DNS_BADGE);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
