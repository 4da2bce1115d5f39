import type { ServerResponse } from 'node:http';

/** `&`, `<`, `>`, `"` and `'` as HTML character references (text and attribute values alike). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface FrontPage {
  status: number;
  /** The coded error the page is about, shown on it and in `data-code` for tools and tests. */
  code?: string;
  title: string;
  message: string;
  /** A link to go on: sign in again, back to the dashboard. */
  link?: { href: string; text: string };
}

/**
 * A plain HTML page of the front's own, for what happens outside the dashboard during an OIDC
 * sign-in (the provider unreachable, a refused answer, an expired session, a user without a
 * role): the browser is on a navigation, not in the dashboard's scripts, so a JSON error would be
 * a blank page to the user. No script and no style (the Content-Security-Policy allows none
 * inline); every text escaped.
 */
export function sendPage(res: ServerResponse, page: FrontPage): void {
  const code = page.code !== undefined ? ` data-code="${escapeHtml(page.code)}"` : '';
  const link = page.link !== undefined ? `<p><a id="next" href="${escapeHtml(page.link.href)}">${escapeHtml(page.link.text)}</a></p>\n` : '';
  const codeLine = page.code !== undefined ? `<p><small>${escapeHtml(page.code)}</small></p>\n` : '';
  const body =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Shoal: ${escapeHtml(page.title)}</title></head>\n` +
    `<body><main id="front-page"${code}>\n<h1>${escapeHtml(page.title)}</h1>\n<p id="message">${escapeHtml(page.message)}</p>\n${link}${codeLine}</main></body></html>\n`;
  res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
