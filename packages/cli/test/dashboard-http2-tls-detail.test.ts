/**
 * The HTTP/2 and TLS entry details in Chromium, against `shoal view` of real captures
 * (packages/dissect/test/fixtures/http2/nghttp-concurrent.pcap: nghttp against nghttpd, with a
 * pushed stream and request and response trailers; tls/tls12-certificate.pcap and
 * tls/tls13-alpn.pcap: openssl s_client against s_server) and its dashboard: the HTTP/2 stream
 * section, the pseudo-header fields apart from the headers, the trailers and the body; the
 * ClientHello and ServerHello, the certificate TLS 1.2 sends in clear; click-to-filter through
 * `path`, `tls_sni` and `tls_alpn`; the protocols' colours in both themes. What the page should
 * show is read from the fixtures' reviewed goldens. Skipped when Debian's chromium is not
 * installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Entry } from '@shoal/model';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { dashboardOnFile, type CaptureDashboard } from './helpers/capture-dashboard.js';
import { assertBadgeColours, cells, feedShows, openRow, queryOf } from './helpers/dashboard-page.js';
import { hubEntries } from './helpers/lab-api.js';
import { REPO_ROOT } from './helpers/run-shoal.js';

const skip = browserUnavailable();
const HTTP2 = 'packages/dissect/test/fixtures/http2/nghttp-concurrent.pcap';
const TLS12 = 'packages/dissect/test/fixtures/tls/tls12-certificate.pcap';
const TLS13 = 'packages/dissect/test/fixtures/tls/tls13-alpn.pcap';

const golden = (capture: string): Entry[] => (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, capture.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: Entry[] }).entries;

/** The colours of src/domain/protocol-colors.ts (docs/front.md), as the browser computes them. */
const HTTP2_BADGE = { light: { background: 'rgb(36, 76, 90)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(63, 143, 166)', color: 'rgb(0, 0, 0)' } };
const TLS_BADGE = { light: { background: 'rgb(111, 66, 193)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(154, 122, 224)', color: 'rgb(0, 0, 0)' } };

interface H2Message {
  headers: Record<string, string>;
  trailers?: Record<string, string>;
  body?: string;
  streamId: number;
}

async function opened(browser: Browser, link: string, rows: number): Promise<{ page: Page; problems: string[] }> {
  const o = await openPage(browser, link);
  await o.page.locator('.row[data-id]').nth(rows - 1).waitFor();
  return o;
}

/** A two-column table's rows as [label, value]. */
const pairs = async (table: Locator): Promise<string[][]> =>
  table.locator('tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', (tr.querySelector('td') as HTMLElement | null)?.innerText ?? '']));

const fieldPairs = (fields: Record<string, string>, pseudo: boolean): string[][] => Object.entries(fields).filter(([n]) => n.startsWith(':') === pseudo);

