/**
 * A team's sign-in end to end, nothing stood in for: a real OpenID provider (oidc-provider, its
 * own login and consent pages; helpers/openid-provider.ts), `shoal front --auth oidc` with a roles
 * file, a real hub with the same identity key (`--identity-key-file`), and a real worker that
 * replays two fixture captures made by real peers: Redis between two pods of namespace `shop`,
 * PostgreSQL between two pods of namespace `bank`. Alice (group shop-devs, role: namespace shop)
 * signs in in Chromium and gets only shop's entries, in the feed and in every call the dashboard
 * makes with her session: history, an entry's detail (bank's is not found), the service map, the
 * statistics and the PCAP export, whose packets tshark reads: Redis's connection only. Bob (group
 * ops, admin of every namespace) gets both. Skipped without Debian's chromium or tshark.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Workload } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import { startHub, type RunningHub } from '@shoal/hub';
import { ReplaySource, startWorker, type RunningWorker } from '@shoal/worker';
import type { Browser, Page } from 'playwright-core';
import { pino } from 'pino';
import { dashboardDir } from '../dist/front/dashboard-files.js';
import { startFront, type RunningFront } from '../dist/front/front-server.js';
import { browserUnavailable, launchBrowser } from './helpers/browser.js';
import { tsharkUnavailable } from './helpers/merged-pcap.js';
import { startOpenIdProvider, TEAM_ROLES, type OpenIdProvider } from './helpers/openid-provider.js';
import { REPO_ROOT } from './helpers/run-shoal.js';

const skip = browserUnavailable() ?? tsharkUnavailable() ?? false;

const FIXTURES = 'packages/dissect/test/fixtures';
/** Redis between 10.244.92.1 (client) and .2; PostgreSQL between 10.244.91.1 (client) and .2. */
const SHOP_CAPTURE = path.join(REPO_ROOT, FIXTURES, 'redis/cli.pcap');
const BANK_CAPTURE = path.join(REPO_ROOT, FIXTURES, 'postgresql/node-md5.pcap');
const NAMES: Record<string, Workload> = {
  '10.244.92.1': { pod: 'shop-web', namespace: 'shop' },
  '10.244.92.2': { pod: 'shop-cache', namespace: 'shop' },
  '10.244.91.1': { pod: 'bank-api', namespace: 'bank' },
  '10.244.91.2': { pod: 'bank-db', namespace: 'bank' },
};
const HUB_TOKEN = 'the hub token, which the OIDC front never holds';
const quiet = pino({ level: 'silent' });

interface Side {
  ip: string;
  namespace?: string;
}
interface Json {
  id: string;
  stream: string;
  src: Side;
  dst: Side;
  protocol: { name: string };
}

const inShop = (e: Json): boolean => e.src.namespace === 'shop' || e.dst.namespace === 'shop';

