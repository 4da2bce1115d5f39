/**
 * The front's security parts without a server, with a fake clock where time matters: sessions
 * (expiry, the cap), the sign-in limiter, the names and origins it answers to, the cookie's
 * attributes, which headers a proxy drops, and which URL paths name a dashboard file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathIn } from '../dist/front/dashboard-files.js';
import { FrontNames, parseOrigin } from '../dist/front/front-names.js';
import { endToEndHeaders, endToEndRawHeaders } from '../dist/front/hop-by-hop.js';
import { CookieSeal } from '../dist/front/cookie-seal.js';
import { SessionCookie } from '../dist/front/session-cookie.js';
import { SessionsFull, SessionStore } from '../dist/front/session-store.js';
import { SignInLimiter } from '../dist/front/sign-in-limiter.js';
import { TokenCheck, isLoopbackHost } from '@shoal/model/http';

/** A clock the test moves. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('session store', () => {
  it('gives each session a random id, finds it until it expires, then not', () => {
    const clock = fakeClock();
    const store = new SessionStore({ ttlMs: 1000, maxSessions: 10, now: clock.now });
    const a = store.create({ kind: 'token' });
    const b = store.create({ kind: 'token' });
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.deepEqual(store.get(a.id), { id: a.id, owner: { kind: 'token' }, expires: 1_001_000 });
    assert.equal(store.get('not-a-session'), undefined);
    clock.advance(999);
    assert.equal(store.get(a.id)?.id, a.id);
    clock.advance(1);
    assert.equal(store.get(a.id), undefined, 'gone at its expiry');
    assert.equal(store.size, 0);
  });

  it('refuses a session beyond the cap until one ends or expires; ends one on delete', () => {
    const clock = fakeClock();
    const store = new SessionStore({ ttlMs: 1000, maxSessions: 2, now: clock.now });
    const first = store.create({ kind: 'token' });
    clock.advance(500);
    store.create({ kind: 'oidc', identity: { subject: 'ada', groups: ['dev'], namespaces: ['shop'], admin: false }, grant: { idToken: 'x', idTokenExpires: 2_000_000 } });
    assert.throws(() => store.create({ kind: 'token' }), (err: Error) => err instanceof SessionsFull && /2 sessions are live \(--max-sessions\)/.test(err.message));
    store.delete(first.id);
    assert.equal(store.get(first.id), undefined);
    const third = store.create({ kind: 'token' });
    assert.throws(() => store.create({ kind: 'token' }), SessionsFull);
    clock.advance(999); // both made at +500: live until +1500
    assert.equal(store.size, 2);
    assert.equal(store.get(third.id)?.id, third.id);
    clock.advance(1);
    assert.equal(store.size, 0, 'both expired, so both places are free again');
    store.create({ kind: 'token' });
    store.create({ kind: 'token' });
  });
});

describe('sign-in limiter', () => {
  it('lets an address fail maxFailures times per window, then refuses it until its oldest failure leaves the window', () => {
    const clock = fakeClock();
    const limiter = new SignInLimiter({ maxFailures: 3, windowMs: 60_000, maxClients: 100, now: clock.now });
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfterMs('10.0.0.1'), 0);
      limiter.failed('10.0.0.1');
      clock.advance(1000);
    }
    assert.equal(limiter.retryAfterMs('10.0.0.1'), 57_000, 'the first failure, at 0, leaves the window at 60 s');
    assert.equal(limiter.retryAfterMs('10.0.0.2'), 0, 'another address has its own budget');
    clock.advance(57_000);
    assert.equal(limiter.retryAfterMs('10.0.0.1'), 0);
    limiter.failed('10.0.0.1');
    assert.equal(limiter.retryAfterMs('10.0.0.1'), 1000, 'the second failure (at 1 s) is now the oldest');
  });

  it('forgets an address that signs in; refuses new addresses while maxClients have recent failures', () => {
    const clock = fakeClock();
    const limiter = new SignInLimiter({ maxFailures: 2, windowMs: 10_000, maxClients: 2, now: clock.now });
    limiter.failed('a');
    limiter.succeeded('a');
    limiter.failed('a');
    assert.equal(limiter.retryAfterMs('a'), 0, 'one failure since the sign-in');
    limiter.failed('b');
    assert.equal(limiter.retryAfterMs('c'), 10_000, 'the table is full: a newcomer waits a window');
    assert.equal(limiter.retryAfterMs('a'), 0, 'a tracked address keeps its budget');
    clock.advance(10_000);
    assert.equal(limiter.retryAfterMs('c'), 0, 'the old failures aged out');
  });
});

describe('token check', () => {
  it('matches the token only, whatever the length of the guess', () => {
    const check = new TokenCheck('s3cret-token');
    assert.equal(check.matches('s3cret-token'), true);
    for (const guess of ['', 's3cret-toke', 's3cret-token ', 'S3cret-token', 'x'.repeat(10_000)]) assert.equal(check.matches(guess), false, guess);
  });
});

describe('front names', () => {
  const names = new FrontNames({ port: 8899, host: '127.0.0.1', publicUrl: new URL('https://shoal.example'), allowedOrigins: ['https://tools.example'] });

  it('answers to loopback names on any port (a local port-forward) and the public name, never to another name (DNS rebinding)', () => {
    for (const host of ['localhost:8899', '127.0.0.1:8899', '[::1]:8899', 'LOCALHOST:8899', 'shoal.example', 'localhost:8898', '127.0.0.1:30000', 'localhost', '127.0.0.1']) assert.equal(names.hostAllowed(host), true, host);
    for (const host of [undefined, '', 'attacker.example:8899', 'shoal.example:8899', 'shoal.example.attacker.example', '0.0.0.0:8899', '127.0.0.2:8899', 'localhost.attacker.example', '127.0.0.1.attacker.example:8899', '[::1]:8899x']) {
      assert.equal(names.hostAllowed(host), false, String(host));
    }
  });

  it('takes the listen address as a name unless it is every interface, and default ports without the port', () => {
    const bound = new FrontNames({ port: 80, host: '10.1.2.3' });
    assert.equal(bound.hostAllowed('10.1.2.3'), true);
    assert.equal(bound.hostAllowed('10.1.2.3:80'), true);
    assert.equal(bound.originAllowed('http://10.1.2.3', '10.1.2.3'), true);
    const every = new FrontNames({ port: 8899, host: '0.0.0.0' });
    assert.equal(every.hostAllowed('0.0.0.0:8899'), false);
    assert.equal(new FrontNames({ port: 8899, host: '::1' }).hostAllowed('[::1]:8899'), true);
  });

  it("allows the front's own origins and --allowed-origin ones; refuses others and null", () => {
    for (const o of ['http://127.0.0.1:8899', 'http://localhost:8899', 'https://shoal.example', 'https://tools.example']) assert.equal(names.originAllowed(o, '127.0.0.1:8899'), true, o);
    for (const o of ['null', 'http://attacker.example', 'http://localhost:8898', 'https://localhost:8899', 'http://shoal.example']) assert.equal(names.originAllowed(o, '127.0.0.1:8899'), false, o);
  });

  it('through a loopback name on another port (a port-forward), allows that very origin only: not a page of another local port', () => {
    assert.equal(names.originAllowed('http://127.0.0.1:9000', '127.0.0.1:9000'), true);
    assert.equal(names.originAllowed('http://localhost:9000', 'LOCALHOST:9000'), true);
    assert.equal(names.originAllowed('http://127.0.0.1:3000', '127.0.0.1:9000'), false, 'another local app');
    assert.equal(names.originAllowed('http://localhost:9000', '127.0.0.1:9000'), false, 'another name of the same port is another origin');
    assert.equal(names.originAllowed('http://attacker.example:9000', 'attacker.example:9000'), false);
    assert.equal(names.originAllowed('https://127.0.0.1:9000', '127.0.0.1:9000'), false);
  });

  it('parses an origin option: scheme, host and port only', () => {
    assert.equal(parseOrigin('https://Shoal.Example:8443', '--public-url').origin, 'https://shoal.example:8443');
    for (const bad of ['shoal.example', 'ftp://x', 'https://x/path', 'https://x/?q', 'https://u:p@x']) assert.throws(() => parseOrigin(bad, '--allowed-origin'), /--allowed-origin/);
  });

  it('knows loopback listen addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'shoal.example']) assert.equal(isLoopbackHost(h), false, h);
  });
});

describe('session cookie', () => {
  const seal = CookieSeal.random();
  const ticket = { id: 'abc', expires: 1_700_000_000_000 };

  it('is HttpOnly, SameSite=Strict (Lax for OIDC), Path=/, named for the port; Secure under __Host- over https', () => {
    const plain = new SessionCookie(8899, false, seal);
    assert.match(plain.set(ticket, 3_600_000), /^shoal-session-8899=[A-Za-z0-9_-]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.equal(plain.clear(), 'shoal-session-8899=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
    const secure = new SessionCookie(8899, true, seal);
    assert.match(secure.set(ticket, 1000), /^__Host-shoal-session-8899=[A-Za-z0-9_-]+; Max-Age=1; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    assert.match(new SessionCookie(8899, false, seal, 'Lax').set(ticket, 1000), /; SameSite=Lax$/);
  });

  it("reads its own sealed value among other cookies, not another front's, nor one sealed with another key", () => {
    const cookie = new SessionCookie(8899, false, seal);
    const mine = cookie.set(ticket, 1000).split(';')[0]!.split('=')[1]!;
    assert.equal(mine.includes('abc'), false, 'the id is not readable in the cookie');
    assert.deepEqual(cookie.read(`a=1; shoal-session-8898=other; shoal-session-8899=${mine}; b=2`), ticket);
    assert.equal(cookie.read(`shoal-session-8898=${mine}`), undefined);
    assert.equal(cookie.read(undefined), undefined);
    const foreign = new SessionCookie(8899, false, CookieSeal.random()).set(ticket, 1000).split(';')[0]!;
    assert.equal(cookie.read(foreign), undefined, 'another key: not this front\'s cookie');
    const flipped = `${mine.slice(0, 20)}${mine[20] === 'A' ? 'B' : 'A'}${mine.slice(21)}`;
    assert.equal(cookie.read(`shoal-session-8899=${flipped}`), undefined, 'one changed character fails the GCM tag');
  });
});

describe('hop-by-hop headers (RFC 9110 §7.6.1)', () => {
  it('drops Connection, the fields it names and the well-known ones; keeps the rest', () => {
    const out = endToEndHeaders({ connection: 'close, X-Hop', 'x-hop': 'a', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', upgrade: 'h2c', te: 'trailers', 'x-end': 'b', 'content-type': 'text/plain' }, ['cookie']);
    assert.deepEqual(out, { 'x-end': 'b', 'content-type': 'text/plain' });
    assert.deepEqual(endToEndHeaders({ cookie: 'x', origin: 'o', 'x-end': 'b' }, ['cookie', 'origin']), { 'x-end': 'b' });
    assert.deepEqual(endToEndRawHeaders(['Connection', 'X-Hop', 'X-Hop', '1', 'Proxy-Authenticate', 'Basic', 'X-End', '2']), [['X-End', '2']]);
  });
});

describe('dashboard file paths', () => {
  const root = '/srv/dist';
  it('names files inside the root only, whatever the encoding of ..', () => {
    assert.equal(pathIn(root, '/index.html'), '/srv/dist/index.html');
    assert.equal(pathIn(root, '/assets/a.js'), '/srv/dist/assets/a.js');
    assert.equal(pathIn(root, '/%2e%2e/package.json'), '/srv/dist/package.json', '`..` at the root stays at the root');
    assert.equal(pathIn(root, '/..%2f..%2fetc/passwd'), '/srv/dist/etc/passwd');
    assert.equal(pathIn(root, '/a/../../../etc/passwd'), '/srv/dist/etc/passwd');
    for (const p of ['/%', '/%E0%A4%A', '/a%00.js']) assert.equal(pathIn(root, p), undefined, p);
  });
});
