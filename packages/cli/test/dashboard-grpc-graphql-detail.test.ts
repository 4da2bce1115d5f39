/**
 * The gRPC and GraphQL entry details in Chromium, against `shoal view` of the real captures
 * (packages/dissect/test/fixtures/grpc/calls.pcap: @grpc/grpc-js calls; graphql/http1.pcap:
 * GraphQL requests to the `graphql` reference server) and its dashboard: the feed rows with the
 * call's status or the operation beside the path; the gRPC call, metadata and messages as field
 * trees; the GraphQL operation, document, variables and errors before the HTTP sections;
 * click-to-filter through `grpc_status` and `gql_errors`; the protocols' colours in both themes.
 * What the page should show is read from the fixtures' reviewed goldens. Skipped when Debian's
 * chromium is not installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Entry, GrpcRequestJson, GrpcResponseJson } from '@shoal/model';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { dashboardOnFile, type CaptureDashboard } from './helpers/capture-dashboard.js';
import { assertBadgeColours, cells, feedShows, openRow, queryOf } from './helpers/dashboard-page.js';
import { REPO_ROOT } from './helpers/run-shoal.js';

const skip = browserUnavailable();
const GRPC = 'packages/dissect/test/fixtures/grpc/calls.pcap';
const GRAPHQL = 'packages/dissect/test/fixtures/graphql/http1.pcap';

const golden = (capture: string): Entry[] => (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, capture.replace(/\.pcap$/, '.expected.json')), 'utf8')) as { entries: Entry[] }).entries;

/** The colours of src/domain/protocol-colors.ts (docs/front.md), as the browser computes them. */
const GRPC_BADGE = { light: { background: 'rgb(36, 76, 90)', color: 'rgb(255, 255, 255)' }, dark: { background: 'rgb(63, 143, 166)', color: 'rgb(0, 0, 0)' } };
const GRAPHQL_BADGE = { light: { background: 'rgb(225, 0, 152)', color: 'rgb(0, 0, 0)' }, dark: { background: 'rgb(225, 0, 152)', color: 'rgb(0, 0, 0)' } };

/** A row's text cell: the path, then what the dashboard adds beside it. */
const rowText = (e: Entry): string => {
  const grpcOutcome = e.summary.text.slice((e.summary.path ?? '').length + 4);
  return e.protocol.name === 'grpc' ? `${e.summary.path}${grpcOutcome}` : e.protocol.name === 'graphql' ? `${e.summary.path}${e.summary.text.replace(` -> ${e.summary.status}`, '')}` : e.summary.path!;
};

async function opened(browser: Browser, link: string, rows: number): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(browser, link);
  await opened.page.locator('.row[data-id]').nth(rows - 1).waitFor();
  return opened;
}

