/**
 * The hub scopes every answer to its caller (docs/security.md, "Who sees what"): two real workers
 * (helpers/cluster.ts) hold real HTTP/1 exchanges (the keep-alive fixture, moved onto pod
 * addresses by helpers/spread-capture.ts) of pods in two namespaces, `shop` and `bank`, both
 * calling `db-1` in `data`; the hub pushes them the names, so the workers name every entry. A user
 * whose signed identity assertion (the front's, made here with the model's signIdentity) names
 * `shop` gets only the entries with a side in `shop`, in every view; an admin's assertion and the
 * hub's token get everything; a forged, altered or expired assertion, or one sent to a hub
 * without a key, is refused with 401, on REST and on /ws, with an audit line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { waitFor } from '@shoal/testkit';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@shoal/model/http';
import type { ResolutionPatch, Workload } from '@shoal/model';
import { startHub, type NameLookup, type Pod } from '../dist/index.js';
import { allUp, FIXTURES, getJson, startCluster, type Cluster, type Json } from './helpers/cluster.js';
import { FeedSocket } from './helpers/feed-socket.js';
import { FixedPods } from './helpers/fixed-pods.js';
import { writeSpreadCapture } from './helpers/spread-capture.js';

const SHOP_IP = '10.1.0.1';
const BANK_IP = '10.2.0.1';
const DB_IP = '10.9.0.9';
const NAMES: Record<string, Workload> = {
  [SHOP_IP]: { pod: 'shop-1', namespace: 'shop' },
  [BANK_IP]: { pod: 'bank-1', namespace: 'bank' },
  [DB_IP]: { pod: 'db-1', namespace: 'data' },
};
const TARGETS = [
  { ip: SHOP_IP, name: 'shop-1', namespace: 'shop' },
  { ip: BANK_IP, name: 'bank-1', namespace: 'bank' },
];
const PODS: Pod[] = [
  { name: 'shop-1', namespace: 'shop', ip: SHOP_IP, node: 'node-a' },
  { name: 'bank-1', namespace: 'bank', ip: BANK_IP, node: 'node-b' },
];
const HUB_TOKEN = 'hub-client-token';
/** Each capture: copies of the keep-alive connection (4 exchanges, 16 packets), one per port. */
const CAPTURES = [
  { worker: 0, client: SHOP_IP, ports: [21_001, 21_002] },
  { worker: 1, client: BANK_IP, ports: [22_001, 22_002] },
  { worker: 1, client: SHOP_IP, ports: [23_001] },
];
const SHOP_STREAMS = 3;
const SHOP_ENTRIES = SHOP_STREAMS * FIXTURES.keepAlive.entries;
const ALL_ENTRIES = 5 * FIXTURES.keepAlive.entries;

const SHOP_USER: Identity = { subject: 'alice', name: 'alice@example.test', groups: ['shop-devs'], namespaces: ['shop'], admin: false };
const ADMIN: Identity = { subject: 'root', groups: ['ops'], namespaces: '*', admin: true };

const inShop = (e: Json): boolean => e.src.namespace === 'shop' || e.dst.namespace === 'shop';

