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
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { cells, filterError, queryOf, saveDownload, screenshot, SCREENSHOTS } from './helpers/dashboard-page.js';
import { fetchIdempotent, getJson, hubHistory, hubStatus, type EntryJson, type LabInventory } from './helpers/lab-api.js';
import { calls, feedShowsOnly, headerTable, labelled, openLiveEntry, pausedRow, rowById, rowsOnScreen, scrollUpTo, type RowText } from './helpers/lab-feed-page.js';
import { crash, labProcess, labUnavailable, leftovers, logTails, testLab, waitFor, type TestLab } from './helpers/lab-run.js';
import { assertMergedPcap, connectionOf, tsharkUnavailable } from './helpers/merged-pcap.js';
import { describeRun, shoal } from './helpers/run-shoal.js';

const skip = labUnavailable() ?? browserUnavailable() ?? tsharkUnavailable();

/** The demo's HTTP calls (docs/lab.md), client pod → server pod, as rows and map edges show them. */
const DEMO_CALLS = ['traffic → front', 'front → users', 'front → orders'];

interface HttpEntry extends EntryJson {
  request: { headers: Record<string, string>; body?: string };
  response: { headers: Record<string, string>; body?: string };
}

interface H2Entry extends HttpEntry {
  request: { headers: Record<string, string>; body?: string; streamId: number };
}
interface GrpcEntry extends EntryJson {
  response: { grpc: { messageCount: number } };
}
interface GqlEntry extends EntryJson {
  request: { graphql: { variables: unknown } };
}
interface WsEntry extends EntryJson {
  response: { body: string };
}
interface RedisEntry extends EntryJson {
  request: { command: string; key?: string; args: string[] };
  response: { status: string; type: string };
}
interface DecryptedHttpEntry extends HttpEntry {
  capture: string;
}
interface MqttEntry extends EntryJson {
  request: { topic: string; qos: number };
}
interface PostgresqlEntry extends EntryJson {
  request: { method: string; query: string; statement?: string };
  response: { status: string; rowCount: number; error?: { code: string; message: string } };
}

/** Every protocol the demo speaks (docs/lab.md), as service map edges between named workloads. */
const DEMO_PROTOCOL_EDGES = ['traffic → front http', 'front → users http', 'orders → payments http2', 'front → catalog grpc', 'front → reviews graphql', 'monitor → events ws', 'orders → redis redis', 'users → postgres postgresql', 'orders → mqtt mqtt', 'mqtt → events mqtt', 'front → auth http', 'front → dns dns', 'monitor → dns dns'];

