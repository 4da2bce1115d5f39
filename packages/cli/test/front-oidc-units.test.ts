/**
 * The pieces of the front's OIDC sign-in that need no provider: the roles file and the scope it
 * gives, the cookie seal, the HTML pages, and what the hub proxy sends the hub with an identity
 * key (a real HTTP server on loopback records it).
 */
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { verifyIdentity, type Identity } from '@shoal/model/http';
import { pino } from 'pino';
import type { IncomingMessage } from 'node:http';
import { CookieSeal, sessionKey } from '../dist/front/cookie-seal.js';
import { FrontAuth } from '../dist/front/front-auth.js';
import { OidcDiscovery } from '../dist/front/oidc-discovery.js';
import { OidcSignIn, returnPath } from '../dist/front/oidc-sign-in.js';
import { sendPage } from '../dist/front/front-pages.js';
import { HubProxy } from '../dist/front/hub-proxy.js';
import { parseRoles, scopeOf } from '../dist/front/roles-file.js';

const ROLES_YAML = `roles:
  - name: shop-devs
    groups: [shop-devs]
    namespaces: [shop]
  - name: pay-devs
    groups: [pay-devs]
    users: [dana@example.test]
    namespaces: [pay, shop]
  - name: operators
    groups: [ops]
    namespaces: ["*"]
    admin: true
`;

describe('roles file', () => {
  const roles = parseRoles(ROLES_YAML, 'roles.yaml');

  it('gives the union of the namespaces of every matching role, admin when any is', () => {
    assert.deepEqual(scopeOf(roles, { names: ['alice'], groups: ['shop-devs'] }), { namespaces: ['shop'], admin: false, roles: ['shop-devs'] });
    assert.deepEqual(scopeOf(roles, { names: ['eve'], groups: ['shop-devs', 'pay-devs'] }), { namespaces: ['shop', 'pay'], admin: false, roles: ['shop-devs', 'pay-devs'] });
    assert.deepEqual(scopeOf(roles, { names: ['bob'], groups: ['ops', 'shop-devs'] }), { namespaces: '*', admin: true, roles: ['shop-devs', 'operators'] });
  });

  it('matches users by sub, email or preferred_username; no match is no scope', () => {
    assert.deepEqual(scopeOf(roles, { names: ['u-123', 'dana@example.test'], groups: [] })?.roles, ['pay-devs']);
    assert.equal(scopeOf(roles, { names: ['carol', 'carol@example.test'], groups: ['interns'] }), undefined);
  });

  it('reads JSON as well as YAML', () => {
    assert.deepEqual(parseRoles('{"roles": [{"name": "all", "users": ["root"], "namespaces": ["*"], "admin": true}]}', 'roles.json'), [
      { name: 'all', groups: [], users: ['root'], namespaces: '*', admin: true },
    ]);
  });

  it('refuses a file that is wrong, naming the role and the field', () => {
    const refused: [string, RegExp][] = [
      ['roles: [', /roles\.yaml is neither YAML nor JSON/],
      ['users: []', /must have a list "roles:"/],
      ['roles:\n  - name: x\n    namespaces: [a]', /roles\[0\] \(x\) names no groups and no users/],
      ['roles:\n  - name: x\n    groups: [g]', /roles\[0\] \(x\) has no namespaces/],
      ['roles:\n  - name: x\n    groups: g\n    namespaces: [a]', /roles\[0\]\.groups must be a list of strings/],
      ['roles:\n  - name: x\n    groups: [g]\n    namespaces: [a]\n    admin: "yes"', /roles\[0\]\.admin must be true or false/],
    ];
    for (const [text, message] of refused) assert.throws(() => parseRoles(text, 'roles.yaml'), message, text);
  });
});

describe('cookie seal (AES-256-GCM)', () => {
  it('opens what it sealed, nothing sealed with another key, nothing changed', () => {
    const key = sessionKey('k'.repeat(32), 'test');
    const seal = new CookieSeal(key);
    const sealed = seal.seal({ id: 'abc', expires: 5 });
    assert.deepEqual(new CookieSeal(key).open(sealed), { id: 'abc', expires: 5 }, 'the same key file opens it (another process)');
    assert.notEqual(seal.seal({ id: 'abc', expires: 5 }), sealed, 'a fresh nonce each time');
    assert.equal(CookieSeal.random().open(sealed), undefined);
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    assert.equal(seal.open(bytes.toString('base64url')), undefined, 'a changed byte fails the tag');
    assert.equal(seal.open('short'), undefined);
    assert.throws(() => sessionKey('  short  ', '--session-key-file k'), /--session-key-file k: the session key has 5 bytes; at least 32/);
  });
});