/** tshark's view of a pcap: each packet's two IPv4 addresses. Asynchronous: the hub and the workers share this process. */
async function tsharkAddresses(file: string): Promise<string[][]> {
  const { stdout } = await promisify(execFile)('tshark', ['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.stream'], { encoding: 'utf8' });
  return stdout.trim().split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** The HTTP status a /ws upgrade is refused with (0 if it opened). */
function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?q=`, { headers });
    ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), res.resume(), ws.terminate()));
    ws.on('open', () => (resolve(0), ws.terminate()));
    ws.on('error', () => undefined);
  });
}

describe('hub scopes every route to the caller\'s namespaces', { timeout: 120_000 }, () => {
  let c: Cluster;
  let dir: string;
  const key = randomBytes(32);
  const logLines: Json[] = [];
  const pods = new FixedPods(PODS);
  const names: NameLookup = { namesAt: (ip) => NAMES[ip], current: () => NAMES, onPatch: (_l: (patch: ResolutionPatch) => void) => () => undefined };
  const as = (identity: Identity): Record<string, string> => ({ [IDENTITY_HEADER]: signIdentity(key, identity) });
  const token = { authorization: `Bearer ${HUB_TOKEN}` };
  const entriesOf = async (headers: Record<string, string>, q = ''): Promise<Json[]> => {
    const r = await getJson(c.hubBase, `/entries?q=${encodeURIComponent(q)}&limit=1000`, headers);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.entries;
  };
  let shopLive: FeedSocket;
  let adminLive: FeedSocket;

  before(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'shoal-hub-scope-'));
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    c = await startCluster(['node-a', 'node-b'], { names, pods, token: HUB_TOKEN, identityKey: key, logger }, { targets: TARGETS });
    await allUp(c);
    for (const w of c.workers) {
      await waitFor(`worker ${w.name} to hold the hub's names`, async () => (await getJson(`http://127.0.0.1:${w.port}`, '/stats', { authorization: `Bearer ${c.token}` })).body.resolution === Object.keys(NAMES).length);
    }
    shopLive = new FeedSocket(c.hub.port, '?q=', as(SHOP_USER));
    adminLive = new FeedSocket(c.hub.port, '?q=', as(ADMIN));
    await shopLive.ready();
    await adminLive.ready();
    for (const [i, capture] of CAPTURES.entries()) {
      const path = join(dir, `capture-${i}.pcap`);
      writeSpreadCapture(FIXTURES.keepAlive.path, path, { copies: capture.ports.length, group: 1, startMs: 0, stepMs: 100, port: (k) => capture.ports[k]!, client: capture.client, server: DB_IP });
      await c.workers[capture.worker]!.play(path);
    }
    await waitFor('the workers to store every entry', () => c.workers[0]!.stored() + c.workers[1]!.stored() === ALL_ENTRIES);
  });
  after(async () => {
    await shopLive?.close();
    await adminLive?.close();
    await c?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('live feed: the shop user gets only entries with a side in shop, the other side\'s name kept', async () => {
    await adminLive.until(() => adminLive.entries.length >= ALL_ENTRIES, 'every entry for the admin');
    await shopLive.until(() => shopLive.entries.length >= SHOP_ENTRIES, 'the shop entries');
    assert.equal(adminLive.entries.length, ALL_ENTRIES);
    assert.ok(shopLive.entries.every(inShop), 'only shop');
    assert.ok(shopLive.entries.every((e) => e.dst.pod === 'db-1' && e.dst.namespace === 'data'), 'the other side keeps its name');
    assert.equal((await shopLive.ready()).filter, '', 'ready names the filter as the client sent it');
  });

  it('live feed with since (history replay): only shop entries, then ready', async () => {
    const replay = new FeedSocket(c.hub.port, '?q=&since=0', as(SHOP_USER));
    try {
      await replay.ready();
      assert.equal(replay.entries.length, SHOP_ENTRIES);
      assert.ok(replay.entries.every(inShop));
      replay.send({ filter: 'src.namespace == "bank"', since: 0 });
      assert.equal((await replay.ready(2)).filter, 'src.namespace == "bank"');
      assert.equal(replay.entries.length, SHOP_ENTRIES, 'a new subscription asking for bank replays nothing');
    } finally {
      await replay.close();
    }
  });

  it('history: the shop user\'s pages hold only shop; the admin and the token see everything', async () => {
    const shop = await entriesOf(as(SHOP_USER));
    assert.equal(shop.length, SHOP_ENTRIES);
    assert.ok(shop.every(inShop));
    assert.equal((await entriesOf(as(ADMIN))).length, ALL_ENTRIES);
    assert.equal((await entriesOf(token)).length, ALL_ENTRIES);
    const filtered = await entriesOf(as(SHOP_USER), 'src.namespace == "bank" || true');
    assert.equal(filtered.length, SHOP_ENTRIES, 'a filter cannot widen the scope');
  });

  it('detail: an entry out of scope is 404 exactly as an unknown one; the stream\'s entries too', async () => {
    const all = await entriesOf(token);
    const bank = all.find((e) => e.src.namespace === 'bank');
    const shop = all.find(inShop);
    const shopView = await getJson(c.hubBase, `/entries/${encodeURIComponent(shop.id)}`, as(SHOP_USER));
    assert.equal(shopView.status, 200);
    assert.equal(shopView.body.id, shop.id);
    const hidden = await getJson(c.hubBase, `/entries/${encodeURIComponent(bank.id)}`, as(SHOP_USER));
    const unknownId = `${bank.id.split('/').slice(0, 2).join('/')}/999999999`;
    const unknown = await getJson(c.hubBase, `/entries/${encodeURIComponent(unknownId)}`, as(SHOP_USER));
    assert.equal(hidden.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(hidden.body.error.code, unknown.body.error.code);
    assert.equal(hidden.body.error.message, unknown.body.error.message.replace(unknownId, bank.id));
    assert.equal((await getJson(c.hubBase, `/entries/${encodeURIComponent(bank.id)}`, as(ADMIN))).status, 200);
    assert.equal((await entriesOf(as(SHOP_USER), `stream == "${bank.stream}"`)).length, 0, 'the bank stream\'s entries are hidden');
    assert.equal((await entriesOf(as(SHOP_USER), `stream == "${shop.stream}"`)).length, FIXTURES.keepAlive.entries);
    assert.equal((await entriesOf(as(ADMIN), `stream == "${bank.stream}"`)).length, FIXTURES.keepAlive.entries);
  });

  it('service map and stats are computed from visible entries only', async () => {
    const map = await getJson(c.hubBase, '/servicemap', as(SHOP_USER));
    assert.equal(map.status, 200);
    assert.deepEqual(map.body.nodes.map((n: Json) => n.id).sort(), ['data/db-1', 'shop/shop-1']);
    assert.equal(map.body.edges.reduce((n: number, e: Json) => n + e.count, 0), SHOP_ENTRIES);
    const adminMap = await getJson(c.hubBase, '/servicemap', as(ADMIN));
    assert.deepEqual(adminMap.body.nodes.map((n: Json) => n.id).sort(), ['bank/bank-1', 'data/db-1', 'shop/shop-1']);
    const count = (body: Json): number => body.buckets.reduce((n: number, b: Json) => n + Object.values(b.protocols).reduce((m: number, p: Json) => m + p.count, 0), 0);
    const stats = await getJson(c.hubBase, '/stats', as(SHOP_USER));
    assert.equal(stats.status, 200);
    assert.equal(count(stats.body), SHOP_ENTRIES);
    assert.equal(count((await getJson(c.hubBase, '/stats', token)).body), ALL_ENTRIES);
  });

  it('PCAP: tshark finds only the shop streams in the shop user\'s file, by filter and by ids', async () => {
    const download = async (query: string, headers: Record<string, string>, name: string): Promise<{ status: number; packets: string[][]; streams: string | null }> => {
      const res = await fetch(`${c.hubBase}/pcap?${query}`, { headers });
      const file = join(dir, name);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      return { status: res.status, packets: res.status === 200 ? await tsharkAddresses(file) : [], streams: res.headers.get('x-shoal-streams') };
    };
    const shop = await download('q=', as(SHOP_USER), 'shop.pcap');
    assert.equal(shop.status, 200);
    assert.equal(shop.streams, String(SHOP_STREAMS));
    assert.equal(shop.packets.length, SHOP_STREAMS * FIXTURES.keepAlive.packets);
    assert.ok(shop.packets.every(([src, dst]) => src === SHOP_IP || dst === SHOP_IP), 'only shop packets');
    const admin = await download('q=', as(ADMIN), 'admin.pcap');
    assert.equal(admin.packets.length, 5 * FIXTURES.keepAlive.packets);
    assert.ok(admin.packets.some(([src]) => src === BANK_IP));

    const all = await entriesOf(token);
    const bank = all.find((e) => e.src.namespace === 'bank');
    const shopEntry = all.find((e) => e.src.namespace === 'shop');
    const byIds = await download(`ids=${encodeURIComponent(`${bank.id},${shopEntry.id}`)}`, as(SHOP_USER), 'ids.pcap');
    assert.equal(byIds.status, 200);
    assert.equal(byIds.packets.length, FIXTURES.keepAlive.packets, 'the shop entry\'s stream alone');
    assert.ok(byIds.packets.every(([src, dst]) => src === SHOP_IP || dst === SHOP_IP));
    assert.equal((await download(`ids=${encodeURIComponent(bank.id)}`, as(SHOP_USER), 'bank.pcap')).status, 404, 'as an unknown id');
    assert.equal((await download(`ids=${encodeURIComponent(bank.id)}`, token, 'bank-token.pcap')).packets.length, FIXTURES.keepAlive.packets);
    const shopAdmin: Identity = { ...SHOP_USER, admin: true };
    assert.equal((await download(`ids=${encodeURIComponent(bank.id)}`, as(shopAdmin), 'bank-admin.pcap')).packets.length, FIXTURES.keepAlive.packets, 'an admin downloads PCAP of everything');
    assert.equal((await entriesOf(as(shopAdmin))).length, SHOP_ENTRIES, 'while its views keep its namespaces');
  });

  it('status: every node with its state; only the live queries of the caller\'s own scope', async () => {
    const shop = await getJson(c.hubBase, '/status', as(SHOP_USER));
    assert.equal(shop.status, 200);
    assert.deepEqual(shop.body.workers.map((w: Json) => [w.name, w.up]), [['node-a', true], ['node-b', true]]);
    assert.deepEqual(shop.body.feed.queries.map((q: Json) => q.filter), [''], 'its own query, as it sent it');
    const admin = await getJson(c.hubBase, '/status', as(ADMIN));
    assert.equal(admin.body.feed.queries.length, 2, 'the admin sees both queries');
  });

  it('targets: the shop user sees its pods and may not change them (403, audited); an admin may (audited)', async () => {
    const view = await getJson(c.hubBase, '/targets', as(SHOP_USER));
    assert.equal(view.status, 200);
    const selection = { podRegex: '.*', namespaces: [], excludedNamespaces: [] };
    const put = (headers: Record<string, string>) => fetch(`${c.hubBase}/targets`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(selection) });
    const refused = await put(as(SHOP_USER));
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as Json).error.code, 'HUB_ERR_FORBIDDEN');
    assert.ok(logLines.some((l) => l.audit === 'refused' && l.subject === 'alice' && l.request === 'PUT /targets'), 'the refusal is audited with who asked');
    assert.equal((await put(as(ADMIN))).status, 200);
    const changed = logLines.find((l) => l.audit === 'targets-changed');
    assert.equal(changed?.subject, 'root');
    assert.deepEqual(changed?.new, selection);
    assert.equal(changed?.old, null);
    const shopPods = (await getJson(c.hubBase, '/targets', as(SHOP_USER))).body.pods;
    assert.deepEqual(shopPods.map((p: Json) => p.name), ['shop-1']);
    assert.deepEqual((await getJson(c.hubBase, '/targets', token)).body.pods.map((p: Json) => p.name).sort(), ['bank-1', 'shop-1']);
  });

  it('refuses a forged, altered or expired assertion with 401 and its reason, on REST and on /ws, audited without the assertion', async () => {
    const forged = signIdentity(randomBytes(32), ADMIN);
    const good = signIdentity(key, SHOP_USER);
    const [h, , s] = good.split('.');
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString()), ns: '*' })).toString('base64url')}.${s}`;
    const expired = signIdentity(key, SHOP_USER, Date.now() - 10 * 60_000);
    const cases: [string, string, RegExp][] = [
      ['forged', forged, /wrong signature/],
      ['altered', altered, /wrong signature/],
      ['expired', expired, /expired/],
      ['garbage', 'not-a-jws', /not a compact JWS/],
    ];
    for (const [what, assertion, reason] of cases) {
      const headers = { [IDENTITY_HEADER]: assertion, ...token };
      const r = await getJson(c.hubBase, '/entries', headers);
      assert.equal(r.status, 401, `${what}: REST`);
      assert.equal(r.body.error.code, 'HUB_ERR_UNAUTHORIZED');
      assert.match(r.body.error.message, reason, what);
      assert.equal(await upgradeStatus(c.hub.port, headers), 401, `${what}: /ws, even with the token beside it`);
    }
    const refusals = logLines.filter((l) => l.audit === 'refused' && /identity assertion/.test(l.why));
    assert.ok(refusals.length >= 2 * cases.length, 'each refusal is an audit line');
    const logText = JSON.stringify(logLines);
    for (const [, assertion] of cases) assert.ok(!logText.includes(assertion), 'no assertion in the log');
    assert.ok(!logText.includes(HUB_TOKEN), 'no token in the log');
  });

  it('a hub started without --identity-key-file refuses an assertion (401), and still takes its token', async () => {
    const bare = await startHub({
      port: 0, host: '127.0.0.1', token: HUB_TOKEN, logger: pino({ level: 'silent' }),
      workers: c.workers.map((w) => ({ name: w.name, host: '127.0.0.1', port: w.port })), workerToken: c.token,
    });
    try {
      const base = `http://127.0.0.1:${bare.port}`;
      const r = await getJson(base, '/status', as(ADMIN));
      assert.equal(r.status, 401);
      assert.match(r.body.error.message, /not given an identity key \(--identity-key-file\)/);
      assert.equal(await upgradeStatus(bare.port, as(ADMIN)), 401);
      assert.equal((await getJson(base, '/status', token)).status, 200);
    } finally {
      await bare.close();
    }
  });
});