describe('OIDC sign-in scopes what the dashboard shows (real provider, front, hub and worker; Chromium)', { skip, timeout: 240_000 }, () => {
  const identityKey = randomBytes(32);
  let dir: string;
  let provider: OpenIdProvider;
  let worker: RunningWorker;
  let hub: RunningHub;
  let front: RunningFront;
  let browser: Browser;
  /** Every stored entry, as the hub's token sees them. */
  let all: Json[];

  /** GET on the hub with its token: everything, unscoped. */
  async function asAdminToken(pathAndQuery: string): Promise<{ entries: Json[] }> {
    const res = await fetch(`http://127.0.0.1:${hub.port}${pathAndQuery}`, { headers: { authorization: `Bearer ${HUB_TOKEN}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as { entries: Json[] };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-oidc-scope-'));
    const source = new ReplaySource({ keepTimestamps: true });
    worker = await startWorker({ port: 0, host: '127.0.0.1', interface: 'any', source, dataDir: dir, storageLimitBytes: 64 << 20, nodeName: 'node-a', nodeIp: '10.0.0.1', logger: quiet, wallClock: false });
    hub = await startHub({ port: 0, host: '127.0.0.1', workers: [{ name: 'node-a', host: '127.0.0.1', port: worker.port }], workerToken: worker.token, token: HUB_TOKEN, identityKey, logger: quiet });
    worker.core.resolution.replace(NAMES);
    worker.core.setTargets([
      { ip: '10.244.92.1', name: 'shop-web', namespace: 'shop' },
      { ip: '10.244.91.1', name: 'bank-api', namespace: 'bank' },
    ]);
    await source.play(SHOP_CAPTURE);
    await source.play(BANK_CAPTURE);
    worker.core.pipeline.finish();
    provider = await startOpenIdProvider();
    front = await startFront({
      port: 0,
      host: '127.0.0.1',
      hubUrl: `http://127.0.0.1:${hub.port}`,
      dir: dashboardDir(),
      oidc: { issuer: new URL(provider.issuer), clientId: 'shoal', clientSecret: 'shoal-secret', scopes: 'openid email profile groups', roles: TEAM_ROLES, identityKey },
      log: quiet,
    });
    provider.addClient({ clientId: 'shoal', clientSecret: 'shoal-secret', front: front.url });
    all = (await waitFor('the hub to list the replayed entries', async () => {
      const page = await asAdminToken('/entries?q=&limit=1000');
      return page.entries.some((e) => e.protocol.name === 'redis') && page.entries.some((e) => e.protocol.name === 'postgresql') ? page : undefined;
    })).entries;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await front?.close();
    await provider?.close();
    await hub?.close();
    await worker?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser (no cookie) signed in as `user` at the provider's own pages, on the dashboard's feed. */
  async function signedIn(user: string): Promise<Page> {
    const context = await browser.newContext();
    // Loopback only: the provider's pages link web fonts.
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(front.url);
    await page.waitForURL((url) => url.origin !== front.url);
    await page.locator('input[name=login]').fill(user);
    await page.locator('input[name=password]').fill('any password: the test provider takes it');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === front.url);
    return page;
  }

  /** GET `p` from the page, with its session, as the dashboard's own calls go: status and body. */
  const fromPage = (page: Page, p: string): Promise<{ status: number; body: { entries: Json[] } & Record<string, unknown> }> =>
    page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, body: (await res.json().catch(() => null)) as { entries: Json[] } & Record<string, unknown> };
    }, p);

  /** The feed's rows, once it shows exactly `count` of them: their entry ids. */
  async function feedIds(page: Page, count: number): Promise<string[]> {
    const rows = page.locator('.row[data-id]');
    await rows.nth(count - 1).waitFor();
    await rows.nth(count).waitFor({ state: 'detached' });
    return (await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''))).sort();
  }

  /** The PCAP export of everything the user may see, through the page's session, read by tshark: each packet's addresses. */
  async function pcapAddresses(page: Page, name: string): Promise<string[]> {
    const bytes = await page.evaluate(async () => {
      const res = await fetch(`/api/pcap?q=&from=0&to=${Date.now()}`);
      if (res.status !== 200) throw new Error(`GET /api/pcap: ${res.status} ${await res.text()}`);
      return Array.from(new Uint8Array(await res.arrayBuffer()));
    });
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.from(bytes));
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst'], { encoding: 'utf8' });
    return [...new Set(out.trim().split('\n').flatMap((l) => l.split('\t')))].sort();
  }

  it('the fixtures give entries of both namespaces (else the scoping below would prove nothing)', () => {
    const shop = all.filter(inShop);
    assert.ok(shop.length > 0 && shop.length < all.length, `${shop.length} of ${all.length} in shop`);
    assert.ok(all.filter((e) => !inShop(e)).every((e) => e.src.namespace === 'bank' && e.protocol.name === 'postgresql'));
  });

  it('alice (shop-devs) sees shop only: feed, history, detail, map, stats and PCAP', async () => {
    const page = await signedIn('alice');
    const shop = all.filter(inShop);
    const bank = all.filter((e) => !inShop(e));
    assert.deepEqual(await feedIds(page, shop.length), shop.map((e) => e.id).sort());

    const history = await fromPage(page, '/api/entries?q=&limit=1000');
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.entries.map((e) => e.id).sort(), shop.map((e) => e.id).sort());
    assert.equal((await fromPage(page, `/api/entries/${encodeURIComponent(shop[0]!.id)}`)).status, 200);
    const hidden = await fromPage(page, `/api/entries/${encodeURIComponent(bank[0]!.id)}`);
    assert.equal(hidden.status, 404, 'a bank entry is not found for alice');

    const range = `q=&from=0&to=${Date.now() + 60_000}`;
    const map = await fromPage(page, `/api/servicemap?${range}`);
    assert.equal(map.status, 200);
    const mapText = JSON.stringify(map.body);
    assert.match(mapText, /shop-web/);
    assert.doesNotMatch(mapText, /bank-api|bank-db/);
    const stats = await fromPage(page, `/api/stats?${range}`);
    assert.equal(stats.status, 200);
    const statsText = JSON.stringify(stats.body);
    assert.match(statsText, /redis/i);
    assert.doesNotMatch(statsText, /postgresql/i);

    assert.deepEqual(await pcapAddresses(page, 'alice.pcap'), ['10.244.92.1', '10.244.92.2']);
    await page.context().close();
  });

  it('bob (ops, an admin of every namespace) sees both', async () => {
    const page = await signedIn('bob');
    // More rows than the feed draws at once: bank's alone, through the dashboard's own query.
    const bank = all.filter((e) => !inShop(e));
    await page.goto(`${front.url}/?q=${encodeURIComponent('src.namespace == "bank"')}`);
    assert.deepEqual(await feedIds(page, bank.length), bank.map((e) => e.id).sort());
    const history = await fromPage(page, '/api/entries?q=&limit=1000');
    assert.deepEqual(history.body.entries.map((e) => e.id).sort(), all.map((e) => e.id).sort());
    const stats = await fromPage(page, `/api/stats?q=&from=0&to=${Date.now() + 60_000}`);
    assert.match(JSON.stringify(stats.body), /postgresql/i);
    assert.deepEqual(await pcapAddresses(page, 'bob.pcap'), ['10.244.91.1', '10.244.91.2', '10.244.92.1', '10.244.92.2']);
    await page.context().close();
  });
});