describe('front pages', () => {
  it('escapes every text it shows', async () => {
    const server = http.createServer((_req, res) => sendPage(res, { status: 403, code: 'FRONT_ERR_NO_ROLE', title: '<b>x</b>', message: 'a "quoted" <script>alert(1)</script> & more', link: { href: '/auth/oidc/sign-in?a=1&b="2"', text: 'again' } }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.equal(res.status, 403);
      const html = await res.text();
      assert.equal(html.includes('<script>'), false);
      assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62; &#38; more/);
      assert.match(html, /href="\/auth\/oidc\/sign-in\?a=1&#38;b=&#34;2&#34;"/);
      assert.match(html, /<main id="front-page" data-code="FRONT_ERR_NO_ROLE">/);
    } finally {
      server.close();
    }
  });
});

describe('hub proxy with an identity key', () => {
  const key = randomBytes(32);
  const alice: Identity = { subject: 'alice', name: 'alice@example.test', groups: ['shop-devs'], namespaces: ['shop'], admin: false };
  const received: IncomingHttpHeaders[] = [];
  let hub: http.Server;
  let front: http.Server;
  let frontUrl = '';

  before(async () => {
    hub = http.createServer((req, res) => {
      received.push(req.headers);
      res.end('{}');
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    const proxy = new HubProxy({ hubUrl: `http://127.0.0.1:${(hub.address() as AddressInfo).port}`, hubToken: 'never sent', identityKey: key, log: pino({ enabled: false }) });
    front = http.createServer((req, res) => proxy.forward(req, res, 'session:x', req.headers['x-test-anonymous'] === undefined ? alice : undefined));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  after(() => {
    front.close();
    hub.close();
  });

  it("sends a fresh assertion of the user's identity, never the hub token, and drops a browser's own credentials", async () => {
    received.length = 0;
    const forged = { 'x-shoal-identity': 'forged', authorization: 'Bearer guessed', 'x-shoal-token': 'guessed' };
    await (await fetch(`${frontUrl}/api/status`, { headers: forged })).text();
    await (await fetch(`${frontUrl}/api/status`)).text();
    assert.equal(received.length, 2);
    for (const headers of received) {
      assert.deepEqual(verifyIdentity(key, headers['x-shoal-identity'] as string), alice);
      assert.equal(headers.authorization, undefined);
      assert.equal(headers['x-shoal-token'], undefined);
    }
  });

  it('sends no credential at all for a request without an identity', async () => {
    received.length = 0;
    await (await fetch(`${frontUrl}/api/status`, { headers: { 'x-test-anonymous': '1', authorization: 'Bearer guessed' } })).text();
    assert.equal(received[0]?.['x-shoal-identity'], undefined);
    assert.equal(received[0]?.authorization, undefined);
  });
});

describe('OIDC session expiry (a fake clock)', () => {
  const log = pino({ enabled: false });
  const identity: Identity = { subject: 'alice', groups: ['shop-devs'], namespaces: ['shop'], admin: false };

  /** A front's sign-in whose provider was never discovered: a refresh cannot succeed. */
  function oidcAuth(now: () => number): FrontAuth {
    const seal = CookieSeal.random();
    const discovery = new OidcDiscovery({ issuer: new URL('https://id.example'), clientId: 'shoal', log });
    const oidc = new OidcSignIn({ discovery, redirectUri: 'http://127.0.0.1:8899/auth/oidc/callback', signedOutUri: 'http://127.0.0.1:8899/auth/signed-out', scopes: 'openid', groupsClaim: 'groups', roles: [], seal, port: 8899, secure: false, log, now });
    return new FrontAuth({ oidc, seal, port: 8899, secure: false, sessionTtlMs: 3_600_000, maxSessions: 10, log, now });
  }

  /** A request carrying the session's cookie, as the front reads it (headers, socket address, URL). */
  function requestWith(auth: FrontAuth, id: string, expires: number): IncomingMessage {
    const cookie = auth.cookie.set({ id, expires }, 1000).split(';')[0]!;
    return { headers: { cookie }, socket: { remoteAddress: '127.0.0.1' }, url: '/api/status' } as unknown as IncomingMessage;
  }

  it('lets the session through until its ID token expires; then, without a refresh token, ends it with FRONT_ERR_SESSION_EXPIRED', async () => {
    let t = 1_000_000;
    const auth = oidcAuth(() => t);
    const session = auth.sessions.create({ kind: 'oidc', identity, grant: { idToken: 'id', idTokenExpires: t + 60_000 } });
    const req = requestWith(auth, session.id, session.expires);
    const first = await auth.access(req);
    assert.ok('client' in first, JSON.stringify(first));
    assert.match(first.client, /^session:[\w-]{16}$/, 'named to the hub by a hash of the session');
    assert.deepEqual(first.identity, identity);
    t += 60_000;
    assert.deepEqual(await auth.access(req), { refused: [401, 'FRONT_ERR_SESSION_EXPIRED', 'the session has expired: sign in again (/auth/oidc/sign-in)'] });
    assert.equal(auth.sessions.size, 0, 'the session is ended');
  });

  it('ends a session at --session-hours even while its ID token is valid; a request without a cookie is unauthenticated', async () => {
    let t = 1_000_000;
    const auth = oidcAuth(() => t);
    const session = auth.sessions.create({ kind: 'oidc', identity, grant: { idToken: 'id', idTokenExpires: t + 10 * 3_600_000, refreshToken: 'r' } });
    const req = requestWith(auth, session.id, session.expires);
    assert.ok('client' in (await auth.access(req)));
    t += 3_600_000;
    assert.equal(((await auth.access(req)) as { refused: unknown[] }).refused[1], 'FRONT_ERR_SESSION_EXPIRED');
    const bare = { headers: {}, socket: { remoteAddress: '127.0.0.1' }, url: '/api/status' } as unknown as IncomingMessage;
    assert.equal(((await auth.access(bare)) as { refused: unknown[] }).refused[1], 'FRONT_ERR_UNAUTHENTICATED');
  });
});

describe('the page a sign-in lands on', () => {
  it("is a page of the dashboard, never another site's, the sign-in itself or the API", () => {
    assert.equal(returnPath('/?view=map&q=http%20and%20x'), '/?view=map&q=http%20and%20x');
    assert.equal(returnPath('/entries/abc'), '/entries/abc');
    for (const bad of [null, '', 'https://evil.example/', '//evil.example/', '/\\evil.example/', '/auth/oidc/sign-in', '/api/status', '/a\r\nset-cookie: x', '/é', `/${'a'.repeat(2000)}`]) {
      assert.equal(returnPath(bad), '/', JSON.stringify(bad));
    }
  });
});

