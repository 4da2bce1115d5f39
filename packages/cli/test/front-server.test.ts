/**
 * The front server (`startFront`) in this process, on real sockets, for what `shoal front` over
 * a real hub cannot show: a dashboard file that cannot be read, a hub answer carrying
 * hop-by-hop headers, the bound on wrong tokens, the cap on sessions, and the cookie behind an
 * https public URL. The stand-in "hub" here is a raw TCP server: it sends what no Shoal hub
 * sends but any upstream may.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SIGN_IN_FAILURES_PER_MINUTE } from '../dist/front/front-auth.js';
import { startFront, type FrontOptions, type RunningFront } from '../dist/front/front-server.js';
import { rawRequest } from './helpers/raw-http.js';

const TOKEN = 'front-server-test-token';

/** POST /auth/sign-in with `token`; the answer. */
function postSignIn(front: RunningFront, token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${front.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ token }) });
}

/** Signs in; the Cookie header of the session. */
async function cookieOf(front: RunningFront): Promise<string> {
  const res = await postSignIn(front, TOKEN);
  assert.equal(res.status, 204, await res.text());
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

const errorCode = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

describe('the front server, in this process', () => {
  let dir = '';
  const fronts: RunningFront[] = [];
  const front = async (options: Partial<FrontOptions> = {}): Promise<RunningFront> => {
    const f = await startFront({ port: 0, host: '127.0.0.1', hubUrl: 'http://127.0.0.1:9', dir, signInToken: TOKEN, ...options });
    fronts.push(f);
    return f;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-front-files-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>\n');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'export {};\n');
    // A file every read of which fails (EIO): this process's memory at address 0.
    fs.symlinkSync('/proc/self/mem', path.join(dir, 'unreadable.js'));
  });
  after(async () => {
    for (const f of fronts) await f.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("tells signed-in pages the file's time span (shoal view), and no one else", async () => {
    const f = await front({ dataSpan: () => ({ from: 1_765_100_453_569.4, to: 1_765_100_454_711.2 }) });
    const session = async (headers: Record<string, string> = {}) => (await (await fetch(`${f.url}/auth/session`, { headers })).json()) as { signedIn: boolean; span?: unknown };
    assert.deepEqual(await session(), { method: 'token', signedIn: false });
    const signedIn = await session({ cookie: await cookieOf(f) });
    assert.deepEqual(signedIn.span, { from: 1_765_100_453_569, to: 1_765_100_455_712 }, 'a second past the newest');
    const noSpan = await front({ dataSpan: () => null });
    assert.equal((await (await fetch(`${noSpan.url}/auth/session`, { headers: { cookie: await cookieOf(noSpan) } })).json() as { span?: unknown }).span, undefined);
  });

  it('answers 500 FRONT_ERR_FILE for a file that cannot be read and 404 for a missing one, and goes on serving', async () => {
    const f = await front();
    const unreadable = await fetch(`${f.url}/unreadable.js`);
    assert.equal(unreadable.status, 500);
    assert.equal(await errorCode(unreadable), 'FRONT_ERR_FILE');
    const missing = await fetch(`${f.url}/assets/gone.js`);
    assert.equal(missing.status, 404);
    assert.equal(await errorCode(missing), 'FRONT_ERR_NOT_FOUND');
    const page = await fetch(`${f.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    assert.equal(await (await fetch(`${f.url}/assets/app.js`)).text(), 'export {};\n');
  });

  it("drops the hop-by-hop headers of the hub's answers, those named in Connection too, and passes none of the browser's credentials", async () => {
    const requests: string[] = [];
    const upstream = net.createServer((socket) => {
      let head = '';
      socket.on('data', (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        requests.push(head);
        socket.end(
          'HTTP/1.1 200 OK\r\nConnection: close, X-Hop\r\nX-Hop: per-connection\r\nKeep-Alive: timeout=99\r\nProxy-Authenticate: Basic\r\n' +
            "Content-Security-Policy: default-src *\r\nX-End: kept\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const f = await front({ hubUrl: `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`, hubToken: 'hub-token' });
      const cookie = await cookieOf(f);
      const answer = await rawRequest(f.port, `GET /api/anything HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\nCookie: ${cookie}\r\nOrigin: ${f.url}\r\nX-Shoal-Client: someone-else\r\nX-Shoal-Token: a-guess`);
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'ok');
      assert.equal(answer.headers['x-end'], 'kept');
      assert.equal(answer.headers['x-hop'], undefined, 'named in Connection: hop-by-hop');
      assert.equal(answer.headers['keep-alive'], undefined);
      assert.equal(answer.headers['proxy-authenticate'], undefined);
      assert.doesNotMatch(answer.headers['connection'] ?? '', /x-hop/i);
      assert.match(answer.headers['content-security-policy'] ?? '', /^default-src 'self'; /, "the front's own policy, not the hub's");
      assert.equal(requests.length, 1);
      const sent = requests[0]!.toLowerCase();
      assert.match(sent, /^get \/anything http\/1\.1\r\n/);
      assert.match(sent, /\r\nauthorization: bearer hub-token\r\n/);
      assert.doesNotMatch(sent, /\r\n(cookie|origin):/, "the front's cookie and the page's Origin stay at the front");
      assert.doesNotMatch(sent, /\r\nx-shoal-token:/, 'a token the page sends never overrides the hub token');
      // The hub's per-client bounds count sessions: the front names each (by a hash of its id,
      // never the id), and a caller cannot name itself.
      const client = /\r\nx-shoal-client: ([^\r]*)\r\n/.exec(sent)?.[1];
      assert.match(client ?? '', /^session:[\w-]{16}$/);
      assert.ok(!sent.includes(cookie.split('=')[1]!.toLowerCase()), 'the session id never reaches the hub');
      const other = await rawRequest(f.port, `GET /api/anything HTTP/1.1\r\nHost: 127.0.0.1:${f.port}\r\nCookie: ${await cookieOf(f)}`);
      assert.equal(other.status, 200);
      const second = /\r\nx-shoal-client: ([^\r]*)\r\n/.exec(requests[1]!.toLowerCase())?.[1];
      assert.match(second ?? '', /^session:[\w-]{16}$/);
      assert.notEqual(second, client, 'two sessions are two clients');
    } finally {
      upstream.close();
    }
  });

  it(`refuses an address after ${SIGN_IN_FAILURES_PER_MINUTE} wrong tokens, the right one too, with Retry-After`, async () => {
    const f = await front();
    for (let i = 0; i < SIGN_IN_FAILURES_PER_MINUTE; i++) {
      const wrong = await postSignIn(f, `guess-${i}`);
      assert.equal(wrong.status, 401);
      assert.equal(await errorCode(wrong), 'FRONT_ERR_SIGN_IN');
    }
    for (const token of ['another-guess', TOKEN]) {
      const limited = await postSignIn(f, token);
      assert.equal(limited.status, 429, token);
      assert.ok(Number(limited.headers.get('retry-after')) > 0 && Number(limited.headers.get('retry-after')) <= 60);
      const body = (await limited.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'FRONT_ERR_SIGN_IN_LIMITED');
      assert.match(body.error.message, /too many wrong tokens from 127\.0\.0\.1: try again in \d+ s/);
    }
    // The link is the same sign-in, under the same bound.
    const link = await fetch(`${f.url}/?token=${TOKEN}`, { redirect: 'manual' });
    assert.equal(link.status, 303);
    assert.equal(link.headers.get('location'), '/?sign-in-failed=FRONT_ERR_SIGN_IN_LIMITED');
    assert.equal(link.headers.get('set-cookie'), null);
  });

  it('refuses a sign-in beyond --max-sessions until a session signs out', async () => {
    const f = await front({ maxSessions: 2 });
    const first = await cookieOf(f);
    await cookieOf(f);
    const full = await postSignIn(f, TOKEN);
    assert.equal(full.status, 503);
    assert.equal(await errorCode(full), 'FRONT_ERR_SESSIONS_FULL');
    const out = await fetch(`${f.url}/auth/sign-out`, { method: 'POST', headers: { cookie: first } });
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /^shoal-session-\d+=; Max-Age=0; /);
    assert.equal((await fetch(`${f.url}/auth/session`, { headers: { cookie: first } }).then((r) => r.json()) as { signedIn: boolean }).signedIn, false);
    await cookieOf(f);
  });

  it('answers to the name of an https public URL with a Secure __Host- cookie, and to no look-alike', async () => {
    const f = await front({ publicUrl: new URL('https://shoal.example') });
    assert.equal(f.url, 'https://shoal.example');
    const body = JSON.stringify({ token: TOKEN });
    const signedIn = await rawRequest(f.port, `POST /auth/sign-in HTTP/1.1\r\nHost: shoal.example\r\nOrigin: https://shoal.example\r\nContent-Type: application/json\r\nContent-Length: ${body.length}`, body);
    assert.equal(signedIn.status, 204, signedIn.body);
    assert.match(signedIn.headers['set-cookie'] ?? '', /^__Host-shoal-session-\d+=[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    assert.equal((await rawRequest(f.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${f.port}`)).status, 200, 'its listen address stays a name of it');
    const lookAlike = await rawRequest(f.port, 'GET / HTTP/1.1\r\nHost: shoal.example.attacker.example');
    assert.equal(lookAlike.status, 421);
    assert.equal((JSON.parse(lookAlike.body) as { error: { code: string } }).error.code, 'FRONT_ERR_HOST');
  });
});
