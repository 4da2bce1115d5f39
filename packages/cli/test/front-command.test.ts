/**
 * `shoal front`: the dashboard's files, its sign-in, and /api passed to a real hub (`shoal view`
 * over a capture file), the WebSocket included, for signed-in users only. Also what it refuses:
 * a page of another origin, a Host that is not its own (DNS rebinding), paths out of the
 * dashboard sent as raw bytes; an https hub reached over TLS; a hub that is not there gets
 * FRONT_ERR_HUB, not a hang.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { closedPort } from './helpers/closed-port.js';
import { fixture, golden } from './helpers/fixtures.js';
import { signIn, type SignedIn } from './helpers/front-session.js';
import { rawRequest } from './helpers/raw-http.js';
import { describeRun, REPO_ROOT, shoal, SHOAL_BIN } from './helpers/run-shoal.js';
import { collectEntries, ServingShoal } from './helpers/serving-shoal.js';

const KEEP_ALIVE = fixture('keep-alive.pcap');
const expected = golden('keep-alive.pcap').entries;
const BANNER = /the dashboard on (http:\/\/\S+)/;
const isRoot = process.getuid?.() === 0;

/** The status a WebSocket upgrade gets: 101 when it opens, else the refusal's status and body. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => reject(err));
  });
}

const errorCode = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

describe('shoal front', () => {
  let view: ServingShoal;
  let front: ServingShoal;
  let hub = '';
  let link = '';
  let user: SignedIn;
  let base = '';
  let port = 0;

  before(async () => {
    view = new ServingShoal(['view', KEEP_ALIVE, '--port', '0', '--front-port', '0']);
    hub = await view.hubUrl();
    front = new ServingShoal(['front', '--port', '0', '--hub', hub]);
    link = await front.printed(BANNER, 'the dashboard banner');
    user = await signIn(link);
    base = user.base;
    port = Number(new URL(base).port);
  });
  after(async () => {
    await front?.stop();
    await view?.stop();
  });

  it('prints a sign-in link carrying a token made for this run', async () => {
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const again = new ServingShoal(['front', '--port', '0', '--hub', hub]);
    try {
      const other = await again.printed(BANNER, 'the dashboard banner');
      assert.notEqual(new URL(other).searchParams.get('token'), new URL(link).searchParams.get('token'));
    } finally {
      await again.stop();
    }
  });

  it("serves the built page, its assets and index.html for the app's own paths, with its security headers", async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script for the policy to forbid');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script !== undefined, `a script in:\n${html}`);
    const js = await fetch(`${base}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await js.text()).length > 1000);
    // A view of the app: the page itself, which then reads its own URL.
    assert.match(await (await fetch(`${base}/map?q=http`)).text(), /<div id="root">/);
    // Every kind of answer carries the headers: a page, an asset, an error, the hub's answer.
    const answers = [page, js, await fetch(`${base}/assets/missing.js`), await fetch(`${base}/api/status`), await fetch(`${base}/api/status`, { headers: { cookie: user.cookie } })];
    for (const res of answers) {
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, res.url);
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
      assert.match(csp, /(^|; )default-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
  });

  it('never answers a file outside the dashboard to request targets sent as raw bytes', async () => {
    const outside = fs.readFileSync(path.join(REPO_ROOT, 'packages', 'front', 'package.json'), 'utf8');
    const targets = [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/..%2F..%2Fpackage.json',
      '/assets/../../package.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..\\package.json',
      '/%2e%2e%5cpackage.json',
      '/.%2e/package.json',
      '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const target of targets) {
      const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}`);
      assert.ok(!answer.body.includes('"name": "@shoal/front"') && !answer.body.includes(outside.slice(0, 40)), `${target}: the package file`);
      assert.doesNotMatch(answer.body, /root:.*:0:0:/, `${target}: /etc/passwd`);
      // A path with an extension is a file: 404; one without is a view of the app: index.html.
      if (/\.json$/.test(target)) {
        assert.equal(answer.status, 404, `${target}: ${answer.status} ${answer.body.slice(0, 200)}`);
        assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'FRONT_ERR_NOT_FOUND');
      } else assert.match(answer.body, /<div id="root">/, target);
    }
    // Absolute-form (a request to a proxy): the front is none.
    const absolute = await rawRequest(port, `GET http://127.0.0.1:${port}/../package.json HTTP/1.1\r\nHost: 127.0.0.1:${port}`);
    assert.equal(absolute.status, 400);
  });

  it('signs a browser in through the link: a 303 to the same page without the token, and an HttpOnly, SameSite=Strict session cookie', async () => {
    const token = new URL(link).searchParams.get('token')!;
    const res = await fetch(`${base}/?view=map&token=${encodeURIComponent(token)}&q=http`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/?view=map&q=http', 'the token leaves the address bar; the rest stays');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('set-cookie') ?? '', new RegExp(`^shoal-session-${port}=[\\w-]+; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict$`), 'no Secure over plain http');
    // Clicked again while signed in: no second session.
    const again = await fetch(link, { redirect: 'manual', headers: { cookie: user.cookie } });
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('set-cookie'), null);
    const state = (await (await fetch(`${base}/auth/session`, { headers: { cookie: user.cookie } })).json()) as { method: string; signedIn: boolean; expires: number };
    assert.equal(state.method, 'token');
    assert.equal(state.signedIn, true);
    assert.ok(state.expires > Date.now());
  });

  it('without a session serves the page, but answers 401 on /api/* and refuses the WebSocket', async () => {
    assert.equal((await fetch(`${base}/`)).status, 200, 'the page, which shows the sign-in form');
    assert.deepEqual(await (await fetch(`${base}/auth/session`)).json(), { method: 'token', signedIn: false });
    for (const [method, route] of [['GET', '/api/status'], ['GET', '/api/entries?limit=10'], ['POST', '/api/query/validate'], ['GET', '/api/pcap?q=']] as const) {
      for (const cookie of [undefined, `shoal-session-${port}=forged`]) {
        const res = await fetch(`${base}${route}`, { method, headers: cookie === undefined ? {} : { cookie }, ...(method === 'POST' ? { body: '{"filter":"http"}' } : {}) });
        assert.equal(res.status, 401, `${method} ${route} ${cookie ?? ''}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(await errorCode(res), 'FRONT_ERR_UNAUTHENTICATED');
      }
    }
    const ws = await upgrade(`${base.replace(/^http/, 'ws')}/api/ws?q=`);
    assert.equal(ws.status, 401);
    assert.equal((JSON.parse(ws.body) as { error: { code: string } }).error.code, 'FRONT_ERR_UNAUTHENTICATED');
  });

  it('refuses a wrong token: the link comes back with the reason and no cookie, the form post with FRONT_ERR_SIGN_IN', async () => {
    const res = await fetch(`${base}/?token=wrong`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/?sign-in-failed=FRONT_ERR_SIGN_IN');
    assert.equal(res.headers.get('set-cookie'), null);
    const post = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'wrong' }) });
    assert.equal(post.status, 401);
    assert.equal(await errorCode(post), 'FRONT_ERR_SIGN_IN');
    const malformed = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token": 42}' });
    assert.equal(malformed.status, 400);
    assert.equal(await errorCode(malformed), 'FRONT_ERR_BAD_REQUEST');
  });

  it('logs sign-ins, refusals and (at debug) every request by its path, never a token', async () => {
    const logged = new ServingShoal(['front', '--port', '0', '--hub', hub, '--log-level', 'debug']);
    try {
      const signInLink = await logged.printed(BANNER, 'the dashboard banner');
      const token = new URL(signInLink).searchParams.get('token')!;
      const own = new URL(signInLink).origin;
      await signIn(signInLink);
      await fetch(`${own}/?token=wrong-token-value`, { redirect: 'manual' });
      await fetch(`${own}/assets/none.js`);
      await rawRequest(Number(new URL(own).port), 'GET /api/status HTTP/1.1\r\nHost: rebound.example');
      const lines = (): { msg: string; level: number; path?: string; status?: number; client?: string; code?: string }[] =>
        logged.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as never);
      await logged.printed(/("msg":"request refused")/, 'the refusal in the log');
      await logged.printed(/("path":"\/assets\/none\.js","status":404)/, 'the request line at debug');
      const [signedIn] = lines().filter((l) => l.msg === 'signed in');
      assert.equal(signedIn?.level, 30);
      assert.equal(signedIn?.client, '127.0.0.1');
      assert.equal(lines().filter((l) => l.msg === 'sign-in refused: wrong token').length, 1);
      assert.equal(lines().find((l) => l.msg === 'request refused')?.code, 'FRONT_ERR_HOST');
      assert.deepEqual(lines().filter((l) => l.msg === 'request' && l.path === '/').map((l) => l.status), [303, 303]);
      // The banner prints the link (that is its purpose); the log lines never carry a token.
      const log = logged.stdout.split('\n').filter((l) => l.startsWith('{')).join('\n');
      assert.ok(!log.includes(token), 'the sign-in token is never logged');
      assert.ok(!log.includes('wrong-token-value'), 'nor a wrong one');
    } finally {
      await logged.stop();
    }
    const bad = await shoal('front', '--port', '0', '--log-level', 'loud');
    assert.equal(bad.code, 2, describeRun(bad));
    assert.match(bad.stderr, /--log-level must be fatal, error, warn, info or debug/);
  });

  it('passes /api/* to the signed-in user\'s hub with the prefix removed, errors included', async () => {
    const headers = { cookie: user.cookie };
    const status = (await (await fetch(`${base}/api/status`, { headers })).json()) as { workers: { name: string; up: boolean }[] };
    assert.deepEqual(status.workers.map((w) => [w.name, w.up]), [['view', true]]);
    const history = (await (await fetch(`${base}/api/entries?limit=1000`, { headers })).json()) as { entries: unknown[] };
    assert.equal(history.entries.length, expected.length);
    // A POST body goes through too.
    const checked = await fetch(`${base}/api/query/validate`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ filter: 'method ==' }) });
    assert.equal(checked.status, 200);
    const verdict = (await checked.json()) as { ok: boolean; error: { code: string; position: { offset: number } } };
    assert.equal(verdict.ok, false);
    assert.equal(verdict.error.code, 'FLT_ERR_SYNTAX');
    assert.equal(verdict.error.position.offset, 9);
    const missing = await fetch(`${base}/api/no-such-route`, { headers });
    assert.equal(missing.status, 404);
    assert.equal(await errorCode(missing), 'HUB_ERR_NOT_FOUND');
  });

  it("passes the signed-in user's /api/ws WebSocket to the hub's /ws", async () => {
    const entries = await collectEntries(`${base}/api`, '', 0, (e) => e.length >= expected.length, undefined, { cookie: user.cookie });
    assert.equal(entries.length, expected.length);
  });

  it('refuses a WebSocket from a page of another origin, even with the session; its own origins get through', async () => {
    const wsUrl = `${base.replace(/^http/, 'ws')}/api/ws?q=`;
    for (const origin of ['http://attacker.example', 'null', `http://127.0.0.1:${port + 1}`]) {
      const refused = await upgrade(wsUrl, { cookie: user.cookie, origin });
      assert.equal(refused.status, 403, origin);
      assert.equal((JSON.parse(refused.body) as { error: { code: string } }).error.code, 'FRONT_ERR_ORIGIN');
    }
    assert.equal((await upgrade(wsUrl, { cookie: user.cookie, origin: base })).status, 101);
    assert.equal((await upgrade(wsUrl, { cookie: user.cookie, origin: `http://localhost:${port}` })).status, 101);
  });

  it('answers 421 to a Host that is not its own (DNS rebinding), on pages, the API and the WebSocket', async () => {
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.2:${port}`]) {
      for (const target of ['/', '/api/status', '/auth/session']) {
        const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${user.cookie}`);
        assert.equal(answer.status, 421, `${host} ${target}`);
        assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'FRONT_ERR_HOST');
        assert.doesNotMatch(answer.body, /<div id="root">|"workers"/);
      }
      const ws = await rawRequest(port, `GET /api/ws?q= HTTP/1.1\r\nHost: ${host}\r\nCookie: ${user.cookie}\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==`);
      assert.equal(ws.status, 421, `upgrade ${host}`);
    }
    // A loopback name on another port is a local forward (kubectl port-forward, shoal tap): served.
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `127.0.0.1:${port + 1}`]) assert.equal((await rawRequest(port, `GET / HTTP/1.1\r\nHost: ${host}`)).status, 200, host);
  });

  it('signs out: the session ends and its cookie is cleared', async () => {
    const session = await signIn(link);
    assert.equal((await fetch(`${base}/api/status`, { headers: { cookie: session.cookie } })).status, 200);
    const out = await fetch(`${base}/auth/sign-out`, { method: 'POST', headers: { cookie: session.cookie, origin: base } });
    assert.equal(out.status, 204);
    assert.equal(out.headers.get('set-cookie'), `shoal-session-${port}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
    assert.equal((await fetch(`${base}/api/status`, { headers: { cookie: session.cookie } })).status, 401);
    assert.equal((await fetch(`${base}/api/status`, { headers: { cookie: user.cookie } })).status, 200, 'other sessions go on');
  });

  it('reaches an https hub over TLS, trusting the certificate of --hub-ca and no other', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-front-tls-'));
    const started: ServingShoal[] = [];
    // A TLS end in front of the real hub, with a certificate made now for 127.0.0.1.
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=shoal test hub', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const hubPort = Number(new URL(hub).port);
    const terminator = tls.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (clear) => {
      const plain = net.connect(hubPort, '127.0.0.1');
      clear.pipe(plain).pipe(clear);
      clear.on('error', () => plain.destroy());
      plain.on('error', () => clear.destroy());
    });
    await new Promise<void>((resolve) => terminator.listen(0, '127.0.0.1', resolve));
    const httpsHub = `https://127.0.0.1:${(terminator.address() as net.AddressInfo).port}`;
    try {
      const trusting = new ServingShoal(['front', '--port', '0', '--hub', httpsHub, '--hub-ca', cert]);
      started.push(trusting);
      const session = await signIn(await trusting.printed(BANNER, 'the dashboard banner'));
      const status = await fetch(`${session.base}/api/status`, { headers: { cookie: session.cookie } });
      assert.equal(status.status, 200, await status.clone().text());
      assert.deepEqual(((await status.json()) as { workers: { name: string }[] }).workers.map((w) => w.name), ['view']);
      const entries = await collectEntries(`${session.base}/api`, '', 0, (e) => e.length >= expected.length, undefined, { cookie: session.cookie });
      assert.equal(entries.length, expected.length, 'the WebSocket over TLS');

      const doubting = new ServingShoal(['front', '--port', '0', '--hub', httpsHub]);
      started.push(doubting);
      const other = await signIn(await doubting.printed(BANNER, 'the dashboard banner'));
      const refused = await fetch(`${other.base}/api/status`, { headers: { cookie: other.cookie } });
      assert.equal(refused.status, 502);
      const body = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'FRONT_ERR_HUB');
      assert.match(body.error.message, /SELF_SIGNED|self.signed/i, 'the certificate is checked');
    } finally {
      for (const s of started) await s.stop();
      terminator.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers FRONT_ERR_HUB when the hub cannot be reached, for requests and WebSockets', async () => {
    const hubPort = await closedPort();
    const lonely = new ServingShoal(['front', '--port', '0', '--hub', `http://127.0.0.1:${hubPort}`]);
    try {
      const session = await signIn(await lonely.printed(BANNER, 'the dashboard banner'));
      const res = await fetch(`${session.base}/api/status`, { headers: { cookie: session.cookie } });
      assert.equal(res.status, 502);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'FRONT_ERR_HUB');
      assert.match(body.error.message, new RegExp(`127\\.0\\.0\\.1:${hubPort}`));
      assert.equal((await upgrade(`${session.base.replace(/^http/, 'ws')}/api/ws?q=`, { cookie: session.cookie })).status, 502);
    } finally {
      await lonely.stop();
    }
  });
});

describe('shoal front: tokens and binds', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-front-tokens-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes the sign-in token from --token-file (never printed) and the hub's client token from --hub-token-file", async () => {
    const hubToken = path.join(dir, 'hub-token');
    const signInToken = path.join(dir, 'sign-in-token');
    fs.writeFileSync(hubToken, 'hub-client-token\n');
    fs.writeFileSync(signInToken, 'operator-chosen-token\n');
    const guarded = new ServingShoal(['hub', '--port', '0', '--token-file', hubToken, '--workers', `x=127.0.0.1:${await closedPort()}`]);
    const started = [guarded];
    try {
      const hubPort = await guarded.printed(/"port":(\d+)[^\n]*listening/, "the hub's listening line");
      const hubUrl = `http://127.0.0.1:${hubPort}`;
      const front = new ServingShoal(['front', '--port', '0', '--hub', hubUrl, '--hub-token-file', hubToken, '--token-file', signInToken]);
      started.push(front);
      const base = await front.printed(/the dashboard on (http:\/\/[\d.:]+) /, 'the dashboard banner');
      assert.match(front.stdout, /sign in with the token in .*sign-in-token/);
      assert.doesNotMatch(front.stdout, /operator-chosen-token|hub-client-token/);
      const session = await signIn(`${base}/?token=operator-chosen-token`);
      const status = await fetch(`${base}/api/status`, { headers: { cookie: session.cookie } });
      assert.equal(status.status, 200, 'the hub took the token the front added');
      // Without --hub-token-file (and no $SHOAL_TOKEN) the hub refuses the front, and says so.
      const bare = new ServingShoal(['front', '--port', '0', '--hub', hubUrl, '--token-file', signInToken], (args) =>
        spawn(process.execPath, [SHOAL_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, SHOAL_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      started.push(bare);
      const bareBase = await bare.printed(/the dashboard on (http:\/\/[\d.:]+) /, 'the dashboard banner');
      const bareSession = await signIn(`${bareBase}/?token=operator-chosen-token`);
      const refused = await fetch(`${bareBase}/api/status`, { headers: { cookie: bareSession.cookie } });
      assert.equal(refused.status, 401);
      assert.equal(await errorCode(refused), 'HUB_ERR_UNAUTHORIZED');
    } finally {
      for (const s of started.reverse()) await s.stop();
    }
  });

  it('refuses a PUT from a page of another origin, even with the session; the same PUT from its own page reaches the hub', async () => {
    const inventory = path.join(dir, 'inventory.json');
    fs.writeFileSync(inventory, JSON.stringify({ pods: [{ ip: '10.20.1.5', name: 'web-1', namespace: 'shop', node: 'node-1' }] }));
    const targeting = new ServingShoal(['hub', '--port', '0', '--inventory', inventory, '--workers', `node-1=127.0.0.1:${await closedPort()}`]);
    const started = [targeting];
    try {
      const hubPort = await targeting.printed(/"port":(\d+)[^\n]*listening/, "the hub's listening line");
      const front = new ServingShoal(['front', '--port', '0', '--hub', `http://127.0.0.1:${hubPort}`]);
      started.push(front);
      const session = await signIn(await front.printed(BANNER, 'the dashboard banner'));
      const headers = { cookie: session.cookie, 'content-type': 'application/json' };
      const selection = async () => ((await (await fetch(`${session.base}/api/targets`, { headers })).json()) as { selection: { podRegex: string } | null }).selection;
      assert.equal(await selection(), null);
      const put = (origin: string) => fetch(`${session.base}/api/targets`, { method: 'PUT', headers: { ...headers, origin }, body: JSON.stringify({ podRegex: '^web-' }) });
      const foreign = await put('http://attacker.example');
      assert.equal(foreign.status, 403);
      assert.equal(await errorCode(foreign), 'FRONT_ERR_ORIGIN');
      assert.equal(await selection(), null, 'the PUT never reached the hub');
      const own = await put(session.base);
      assert.equal(own.status, 200, await own.clone().text());
      assert.equal((await selection())?.podRegex, '^web-');
    } finally {
      for (const s of started.reverse()) await s.stop();
    }
  });

  it('starts with --auth oidc while the provider is unreachable: its sign-in page says so, /api and the WebSocket answer 401, the log says why', async () => {
    fs.writeFileSync(path.join(dir, 'oidc-roles.yaml'), 'roles:\n  - name: devs\n    groups: [devs]\n    namespaces: [shop]\n');
    fs.writeFileSync(path.join(dir, 'oidc-identity.key'), 'i'.repeat(40));
    fs.writeFileSync(path.join(dir, 'oidc-secret'), 'a client secret\n');
    const issuer = `http://127.0.0.1:${await closedPort()}`;
    const oidc = new ServingShoal(['front', '--port', '0', '--hub', 'http://127.0.0.1:9', '--auth', 'oidc', '--oidc-issuer', issuer, '--oidc-client-id', 'shoal', '--oidc-client-secret-file', path.join(dir, 'oidc-secret'), '--roles-file', path.join(dir, 'oidc-roles.yaml'), '--identity-key-file', path.join(dir, 'oidc-identity.key')]);
    try {
      const base = await oidc.printed(/the dashboard on (http:\/\/\S+) \(hub [^)]*\); users sign in at /, 'the banner');
      assert.match(oidc.stdout, new RegExp(`users sign in at ${issuer}/`));
      const page = await fetch(`${base}/auth/oidc/sign-in`, { redirect: 'manual' });
      assert.equal(page.status, 503);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      assert.match(html, /data-code="FRONT_ERR_PROVIDER"/);
      assert.match(html, /The identity provider is unreachable/);
      assert.match(html, /ECONNREFUSED/, 'the page says why');
      assert.deepEqual(await (await fetch(`${base}/auth/session`)).json(), { method: 'oidc', signedIn: false });
      const api = await fetch(`${base}/api/status`);
      assert.equal(api.status, 401);
      assert.equal(await errorCode(api), 'FRONT_ERR_UNAUTHENTICATED');
      assert.equal((await upgrade(`${base.replace(/^http/, 'ws')}/api/ws`)).status, 401);
      const token = await fetch(`${base}/auth/sign-in`, { method: 'POST', body: '{"token":"x"}', headers: { 'content-type': 'application/json' } });
      assert.equal(token.status, 404, 'no token sign-in beside OIDC');
      assert.match(oidc.stdout, /"msg":"the OpenID provider cannot be discovered: sign-in is unavailable until it can"/);
    } finally {
      await oidc.stop();
    }
  });

  it('refuses --sign-in none on a non-loopback address without --allow-unauthenticated, and flags that do not go together (exit 2)', async () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      const r = await shoal('front', '--host', host, '--port', '0', '--sign-in', 'none');
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /CLI_ERR_USAGE/);
      assert.match(r.stderr, new RegExp(`--auth none on ${host.replace(/\./g, '\\.')} would show every captured request.*--allow-unauthenticated`));
    }
    const oidcFlags = ['--auth', 'oidc', '--oidc-issuer', 'https://id.example', '--oidc-client-id', 'shoal', '--roles-file', path.join(dir, 'roles.yaml'), '--identity-key-file', path.join(dir, 'identity.key')];
    fs.writeFileSync(path.join(dir, 'roles.yaml'), 'roles:\n  - name: devs\n    groups: [devs]\n    namespaces: [shop]\n');
    fs.writeFileSync(path.join(dir, 'identity.key'), 'k'.repeat(40));
    fs.writeFileSync(path.join(dir, 'short.key'), 'k'.repeat(31));
    for (const [args, message] of [
      [['--allow-unauthenticated'], /--allow-unauthenticated goes with --auth none/],
      [['--sign-in', 'none', '--token-file', path.join(dir, 'x')], /--token-file is the sign-in token/],
      [['--auth', 'oidc', '--sign-in', 'token'], /--sign-in is the older name of --auth/],
      [['--sign-in', 'oidc'], /--auth oidc needs --oidc-issuer/],
      [['--oidc-issuer', 'https://id.example'], /--oidc-issuer goes with --auth oidc/],
      [[...oidcFlags.slice(0, 3), 'http://id.example', ...oidcFlags.slice(4)], /--oidc-issuer must be https:\/\/ \(plain http only for a provider on loopback\)/],
      [[...oidcFlags, '--host', '0.0.0.0'], /--auth oidc on 0\.0\.0\.0 needs --public-url/],
      [[...oidcFlags, '--hub-token-file', path.join(dir, 'identity.key')], /--hub-token-file does not go with --auth oidc/],
      [[...oidcFlags.slice(0, -1), path.join(dir, 'short.key')], /the identity key has 31 bytes; at least 32/],
      [[...oidcFlags.slice(0, 7), path.join(dir, 'identity.key'), ...oidcFlags.slice(8)], /identity\.key must have a list "roles:"/],
      [[...oidcFlags, '--oidc-scopes', 'email'], /--oidc-scopes must include openid/],
      [[...oidcFlags, '--session-key-file', path.join(dir, 'short.key')], /the session key has 31 bytes; at least 32/],
    ] as const) {
      const r = await shoal('front', '--port', '0', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${describeRun(r)}`);
      assert.match(r.stderr, message, args.join(' '));
    }
  });

  it('serves without sign-in on a non-loopback address only with --allow-unauthenticated, and warns', { skip: isRoot ? false : 'needs root for a network namespace of its own' }, async () => {
    // Every interface of a network namespace made for this test: nothing outside it can reach the port.
    const netns = `shoal-front-${process.pid}`;
    execFileSync('ip', ['netns', 'add', netns]);
    let open: ServingShoal | undefined;
    try {
      execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
      open = new ServingShoal(['front', '--host', '0.0.0.0', '--port', '0', '--sign-in', 'none', '--allow-unauthenticated', '--hub', 'http://127.0.0.1:9'], (args) =>
        spawn('ip', ['netns', 'exec', netns, process.execPath, SHOAL_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      const base = await open.printed(BANNER, 'the dashboard banner');
      assert.match(open.stderr, /warning: no sign-in \(--auth none\): whoever reaches 0\.0\.0\.0:\d+ sees every captured request/);
      const inside = spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sS', '--max-time', '10', `${base}/auth/session`], { encoding: 'utf8' });
      assert.equal(inside.stdout, '{"method":"none","signedIn":true}', inside.stderr);
    } finally {
      await open?.stop();
      execFileSync('ip', ['netns', 'del', netns]);
    }
  });
});