describe('the dashboard on the lab (2 nodes, demo workload, Chromium)', { skip: skip ?? false, timeout: 600_000 }, () => {
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

  it('shows HTTP/2 live: orders → payments rows, the stream, pseudo-header fields, JSON bodies and the server-timing trailer; a reset stream in words', async () => {
    const { page, problems } = await open('/');
    const { row, stored, detail } = await openLiveEntry<H2Entry>(page, hub, 'http2 && dst.pod.name == "payments" && status_code == 201', 'a charge of an order over HTTP/2', (r) => r.dst === 'payments');
    assert.deepEqual([row.abbr, row.method, row.text, row.status, row.src], ['HTTP/2', 'POST', '/charges', '201', 'orders']);
    await detail.locator('[data-section=response] [data-headers=response-trailers]').waitFor();
    assert.deepEqual(await labelled(detail.locator('[data-section=http2] [data-table=stream]')), { 'stream id': String(stored.request.streamId) });
    const pseudo = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([n]) => n.startsWith(':')));
    assert.deepEqual(await labelled(detail.locator('[data-headers=request-pseudo]')), pseudo(stored.request.headers));
    assert.equal(stored.request.headers[':authority'], 'payments:8080', 'orders calls payments by its service name');
    assert.deepEqual(await labelled(detail.locator('[data-headers=response-pseudo]')), { ':status': '201' });
    assert.match((await labelled(detail.locator('[data-headers=response-trailers]')))['server-timing']!, /^app;dur=[\d.]+$/);
    assert.equal(await detail.locator('[data-section=request] .body-json').innerText(), JSON.stringify(JSON.parse(stored.request.body!), null, 2));

    // Orders gives up on a payment held for review: its RST_STREAM CANCEL, on the row and in the detail.
    const reset = await openLiveEntry<H2Entry>(page, hub, 'http2 && summary.endsWith("reset CANCEL")', 'a charge the orders service cancelled', (r) => r.dst === 'payments');
    assert.match(reset.row.text, /^\/charges\s*reset CANCEL$/);
    await reset.detail.locator('[data-section=http2]').waitFor();
    assert.equal((await labelled(reset.detail.locator('[data-table=stream]')))['reset'], 'RST_STREAM CANCEL (no longer needed), sent by the client');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows gRPC live: front → catalog calls with their status, a stream's messages as field trees, NOT_FOUND with its message", async () => {
    const { page, problems } = await open('/');
    const list = await openLiveEntry<GrpcEntry>(page, hub, 'grpc && grpc_method == "ListItems" && grpc_status == 0', 'a ListItems stream of the catalog', (r) => r.dst === 'catalog');
    assert.deepEqual([list.row.abbr, list.row.src], ['gRPC', 'front']);
    const count = list.stored.response.grpc.messageCount;
    assert.ok(count >= 2, 'every category of the catalog holds two items or more');
    assert.match(list.row.text, new RegExp(`^/shop\\.Catalog/ListItems\\s*OK \\(1 -> ${count} messages\\)$`));
    await list.detail.locator('[data-section=grpc-response] .grpc-message').nth(count - 1).waitFor();
    assert.equal(await list.detail.locator('[data-section=grpc-response] .grpc-message').count(), count);
    assert.equal((await labelled(list.detail.locator('[data-table=call]')))['method'], 'ListItems');
    // shop.proto's Item: field 1 the SKU, 2 the name, 4 the price, all without the schema.
    const fields = (await cells(list.detail.locator('[data-section=grpc-response] [data-message="0"] .proto-tree'))).map((r) => r.join(' '));
    assert.ok(fields.some((f) => /^1 len "[a-z]+"$/.test(f)) && fields.some((f) => /^4 varint \d+$/.test(f)), fields.join('\n'));

    const missing = await openLiveEntry<GrpcEntry>(page, hub, 'grpc && grpc_status == 5', 'a GetItem of an unknown SKU', (r) => r.dst === 'catalog');
    assert.match(missing.row.text, /^\/shop\.Catalog\/GetItem\s*NOT_FOUND$/);
    await missing.detail.locator('[data-table=call]').waitFor();
    const call = await labelled(missing.detail.locator('[data-table=call]'));
    assert.deepEqual([call['status'], call['message']], ['5 NOT_FOUND', 'no item with SKU "unicorn"']);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('shows GraphQL live: front → reviews operations with their variables, and the errors of a refused review', async () => {
    const { page, problems } = await open('/');
    const query = await openLiveEntry<GqlEntry>(page, hub, 'gql && gql_operation_name == "ItemReviews"', 'a reviews query', (r) => r.dst === 'reviews');
    assert.deepEqual([query.row.abbr, query.row.method, query.row.src], ['GQL', 'POST', 'front']);
    assert.match(query.row.text, /^\/graphql\s*query ItemReviews$/);
    await query.detail.locator('[data-section=graphql] [data-part=variables]').waitFor();
    assert.deepEqual(await cells(query.detail.locator('[data-section=graphql] [data-table=operation]')), [['query'], ['ItemReviews']]);
    assert.equal(await query.detail.locator('[data-part=variables] pre').innerText(), JSON.stringify(query.stored.request.graphql.variables, null, 2));

    const refused = await openLiveEntry<GqlEntry>(page, hub, 'gql && size(gql_errors) > 0', 'a review GraphQL refused', (r) => r.dst === 'reviews');
    assert.match(refused.row.text, /mutation AddReview \(1 error\)$/);
    await refused.detail.locator('[data-section=graphql] [data-table=errors]').waitFor();
    const [error] = await cells(refused.detail.locator('[data-section=graphql] [data-table=errors]'));
    assert.match(error![0]!, /^stars must be 1 to 5, got [06]$/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows WebSocket live: monitor → events messages (a compressed snapshot, stock updates as JSON), ping and pong, the close", async () => {
    const { page, problems } = await open('/');
    const update = await openLiveEntry<WsEntry>(page, hub, `ws && ws_response_payload_data.startsWith('{"type":"stock"')`, 'a stock update of the feed', (r) => r.dst === 'events');
    assert.deepEqual([update.row.abbr, update.row.src], ['WS', 'monitor']);
    assert.match(update.row.text, /^<- text \d+ B: \{"type":"stock"/);
    await update.detail.locator('[data-section=ws-response] .body-json').waitFor();
    assert.equal(await update.detail.locator('[data-section=ws-response] .body-json').innerText(), JSON.stringify(JSON.parse(update.stored.response.body), null, 2));

    const snapshot = await openLiveEntry<WsEntry>(page, hub, 'ws && ws_response_payload_data.contains("snapshot")', "a subscriber's snapshot", (r) => r.dst === 'events');
    await snapshot.detail.locator('[data-section=ws-response] [data-table=message]').waitFor();
    assert.match((await labelled(snapshot.detail.locator('[data-section=ws-response] [data-table=message]')))['payload']!, /compressed \(permessage-deflate\)$/);

    const close = await openLiveEntry<WsEntry>(page, hub, 'ws && ws_close_code == 1000', "the monitor's close and its answer", (r) => r.dst === 'events');
    await close.detail.locator('[data-section=ws-request] [data-table=message]').waitFor();
    const sent = await labelled(close.detail.locator('[data-section=ws-request] [data-table=message]'));
    assert.deepEqual([sent['opcode'], sent['close code'], sent['reason']], ['close', '1000 normal closure', 'enough for now']);
    const ping = await openLiveEntry<WsEntry>(page, hub, 'ws && ws_opcode == "ping"', 'a ping and its pong', (r) => r.dst === 'events');
    assert.match(ping.row.text, /ping, .. pong$/);
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows DNS live: the pods' look-ups of the services' names, answered with the pods' addresses", async () => {
    const { page, problems } = await open('/');
    const name = 'events.demo.svc.cluster.local';
    const { row, detail } = await openLiveEntry(page, hub, `dns && "${name}" in dns_questions && "A" in dns_question_types`, "the monitor's look-up of the events feed", (r) => r.src === 'monitor');
    assert.deepEqual([row.abbr, row.dst], ['DNS', 'dns']);
    await detail.locator('[data-section=dns-response] [data-table=answers]').waitFor();
    const events = inventory.pods.find((p) => p.name === 'events')!;
    assert.deepEqual((await cells(detail.locator('[data-section=dns-response] [data-table=answers]'))).map((r) => [r[0], r[1], r[3]]), [[name, 'A', events.ip]]);
    assert.equal(await detail.locator('[data-section=dns-response] [data-table=header] tr', { has: page.locator('th', { hasText: /^rcode$/ }) }).locator('td').innerText(), 'NOERROR');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows Redis live: orders' commands with their keys and replies", async () => {
    const { page, problems } = await open('/');
    const { row, stored, detail } = await openLiveEntry<RedisEntry>(page, hub, 'redis && redis_command.startsWith("SET orders:")', "an order stored by orders", (r) => r.src === 'orders');
    assert.deepEqual([row.abbr, row.method, row.dst], ['Redis', 'SET', 'redis']);
    assert.match(stored.request.key ?? '', /^orders:\d+$/);
    assert.ok(row.text.startsWith(stored.request.key!), `the key as the row's path: ${row.text}`);
    const command = detail.locator('[data-section=redis-command] [data-table=message]');
    await command.waitFor();
    assert.deepEqual([(await labelled(command))['command'], (await labelled(command))['key']], ['SET', stored.request.key]);
    assert.equal((await labelled(detail.locator('[data-section=redis-reply] [data-table=message]')))['status'], 'ok');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows PostgreSQL live: users' prepared statement with its rows, and the failing one with its SQLSTATE", async () => {
    const { page, problems } = await open('/');
    const found = await openLiveEntry<PostgresqlEntry>(page, hub, 'postgresql && postgresql_query.contains("WHERE id = $1")', "a user looked up by users", (r) => r.src === 'users');
    assert.deepEqual([found.row.abbr, found.row.method, found.row.dst], ['PGSQL', 'SELECT', 'postgres']);
    assert.equal(found.stored.request.query, 'SELECT id, name FROM users WHERE id = $1');
    const request = found.detail.locator('[data-section=postgresql-request] [data-table=request]');
    await request.waitFor();
    assert.equal((await labelled(request))['method'], 'SELECT');
    assert.ok(found.stored.response.rowCount <= 1, 'one user at most');
    await page.context().close();
    const failing = await open('/');
    const failed = await openLiveEntry<PostgresqlEntry>(failing.page, hub, 'postgresql && postgresql_error_code == "42P01"', 'the statement of /fail', (r) => r.src === 'users');
    assert.equal(failed.stored.request.query, 'SELECT * FROM user_audit');
    assert.equal(failed.stored.response.status, 'error');
    const answer = await labelled(failed.detail.locator('[data-section=postgresql-response] [data-table=response]'));
    assert.equal(answer['status'], 'error');
    assert.deepEqual([...problems, ...failing.problems], []);
    await failing.page.context().close();
  });

  it("shows HTTPS decrypted live: front → auth logins as HTTP rows from the TLS tracer, never as the connection's encrypted stream; the status bar's tracers on, the processes hooked", async () => {
    const { page, problems } = await open('/');
    const login = await openLiveEntry<DecryptedHttpEntry>(page, hub, 'http && dst.pod.name == "auth" && capture_source == "ebpf_tls" && status_code == 201', 'a login the TLS tracer decrypted', (r) => r.dst === 'auth');
    assert.deepEqual([login.row.abbr, login.row.method, login.row.status, login.row.src], ['HTTP', 'POST', '201', 'front']);
    assert.match(login.row.text, /^\/v1\/tokens/);
    const { stored, detail } = login;
    assert.deepEqual([stored.capture, stored.dst.ip, stored.dst.port], ['ebpf_tls', inventory.pods.find((p) => p.name === 'auth')!.ip, 8443]);
    assert.equal(stored.request.headers['host'], 'auth:8443', 'the front calls auth by its service name, over TLS');
    assert.match(JSON.parse(stored.response.body!).token, /^[0-9a-f]{32}$/);
    // The detail: where the entry came from, and the plaintext bodies both ways.
    assert.match((await labelled(detail.locator('[data-section=general] table')))['capture']!, /^ebpf_tls on node-\d, worker node-\d$/);
    await detail.locator('[data-section=response] .body-json').waitFor();
    assert.equal(await detail.locator('[data-section=request] .body-json').innerText(), JSON.stringify(JSON.parse(stored.request.body!), null, 2));
    assert.equal(await detail.locator('[data-section=response] .body-json').innerText(), JSON.stringify(JSON.parse(stored.response.body!), null, 2));

    // The only TLS of the lab is front → auth: every connection the tracers have seen so far,
    // this login's among them, is one whose encrypted stream each node also captured. Once each
    // worker has left out as many encrypted entries as it saw connections (a long-lived
    // connection's TLS entry is made 30 s after its handshake), none is in the hub's history.
    const tracers = async () => new Map((await hubStatus(hub)).workers.map((w) => [w.name, w.tls?.counters]));
    const seen = await tracers();
    assert.ok([...seen.values()].every((c) => c !== undefined && c.connections >= 1), JSON.stringify([...seen]));
    await waitFor('each worker to leave out the encrypted entries of the connections it decrypted', async () => {
      const now = await tracers();
      return [...seen].every(([name, c]) => (now.get(name)?.encryptedEntriesHidden ?? 0) >= c!.connections) ? true : undefined;
    }, 90_000);
    const encrypted = await hubHistory(hub, { q: '(tls || tcp) && ((src.pod.name == "front" && dst.pod.name == "auth") || (src.pod.name == "auth" && dst.pod.name == "front"))', from: upAt });
    assert.deepEqual([encrypted.entries, encrypted.unavailable], [[], {}], 'no encrypted entry between front and auth');
    const connection = await hubHistory(hub, { q: `src.ip == "${stored.src.ip}" && src.port == ${stored.src.port} && dst.port == 8443`, from: upAt });
    assert.ok(connection.entries.some((e) => e.id === stored.id), "the login among its connection's entries");
    assert.deepEqual([...new Set(connection.entries.map((e) => `${e.protocol.name} ${(e as DecryptedHttpEntry).capture}`))], ['http ebpf_tls'], 'its connection, only decrypted');

    // The status bar: both nodes' tracers on; each worker's line, with the processes it hooked.
    const item = page.getByTestId('tls');
    assert.match(await item.innerText(), /^TLS: 2\/2 nodes, [\d.]+ (B|KiB|MiB) decrypted$/);
    assert.doesNotMatch((await item.getAttribute('class')) ?? '', /tls-trouble/);
    const title = (await item.getAttribute('title')) ?? '';
    for (const node of ['node-1', 'node-2']) {
      const line = new RegExp(`^${node}: TLS on: (\\d+) process(?:es)? hooked in (\\d+) pods?, .+ read$`, 'm').exec(title);
      assert.ok(line !== null && Number(line[1]) >= 1 && Number(line[2]) >= 1, title);
    }
    await page.getByTestId('workers').click();
    assert.deepEqual((await page.getByTestId('worker-tls').allInnerTexts()).map((t) => t.replace(/:.*/s, '')), ['TLS on', 'TLS on']);
    // Behind it, the hub's status: the front's and auth's Node processes hooked in the node binary, their plaintext read.
    const pods = (await hubStatus(hub)).workers.flatMap((w) => w.tls?.pods ?? []);
    for (const name of ['demo/front', 'demo/auth']) {
      const pod = pods.find((p) => p.pod === name);
      assert.ok(pod !== undefined && pod.hookedProcesses >= 1 && pod.libraries.some((l) => /\/node$/.test(l)) && pod.bytes > 0, `${name}: ${JSON.stringify(pod)}`);
    }
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it("shows MQTT live: orders announcing a paid order at QoS 1, acknowledged by the broker", async () => {
    const { page, problems } = await open('/');
    const { row, stored, detail } = await openLiveEntry<MqttEntry>(page, hub, 'mqtt && mqtt_topic == "shop/orders/created"', 'an order orders announced', (r) => r.src === 'orders');
    assert.deepEqual([row.abbr, row.method, row.dst], ['MQTT', 'PUBLISH', 'mqtt']);
    assert.deepEqual([stored.request.topic, stored.request.qos], ['shop/orders/created', 1]);
    const publish = detail.locator('[data-section=mqtt-request] [data-table=message]');
    await publish.waitFor();
    const fields = await labelled(publish);
    assert.deepEqual([fields['topic'], fields['QoS']], ['shop/orders/created', '1']);
    assert.equal((await labelled(detail.locator('[data-section=mqtt-response] [data-table=message]')))['type'], 'PUBACK');
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  it('draws every protocol of the demo on the service map as the hub has it: HTTP, HTTP/2, gRPC, GraphQL, WebSocket, DNS, Redis, PostgreSQL and MQTT', async () => {
    // All protocols over a closed window: the page and the test ask the hub the same question.
    const to = Date.now() - 5000;
    const range = `from=${Math.max(upAt, to - 120_000)}&to=${to}`;
    const { page, problems } = await open(`/?view=map&${range}`);
    await page.locator('[data-edge]').first().waitFor();
    const answer = await getJson<{ nodes: { id: string; name: string }[]; edges: { source: string; target: string; protocol: string; count: number }[] }>(`${hub}/servicemap?${range}`);
    const name = new Map(answer.nodes.map((n) => [n.id, n.name]));
    const drawn = (await page.locator('[data-edge]').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-source')} → ${el.getAttribute('data-target')} ${el.getAttribute('data-protocol')} ×${el.getAttribute('data-count')}`))).sort();
    assert.deepEqual(drawn, answer.edges.map((e) => `${e.source} → ${e.target} ${e.protocol} ×${e.count}`).sort());
    const named = answer.edges.map((e) => `${name.get(e.source)} → ${name.get(e.target)} ${e.protocol}`);
    for (const edge of DEMO_PROTOCOL_EDGES) assert.ok(named.includes(edge), `${edge} among ${named.join(', ')}`);
    for (const pod of ['demo/catalog', 'demo/payments', 'demo/reviews', 'demo/events', 'demo/monitor', 'demo/redis', 'demo/postgres', 'demo/mqtt', 'demo/auth', 'kube-system/dns']) await page.locator(`[data-node="${pod}"]`).waitFor();
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
