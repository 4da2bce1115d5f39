/**
 * OIDC sign-in to the dashboard in Chromium, against a real OpenID provider started here
 * (`oidc-provider`: its own login and consent pages, discovery, JWKS, token, UserInfo and
 * end-session endpoints; helpers/openid-provider.ts), with users in different groups and a roles
 * file. The fronts are `shoal front --auth oidc` in this process. Behind them stands a STAND-IN
 * for the hub (helpers/identity-checking-hub.ts) that verifies and records the identity assertion
 * the front sends with each request and WebSocket upgrade, then passes them on to a real hub; the
 * hub's own verification and scoping are tested on the hub's side.
 *
 * Shown here: sign-in through the provider's login page ends on the dashboard naming the user,
 * with the user's scope asserted to the hub and no hub token nor browser-sent credential passed
 * on; signing out ends the session at the front and at the provider; a user with no role, a
 * sign-in cancelled at the provider, a callback with a state this browser did not start, an ID token issued for another client, an
 * expired session and an unreachable provider each give a page saying so, and an audit line; a
 * session with a refresh token outlives its ID token. Skipped when Debian's chromium is missing.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pino, type Logger } from 'pino';
import { dashboardDir } from '../dist/front/dashboard-files.js';
import { startFront, type RunningFront } from '../dist/front/front-server.js';
import { browserUnavailable, launchBrowser } from './helpers/browser.js';
import { closedPort } from './helpers/closed-port.js';
import { IdentityCheckingHub } from './helpers/identity-checking-hub.js';
import { startOpenIdProvider, TEAM_ROLES, type OpenIdProvider } from './helpers/openid-provider.js';

const skip = browserUnavailable();


type LogLine = Record<string, unknown> & { msg: string };

/** A front's JSON log lines, kept for the test to read. */
function capturedLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) }) };
}

interface OidcFront {
  front: RunningFront;
  lines: LogLine[];
  clientId: string;
}

