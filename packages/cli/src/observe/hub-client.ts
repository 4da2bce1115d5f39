/**
 * What `shoal observe` needs of a hub: its history route and its live stream. A worker speaks
 * the same two (docs/api.md), so observe works against either.
 */

import type { Entry, HistoryPage } from '@shoal/model';
import { MAX_HISTORY_LIMIT, ShoalError } from '@shoal/model';
import { WebSocket } from 'ws';

export interface Endpoint {
  /** `http://host:port`, no trailing slash. */
  base: string;
  token: string | undefined;
}

/** An error the server sent (`{"error": {code, message, excerpt?}}`); its code is the cause's. */
export function serverError(body: { error?: { code?: string; message?: string; excerpt?: string } }, fallback: string): ShoalError {
  const e = body.error;
  const excerpt = e?.excerpt !== undefined ? `\n${e.excerpt}` : '';
  const code = e?.code ?? 'none';
  return new ShoalError('CLI_ERR_SERVER', `${e?.message ?? fallback} (${code})${excerpt}`, { cause: { code } });
}

/** The server's own code of an error made by serverError (FLT_ERR_SYNTAX, WRK_ERR_UNAUTHORIZED…). */
export function serverCode(err: unknown): string | undefined {
  return err instanceof ShoalError && err.code === 'CLI_ERR_SERVER' ? (err.cause as { code?: string } | undefined)?.code : undefined;
}

function headers(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/**
 * The newest `limit` stored entries matching `query`, oldest first: pages of GET /entries
 * walked back with `before=next` until enough are found or history ends (`next: null`). A page
 * may hold fewer than asked, even none, with more to come (wire/history.ts).
 */
export async function history(to: Endpoint, query: string, limit: number): Promise<Entry[]> {
  const found: Entry[] = [];
  let before: number | null = null;
  for (let page = 0; found.length < limit && page < 1000; page++) {
    const params = new URLSearchParams({ q: query, limit: String(Math.min(MAX_HISTORY_LIMIT, limit - found.length)) });
    if (before !== null) params.set('before', String(before));
    const res = await fetch(`${to.base}/entries?${params}`, { headers: headers(to.token) });
    const body = (await res.json().catch(() => ({}))) as Partial<HistoryPage> & { error?: { code?: string; message?: string } };
    if (!res.ok) throw serverError(body, `GET /entries answered ${res.status}`);
    found.push(...(body.entries ?? []));
    if (body.next === null || body.next === undefined) break;
    before = body.next;
  }
  return found.slice(0, limit).reverse();
}

export type FeedMessage =
  | { kind: 'open' }
  | { kind: 'entry'; entry: Entry }
  | { kind: 'ready' }
  | { kind: 'lost'; count: number }
  | { kind: 'closed'; code: number; reason: string };

/**
 * Opens the live stream `/ws?q=&since=`. Messages go to `on`; resolves when the socket closes
 * (rejects when it could not open, with the server's reason: 401, a refused upgrade, a bad
 * filter). A hub at its bound on replays says why and closes with 4429: `closed` then carries
 * its message as the reason, to try again later.
 */
export function stream(to: Endpoint, query: string, sinceMs: number | null, on: (m: FeedMessage) => void): { done: Promise<void>; close(): void } {
  const url = new URL(`${to.base.replace(/^http/, 'ws')}/ws`);
  url.searchParams.set('q', query);
  if (sinceMs !== null) url.searchParams.set('since', String(Math.floor(sinceMs)));
  const ws = new WebSocket(url, { headers: headers(to.token) });
  const done = new Promise<void>((resolve, reject) => {
    let opened = false;
    let refused: ShoalError | null = null;
    let tryLater: string | null = null;
    ws.on('open', () => {
      opened = true;
      on({ kind: 'open' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += String(d)));
      res.on('end', () => {
        let body = {};
        try {
          body = JSON.parse(text) as object;
        } catch {
          // not JSON: the status says enough
        }
        refused = serverError(body, `the server refused the stream (HTTP ${res.statusCode})`);
        ws.terminate();
      });
    });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: string; ready?: unknown; lost?: number; error?: { code?: string; message?: string; excerpt?: string } };
      if (typeof m.id === 'string') on({ kind: 'entry', entry: m as Entry });
      else if (m.ready !== undefined) on({ kind: 'ready' });
      else if (typeof m.lost === 'number') on({ kind: 'lost', count: m.lost });
      else if (m.error?.code === 'HUB_ERR_REPLAY_LIMIT') tryLater = m.error.message ?? m.error.code;
      else if (m.error !== undefined) refused = serverError(m, 'the server refused the filter');
    });
    ws.on('error', (err) => {
      if (!opened && refused === null) refused = new ShoalError('CLI_ERR_CONNECT', `cannot reach ${to.base}: ${err.message}`);
    });
    ws.on('close', (code, reason) => {
      if (refused !== null) reject(refused);
      else {
        on({ kind: 'closed', code, reason: tryLater ?? String(reason) });
        resolve();
      }
    });
  });
  return { done, close: () => ws.close(1000) };
}
