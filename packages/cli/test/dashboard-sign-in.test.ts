/**
 * Signing in to the dashboard in Chromium, against `shoal view`'s own dashboard: the printed
 * link signs the browser in and leaves the address bar without its token; the cookie is out of
 * the page's reach; without a session the page is the token form; a wrong token or link says
 * why; signing out brings the form back. And the Content-Security-Policy is in force: an
 * injected inline script does not run. Skipped when Debian's chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from './helpers/browser.js';
import { dashboardOn, type CaptureDashboard } from './helpers/capture-dashboard.js';
import { golden } from './helpers/fixtures.js';

const expected = golden('keep-alive.pcap').entries;
const skip = browserUnavailable();

/** What `fetch(path)` from the page answers: its status. */
const statusFromPage = (page: Page, path: string): Promise<number> => page.evaluate(async (p) => (await fetch(p)).status, path);

describe('dashboard sign-in (shoal view, Chromium)', { skip: skip ?? false, timeout: 120_000 }, () => {
  let dashboard: CaptureDashboard;
  let browser: Browser;
  let token = '';

  before(async () => {
    dashboard = await dashboardOn('keep-alive.pcap');
    token = new URL(dashboard.link).searchParams.get('token')!;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await dashboard?.stop();
  });

  it('signs in through the printed link: the token leaves the address bar, the feed shows, the cookie stays out of the page', async () => {
    const { page, problems } = await openPage(browser, dashboard.link);
    const url = new URL(page.url());
    assert.equal(url.origin, dashboard.url);
    assert.equal(url.search, '', 'no token in the address bar');
    await page.locator('.row[data-id]').nth(expected.length - 1).waitFor();
    await page.getByText('hub connected').waitFor();
    assert.equal(await page.evaluate(() => document.cookie), '', 'HttpOnly: no script of the page reads the session');
    const [cookie, ...others] = await page.context().cookies();
    assert.deepEqual(others, []);
    assert.match(cookie!.name, /^shoal-session-\d+$/);
    assert.equal(cookie!.httpOnly, true);
    assert.equal(cookie!.sameSite, 'Strict');
    assert.equal(cookie!.path, '/');
    assert.deepEqual(problems, [], 'nothing the page needs is refused by its Content-Security-Policy');
    // The redirect replaced the link in the history: Back leaves the dashboard, with no token seen.
    await page.goBack();
    assert.equal(page.url(), 'about:blank');
    await page.context().close();
  });

  it('runs no inline script injected into the page (Content-Security-Policy)', async () => {
    const { page } = await openPage(browser, dashboard.link);
    await page.locator('.row[data-id]').first().waitFor();
    const violated = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true';
          document.body.append(script);
        }),
    );
    assert.equal(violated, 'script-src-elem');
    assert.equal(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
    await page.context().close();
  });

  it('without a session shows the token form; a wrong token says so, the right one opens the dashboard; signing out brings the form back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${dashboard.url}/?q=http`);
    const form = page.getByTestId('sign-in');
    await form.waitFor();
    assert.equal(await page.locator('.row[data-id]').count(), 0);
    assert.equal(await statusFromPage(page, '/api/status'), 401);
    await page.getByTestId('sign-in-token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByTestId('sign-in-error').innerText(), /That token is not this dashboard’s/);
    await page.getByTestId('sign-in-token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.row[data-id]').first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), 'http', 'the page it was opened at');
    assert.equal(await statusFromPage(page, '/api/status'), 200);
    await page.getByTestId('sign-out').click();
    await form.waitFor();
    assert.equal(await statusFromPage(page, '/api/status'), 401);
    await context.close();
  });

  it('brings the form back when the session ends under an open page', async () => {
    const { page } = await openPage(browser, dashboard.link);
    await page.locator('.row[data-id]').first().waitFor();
    const [cookie] = await page.context().cookies();
    // Signed out elsewhere (another tab, a script): the page learns it from its next /api answer.
    const out = await fetch(`${dashboard.url}/auth/sign-out`, { method: 'POST', headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    assert.equal(out.status, 204);
    await page.getByTestId('sign-in').waitFor();
    assert.match(await page.getByTestId('sign-in-error').innerText(), /Your session ended: sign in again/);
    await page.context().close();
  });

  it('says why a sign-in link was refused, and takes the reason out of the address bar', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${dashboard.url}/?view=stats&token=from-an-earlier-run`);
    assert.match(await page.getByTestId('sign-in-error').innerText(), /That token is not this dashboard’s/);
    assert.equal(new URL(page.url()).search, '?view=stats');
    await context.close();
  });
});