describe('dashboard OIDC sign-in (shoal front --auth oidc, a real OpenID provider, Chromium)', { skip: skip ?? false, timeout: 240_000 }, () => {
  const identityKey = randomBytes(32);
  let provider: OpenIdProvider;
  let hub: IdentityCheckingHub;
  let browser: Browser;
  const fronts: RunningFront[] = [];
  const providers: OpenIdProvider[] = [];

  /** A front with its own client at `idp` (registered once the front has its port). */
  async function oidcFront(idp: OpenIdProvider, clientId: string, client: { idTokenSeconds?: number; refreshTokens?: boolean } = {}, issuer = idp.issuer): Promise<OidcFront> {
    const { log, lines } = capturedLog();
    const clientSecret = `${clientId}-secret-${randomBytes(8).toString('hex')}`;
    const front = await startFront({
      port: 0,
      host: '127.0.0.1',
      hubUrl: hub.url,
      dir: dashboardDir(),
      oidc: { issuer: new URL(issuer), clientId, clientSecret, scopes: 'openid email profile groups', roles: TEAM_ROLES, identityKey },
      log,
    });
    fronts.push(front);
    idp.addClient({ clientId, clientSecret, front: front.url, ...client });
    return { front, lines, clientId };
  }

  /** A new browser context (no cookie) that may reach loopback only: the provider's pages link web fonts. */
  async function newContext(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { context, page };
  }

  /**
   * Signs `user` in at the provider's own login page (any password), and consents: a new browser
   * session at the provider is always asked to consent for the client.
   */
  async function providerLogin(page: Page, user: string): Promise<void> {
    await page.locator('input[name=login]').fill(user);
    await page.locator('input[name=password]').fill('any password: the test provider takes it');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  /** Opens the dashboard (at `path`), which sends the browser to the provider; signs `user` in there. */
  async function signInThroughProvider(page: Page, front: RunningFront, user: string, path = '/'): Promise<void> {
    await page.goto(`${front.url}${path}`);
    await page.waitForURL((url) => url.origin !== front.url);
    await providerLogin(page, user);
  }

  const pageCode = (page: Page): Promise<string | null> => page.locator('#front-page').getAttribute('data-code');
  const statusFromPage = (page: Page, path: string, headers: Record<string, string> = {}): Promise<{ status: number; code?: string }> =>
    page.evaluate(
      async ([p, h]) => {
        const res = await fetch(p, { headers: h });
        const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
        return { status: res.status, ...(body?.error?.code !== undefined ? { code: body.error.code } : {}) };
      },
      [path, headers] as const,
    );
  const audits = (lines: LogLine[], event: string): LogLine[] => lines.filter((l) => l['audit'] === event);

  let main: OidcFront;

  before(async () => {
    provider = await startOpenIdProvider();
    providers.push(provider);
    hub = await IdentityCheckingHub.start(identityKey);
    main = await oidcFront(provider, 'shoal');
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    for (const f of fronts) await f.close();
    await hub?.close();
    for (const p of providers) await p.close();
  });

  it("signs in through the provider's login page, back to the view it was opened at, and shows the user; the hub is sent the user's signed scope and nothing else", async () => {
    const { context, page } = await newContext();
    await signInThroughProvider(page, main.front, 'alice', '/?view=map');
    await page.waitForURL(`${main.front.url}/?view=map`);
    assert.equal(await page.getByTestId('signed-in-user').textContent(), 'alice@example.test');
    await page.getByText('hub connected').waitFor();

    const cookies = await context.cookies(main.front.url);
    const session = cookies.find((c) => c.name === `shoal-session-${main.front.port}`);
    assert.ok(session !== undefined, `a session cookie: ${cookies.map((c) => c.name).join(', ')}`);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax', 'Lax: the provider sends the browser back by a cross-site navigation');
    assert.deepEqual(
      cookies.filter((c) => c.name.startsWith('shoal-oidc-')),
      [],
      'the sign-in transaction is ended by the callback',
    );
    assert.equal(await page.evaluate(() => document.cookie), '', 'no script of the page reads the session');

    // A page that sends its own credentials for the hub: the front drops them and asserts the user.
    const before = hub.seen.length;
    const forged = { 'x-shoal-identity': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', authorization: 'Bearer guessed', 'x-shoal-token': 'guessed' };
    assert.equal((await statusFromPage(page, '/api/status', forged)).status, 200);
    const seen = hub.seen.slice(before).find((s) => s.path === '/status');
    assert.ok(seen !== undefined, 'the request reached the hub');
    assert.deepEqual(seen.identity, { subject: 'alice', name: 'alice@example.test', groups: ['shop-devs'], namespaces: ['shop'], admin: false });
    assert.equal(seen.authorization, undefined);
    assert.equal(seen.token, undefined);

    // Every request and the feed's WebSocket carried a verified assertion of alice, and no token.
    await waitFor('the feed WebSocket through the front', () => hub.seen.some((s) => s.upgrade && s.identity?.subject === 'alice'));
    for (const s of hub.seen) {
      assert.equal(s.refused, undefined, `${s.path}: ${s.refused}`);
      assert.equal(s.authorization, undefined, s.path);
      assert.equal(s.token, undefined, s.path);
    }
    const [signIn] = audits(main.lines, 'sign-in');
    assert.ok(signIn !== undefined, 'an audit line for the sign-in');
    assert.equal(signIn['subject'], 'alice');
    assert.deepEqual(signIn['groups'], ['shop-devs']);
    assert.deepEqual(signIn['roles'], ['shop-devs']);
    assert.deepEqual(signIn['namespaces'], ['shop']);
    const logged = JSON.stringify(main.lines);
    assert.equal(logged.includes(session.value), false, 'the log holds no cookie');
    assert.equal(/eyJ[\w-]+\.eyJ/.test(logged), false, 'the log holds no token or assertion');
    await context.close();
  });

  it('signs out at the front and at the provider (RP-initiated logout)', async () => {
    const { context, page } = await newContext();
    await signInThroughProvider(page, main.front, 'bob');
    await page.getByTestId('signed-in-user').waitFor();
    assert.equal(await page.getByTestId('signed-in-user').textContent(), 'bob@example.test');
    await page.getByTestId('sign-out').click();
    // The provider asks whether to end its session too, then sends the browser back.
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${main.front.url}/auth/signed-out`);
    assert.equal(await page.locator('h1').textContent(), 'Signed out');
    assert.deepEqual(await statusFromPage(page, '/api/status'), { status: 401, code: ErrorCodes.FRONT_ERR_UNAUTHENTICATED });
    const [signOut] = audits(main.lines, 'sign-out');
    assert.equal(signOut?.['subject'], 'bob');
    // The provider's session ended as well: signing in again asks for the login anew.
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await page.locator('input[name=login]').waitFor();
    await context.close();
  });

  it('shows a user with no role a page saying so, starts no session and passes nothing to the hub', async () => {
    const { context, page } = await newContext();
    const before = hub.seen.length;
    await signInThroughProvider(page, main.front, 'carol');
    await page.waitForURL((url) => url.pathname === '/auth/oidc/callback');
    assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_NO_ROLE);
    assert.equal(await page.locator('h1').textContent(), 'No access');
    assert.match((await page.locator('#message').textContent()) ?? '', /signed in as carol@example\.test, but no role of this dashboard includes you or your groups \(interns\)/);
    assert.equal(await page.locator('a#next').getAttribute('href'), '/auth/oidc/sign-in');
    assert.deepEqual(await statusFromPage(page, '/api/status'), { status: 401, code: ErrorCodes.FRONT_ERR_UNAUTHENTICATED });
    assert.equal(hub.seen.slice(before).length, 0, 'nothing reached the hub');
    const refused = audits(main.lines, 'sign-in-refused').find((l) => l['subject'] === 'carol');
    assert.ok(refused !== undefined, 'an audit line for the refusal');
    assert.equal(refused['code'], ErrorCodes.FRONT_ERR_NO_ROLE);
    assert.deepEqual(refused['groups'], ['interns']);
    await context.close();
  });

  it('refuses a callback whose state this browser did not start, and one with no sign-in started', async () => {
    const { context, page } = await newContext();
    // A sign-in started in this browser (its transaction cookie is set), then a forged answer.
    await page.goto(`${main.front.url}/auth/oidc/sign-in`);
    await page.locator('input[name=login]').waitFor();
    const response = await page.goto(`${main.front.url}/auth/oidc/callback?code=forged&state=not-the-one-started`);
    assert.equal(response?.status(), 400);
    assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_OIDC_STATE);
    assert.match((await page.locator('#message').textContent()) ?? '', /does not carry the state of the sign-in this browser started/);
    assert.equal(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href'), '/auth/oidc/sign-in');
    await context.close();

    const fresh = await newContext();
    await fresh.page.goto(`${main.front.url}/auth/oidc/callback?code=forged&state=anything`);
    assert.equal(await pageCode(fresh.page), ErrorCodes.FRONT_ERR_OIDC_STATE);
    assert.match((await fresh.page.locator('#message').textContent()) ?? '', /has no sign-in in progress/);
    await fresh.context.close();
    assert.ok(audits(main.lines, 'sign-in-refused').filter((l) => l['code'] === ErrorCodes.FRONT_ERR_OIDC_STATE).length >= 2, 'both refusals are audited');
  });

  it("shows the provider's refusal when the user cancels at its login page", async () => {
    const { context, page } = await newContext();
    await page.goto(main.front.url);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    await page.waitForURL((url) => url.pathname === '/auth/oidc/callback');
    assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_OIDC);
    assert.match((await page.locator('#message').textContent()) ?? '', /^the identity provider refused the sign-in: access_denied/);
    assert.ok(audits(main.lines, 'sign-in-refused').some((l) => l['code'] === ErrorCodes.FRONT_ERR_OIDC && /access_denied/.test(String(l['reason']))), 'the refusal is audited');
    await context.close();
  });

  it('refuses an ID token issued for another client (its audience), put into the token answer in transit', async () => {
    const { context, page } = await newContext();
    // A real ID token for another client of the same provider: alice signs in there first.
    const other = { clientId: 'another-app', clientSecret: `another-app-secret-${randomBytes(8).toString('hex')}` };
    provider.addClient({ ...other, front: 'http://127.0.0.1:9' });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(8).toString('hex');
    const authorize = new URL(`${provider.issuer}/auth`);
    for (const [k, v] of Object.entries({ client_id: other.clientId, redirect_uri: `${provider.issuer}/test-capture`, response_type: 'code', scope: 'openid', state, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' })) authorize.searchParams.set(k, v);
    await page.goto(authorize.href);
    await providerLogin(page, 'alice');
    const code = await waitFor('the code for the other client', () => provider.captured.get(state));
    const tokenRes = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${other.clientId}:${other.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${provider.issuer}/test-capture`, code_verifier: verifier }),
    });
    const { id_token: otherIdToken } = (await tokenRes.json()) as { id_token: string };
    assert.equal(JSON.parse(Buffer.from(otherIdToken.split('.')[1]!, 'base64url').toString()).aud, other.clientId);

    provider.substituteIdToken = otherIdToken;
    try {
      await page.goto(main.front.url);
      // Alice is signed in at the provider in this browser: it asks only her consent for this client.
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((url) => url.pathname === '/auth/oidc/callback');
      assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_OIDC_AUDIENCE, (await page.locator('#message').textContent()) ?? '');
      assert.match((await page.locator('#message').textContent()) ?? '', /ID token was issued for another client, not for shoal/);
    } finally {
      provider.substituteIdToken = undefined;
    }
    const refused = audits(main.lines, 'sign-in-refused').find((l) => l['code'] === ErrorCodes.FRONT_ERR_OIDC_AUDIENCE);
    assert.ok(refused !== undefined, 'an audit line for the refusal');
    await context.close();
  });

  it('sends a page whose session expired (an ID token of seconds, no refresh token) to the expired-session page; its API calls get 401 FRONT_ERR_SESSION_EXPIRED', async () => {
    const short = await oidcFront(provider, 'shoal-short', { idTokenSeconds: 2 });
    const { context, page } = await newContext();
    // Not awaited on the dashboard: its two seconds may be over before it renders. The page's
    // own polling meets the expired session and leaves for the expired page.
    await signInThroughProvider(page, short.front, 'alice');
    await page.waitForURL(`${short.front.url}/auth/expired`, { timeout: 60_000 });
    assert.equal(audits(short.lines, 'sign-in').length, 1, 'signed in first');
    assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_SESSION_EXPIRED);
    assert.equal(await page.locator('h1').textContent(), 'Your session has expired');
    assert.equal(await page.getByRole('link', { name: 'Sign in again' }).getAttribute('href'), '/auth/oidc/sign-in');
    assert.deepEqual(await statusFromPage(page, '/api/status'), { status: 401, code: ErrorCodes.FRONT_ERR_SESSION_EXPIRED });
    assert.ok(audits(short.lines, 'refused').some((l) => l['reason'] === 'the session has expired' && l['subject'] === 'alice'), 'the refusal is logged, naming who');
    // Signing in again works: the provider still knows alice, so no login form this time.
    await page.getByRole('link', { name: 'Sign in again' }).click();
    await waitFor('a second sign-in', () => audits(short.lines, 'sign-in').length === 2);
    await context.close();
  });

  it('refreshes a session whose ID token expired when the provider gave a refresh token', async () => {
    const refreshing = await oidcFront(provider, 'shoal-refresh', { idTokenSeconds: 2, refreshTokens: true });
    const { context, page } = await newContext();
    await signInThroughProvider(page, refreshing.front, 'bob');
    await page.getByTestId('signed-in-user').waitFor();
    await waitFor('the front to refresh the session', () => refreshing.lines.some((l) => l.msg === 'session refreshed'), 60_000);
    assert.equal((await statusFromPage(page, '/api/status')).status, 200, 'the session goes on after its first ID token expired');
    assert.equal(new URL(page.url()).pathname, '/', 'the page stayed on the dashboard');
    assert.equal(await page.getByTestId('signed-in-user').textContent(), 'bob@example.test');
    await context.close();
  });

  it('says the provider is unreachable while it cannot be discovered, and signs in once it can', async () => {
    const port = await closedPort();
    const issuer = `http://127.0.0.1:${port}`;
    const { log, lines } = capturedLog();
    const clientSecret = 'late-secret';
    const front = await startFront({
      port: 0,
      host: '127.0.0.1',
      hubUrl: hub.url,
      dir: dashboardDir(),
      oidc: { issuer: new URL(issuer), clientId: 'late', clientSecret, scopes: 'openid email profile groups', roles: TEAM_ROLES, identityKey },
      log,
    });
    fronts.push(front);
    const { context, page } = await newContext();
    await page.goto(front.url);
    await page.waitForURL(`${front.url}/auth/oidc/sign-in`);
    assert.equal(await pageCode(page), ErrorCodes.FRONT_ERR_PROVIDER);
    assert.equal(await page.locator('h1').textContent(), 'The identity provider is unreachable');
    assert.match((await page.locator('#message').textContent()) ?? '', /It keeps trying/);
    assert.ok(lines.some((l) => l.msg.startsWith('the OpenID provider cannot be discovered') && l['issuer'] === `${issuer}/`), 'a log line says why');

    const late = await startOpenIdProvider(port);
    providers.push(late);
    late.addClient({ clientId: 'late', clientSecret, front: front.url });
    await waitFor('the front to discover the provider', () => lines.some((l) => l.msg === 'OpenID provider discovered'), 60_000);
    await page.getByRole('link', { name: 'Try again' }).click();
    await providerLogin(page, 'alice');
    await page.getByTestId('signed-in-user').waitFor();
    await context.close();
  });
});