describe('dashboard gRPC detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const GOLDEN = golden(GRPC);
  const missing = GOLDEN.find((e) => e.summary.text.endsWith('NOT_FOUND'))!;
  const list = GOLDEN.find((e) => e.summary.text.includes('ListBooks'))!;
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(GRPC);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  it("shows each call's status beside its path in the feed, and the call, metadata and messages as field trees in the detail", async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    assert.deepEqual((await page.locator('.row[data-id] .text').allInnerTexts()).map((t) => t.replace(/\s+/g, '')).sort(), GOLDEN.map((e) => rowText(e).replace(/\s+/g, '')).sort());
    // The failed call's HTTP status is 200 like the others': its row is coloured as an error by its call status.
    const statusClasses = async (text: string) => {
      const row = page.locator('.row[data-id]', { hasText: text }).first();
      return [await row.locator('.status').getAttribute('class'), await row.locator('.outcome').getAttribute('class')];
    };
    assert.deepEqual(await statusClasses('NOT_FOUND'), ['filter-value status status-server-error', 'outcome status-server-error']);
    assert.deepEqual(await statusClasses('ListBooks'), ['filter-value status status-ok', 'outcome']);

    await openRow(page, 'ListBooks');
    const detail = page.locator('.entry-detail');
    const response = detail.locator('[data-section=grpc-response]');
    await response.locator('[data-message="2"]').waitFor();
    const res = list.response!['grpc'] as GrpcResponseJson;
    assert.equal(await response.locator('.grpc-message').count(), res.messageCount);
    const book = (await cells(response.locator('[data-message="0"] .proto-tree'))).map((r) => r.join(' '));
    assert.ok(book.includes('6.1 len "Reef Press"'), book.join('\n'));
    assert.ok(book.includes('7 i64 4616752568008179712 (double 4.5)'));
    const cover = (await cells(response.locator('[data-message="2"] .proto-tree'))).find((r) => r[0] === '10')!;
    assert.match(cover[2]!, /^20000 bytes: 00 07 0e 15/);
    const request = detail.locator('[data-section=grpc-request]');
    const req = list.request!['grpc'] as GrpcRequestJson;
    assert.deepEqual(await detail.locator('[data-table=call] th').allInnerTexts(), ['service', 'method', 'timeout', 'status', 'message']);
    assert.equal(await detail.locator('[data-table=call] tr', { has: page.locator('th', { hasText: /^method$/ }) }).locator('td').innerText(), req.method);
    assert.ok((await request.locator('[data-headers=request-headers] th').allInnerTexts()).includes('grpc-timeout'), 'metadata');
    assert.ok((await response.locator('[data-headers=response-trailers] th').allInnerTexts()).includes('grpc-status'), 'trailers');
    assert.equal(await detail.locator('[data-section=request], [data-section=response]').count(), 0, 'no HTTP sections');
    assert.equal(await page.locator('.entry-detail [data-copy=curl]').count(), 0, 'no curl: the messages are not a body');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on the status clicked in the call (grpc_status)', async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, 'NOT_FOUND');
    const status = page.locator('[data-table=call] td .filter-value', { hasText: /NOT_FOUND/ });
    await status.click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), 'grpc_status == 5');
    await feedShows(page, [rowText(missing)]);
    assert.equal(await page.locator('[data-table=call] tr', { has: page.locator('th', { hasText: /^message$/ }) }).locator('td').innerText(), (missing.response!['grpc'] as GrpcResponseJson).message);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours gRPC badges with gRPC's colour, in both themes", async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, 'NOT_FOUND');
    await assertBadgeColours(page, GRPC_BADGE);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});

describe('dashboard GraphQL detail (shoal view + shoal front, Chromium)', { skip: skip ?? false, timeout: 180_000 }, () => {
  const GOLDEN = golden(GRAPHQL);
  const failing = GOLDEN.find((e) => e.summary.text.includes('Missing'))!;
  const named = GOLDEN[0]!;
  let browser: Browser;
  let view: CaptureDashboard;

  before(async () => {
    view = await dashboardOnFile(GRAPHQL);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await view?.stop();
  });

  it('shows the operation, document, variables and errors before the HTTP request and response', async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, 'query Missing');
    const section = page.locator('.entry-detail [data-section=graphql]');
    await section.locator('[data-table=errors]').waitFor();
    assert.deepEqual(await cells(section.locator('[data-table=operation]')), [['query'], ['Missing']]);
    assert.equal(await section.locator('[data-part=query] pre').innerText(), (failing.request!['graphql'] as { query: string }).query);
    assert.deepEqual(await cells(section.locator('[data-table=errors]')), [['no book with ISBN 000', 'book', '2:17']]);
    const order = await page.locator('.entry-detail [data-section]').evaluateAll((s) => s.map((x) => x.getAttribute('data-section')));
    assert.deepEqual(order.filter((n) => ['graphql', 'request', 'response'].includes(n!)), ['graphql', 'request', 'response']);
    assert.equal(await page.locator('.entry-detail [data-copy=curl]').count(), 1, 'an HTTP request with its body: curl repeats it');

    await openRow(page, /query GetBook$/);
    await page.locator('.entry-detail [data-part=variables]').waitFor();
    assert.equal(await page.locator('.entry-detail [data-part=variables] pre').innerText(), JSON.stringify((named.request!['graphql'] as { variables: unknown }).variables, null, 2));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('filters on an error message clicked in the detail (in gql_errors)', async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, 'query Missing');
    await page.locator('[data-section=graphql] [data-table=errors] td .filter-value', { hasText: 'no book with ISBN 000' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') !== null);
    assert.equal(queryOf(page), '"no book with ISBN 000" in gql_errors');
    await feedShows(page, [rowText(failing)]);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("colours GraphQL badges with GraphQL's colour, in both themes", async () => {
    const { page, problems } = await opened(browser, view.link, GOLDEN.length);
    await openRow(page, 'query Missing');
    await assertBadgeColours(page, GRAPHQL_BADGE);
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