describe('dashboard HTTP/2 detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const GOLDEN = golden(HTTP2);
  const upload = GOLDEN.find((e) => e.summary.text.startsWith('POST /upload'))!;
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(HTTP2);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('shows the stream, then each side with its pseudo-header fields apart, the headers, the body and the trailers', async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, '/upload');
    const detail = page.locator('.entry-detail');
    const req = upload.request as unknown as H2Message;
    const res = upload.response as unknown as H2Message;
    await detail.locator('[data-section=request] [data-headers=request-trailers]').waitFor();

    assert.deepEqual(await pairs(detail.locator('[data-section=http2] [data-table=stream]')), [['stream id', String(req.streamId)]]);
    assert.deepEqual(await pairs(detail.locator('[data-headers=request-pseudo]')), fieldPairs(req.headers, true));
    assert.deepEqual(await pairs(detail.locator('[data-headers=request-headers]')), fieldPairs(req.headers, false));
    assert.deepEqual(await pairs(detail.locator('[data-headers=request-trailers]')), Object.entries(req.trailers!));
    assert.deepEqual(await pairs(detail.locator('[data-headers=response-pseudo]')), [[':status', '200']]);
    assert.deepEqual(await pairs(detail.locator('[data-headers=response-trailers]')), Object.entries(res.trailers!));
    assert.match(await detail.locator('[data-section=request] .start-line').innerText(), /^POST \/upload HTTP\/2/);
    assert.equal(await detail.locator('[data-section=request] .body pre').innerText(), req.body);
    const order = await detail.locator('[data-section]').evaluateAll((s) => s.map((x) => x.getAttribute('data-section')));
    assert.deepEqual(order, ['general', 'endpoints', 'http2', 'request', 'response', 'stream']);
    assert.equal(await detail.locator('[data-copy=curl]').count(), 1, 'curl repeats it over HTTP/2');

    // The stream the server pushed says so.
    const { entries } = await hubEntries(view.hub, { q: 'http2 && has(request.pushed)', limit: 10 });
    assert.equal(entries.length, GOLDEN.filter((e) => (e.request as unknown as { pushed?: boolean }).pushed === true).length);
    await page.locator(`.row[data-id="${entries[0]!.id}"] .time`).click();
    await page.locator(`.entry-detail[data-entry="${entries[0]!.id}"] [data-section=http2]`).waitFor();
    assert.match(await page.locator('.entry-detail [data-table=stream]').innerText(), /pushed\s+the server promised this request \(PUSH_PROMISE\)/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on :path clicked among the pseudo-header fields (path), then on an authority with Alt', async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, '/upload');
    await page.locator('[data-headers=request-pseudo] td .filter-value', { hasText: /^\/upload$/ }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'path == "/upload"');
    await feedShows(page, ['/upload']);

    const authority = (upload.request as unknown as H2Message).headers[':authority']!;
    await page.locator('[data-headers=request-pseudo] td .filter-value', { hasText: authority }).click({ modifiers: ['Alt'] });
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes(':authority'));
    assert.equal(queryOf(page), `path == "/upload" && !(":authority" in request.headers && request.headers[":authority"] == "${authority}")`);
    await page.getByTestId('empty-feed').and(page.locator('[data-reason=no-match]')).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours HTTP/2 badges with HTTP/2's colour, in both themes", async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, '/upload');
    await assertBadgeColours(page, HTTP2_BADGE);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard TLS detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let browser: Browser;
  const views: CaptureDashboard[] = [];

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const v of views) await v.stop();
  });

  const openTls = async (capture: string) => {
    const [entry] = golden(capture);
    const view = await dashboardOnFile(capture);
    views.push(view);
    const o = await opened(browser, view.link, 1);
    await openRow(o.page, entry!.summary.text);
    await o.page.locator('.entry-detail [data-section=tls-response] [data-table=hello]').waitFor();
    return { ...o, entry: entry!, detail: o.page.locator('.entry-detail') };
  };

  it("shows TLS 1.2's hellos and the certificate in clear, the records counted, not HTTP sections", async () => {
    const { page, problems, entry, detail } = await openTls(TLS12);
    const ch = entry.request as unknown as { sni: string; ja3: string; ja4: string; cipherSuites: string[] };
    const sh = entry.response as unknown as { cipherSuite: string; certificate: { subject: string; serial: string } };
    const client = Object.fromEntries(await pairs(detail.locator('[data-section=tls-request] [data-table=hello]')));
    assert.equal(client['SNI'], ch.sni);
    assert.equal(client['JA3'], ch.ja3);
    assert.equal(client['JA4'], ch.ja4);
    assert.match(client['sent']!, /^6 records, .* of which 3 records, .* encrypted$/);
    assert.deepEqual((await cells(detail.locator('[data-table=cipher-suites]'))).map((r) => r[0]), ch.cipherSuites);
    const server = Object.fromEntries(await pairs(detail.locator('[data-section=tls-response] [data-table=hello]')));
    assert.equal(server['version chosen'], 'TLS 1.2');
    assert.equal(server['cipher suite chosen'], sh.cipherSuite);
    const cert = Object.fromEntries(await pairs(detail.locator('[data-table=certificate]')));
    assert.equal(cert['subject'], sh.certificate.subject);
    assert.equal(cert['serial'], sh.certificate.serial);
    assert.match(cert['validity']!, /\(valid when captured\)$/);
    assert.equal(await detail.locator('[data-section=request], [data-section=response], [data-section=raw-request]').count(), 0, 'no HTTP or raw sections');
    assert.equal(await detail.locator('[data-copy=curl]').count(), 0, 'nothing for curl to repeat');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on the SNI clicked in the ClientHello (tls_sni), and drops the row on an ALPN protocol offered with Alt (tls_alpn)', async () => {
    const { page, problems, entry } = await openTls(TLS13);
    const sni = (entry.request as unknown as { sni: string }).sni;
    await page.locator('[data-section=tls-request] [data-table=hello] td .filter-value', { hasText: sni }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), `tls_sni == "${sni}"`);
    await feedShows(page, [entry.summary.text]);
    await page.locator('[data-section=tls-request] [data-table=alpn] td .filter-value', { hasText: /^h2$/ }).click({ modifiers: ['Alt'] });
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes('tls_alpn'));
    assert.equal(queryOf(page), `tls_sni == "${sni}" && !("h2" in tls_alpn)`);
    await page.getByTestId('empty-feed').and(page.locator('[data-reason=no-match]')).waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours TLS badges with TLS's colour, in both themes", async () => {
    const { page, problems } = await openTls(TLS13);
    await assertBadgeColours(page, TLS_BADGE);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
