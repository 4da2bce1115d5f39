/**
 * The hub's HTTP routes the dashboard reads (docs/hub.md), through the front server's `/api`
 * prefix. `fetch` is given so Node's tests use the same code against a real hub.
 */
import type { HistoryPage as WireHistoryPage } from '@shoal/model';
import type { EntryJson } from './entry-row.js';

export type Fetch = (url: string, init?: { method?: string; body?: string; headers?: Record<string, string>; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

export interface HistoryPage {
  /** Oldest first, ready to go before the rows held. */
  entries: EntryJson[];
  /** The `before` of the next older page; null when no worker has more (wire/history.ts). */
  next: number | null;
  /** Workers that could not answer: the page is partial. */
  unavailable: Record<string, string>;
  /** Entries the workers tested against the filter for this page (0 from hubs that do not say). */
  examined: number;
}

/** The hub's verdict on a filter (`POST /query/validate`); `error` when it does not compile. */
export interface Validation {
  ok: boolean;
  error?: { code: string; message: string; position?: { offset: number; line: number; column: number } };
}

export class HubApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly position?: { offset: number; line: number; column: number },
  ) {
    super(message);
  }
}

export class HubApi {
  constructor(
    private readonly fetch: Fetch,
    /** `/api` in the page; the hub's own address in tests. */
    private readonly base: string,
  ) {}

  async history(q: string, before: number | undefined, limit: number): Promise<HistoryPage> {
    const params = new URLSearchParams({ q, limit: String(limit) });
    if (before !== undefined) params.set('before', String(before));
    const page = (await this.get(`/entries?${params.toString()}`)) as WireHistoryPage<EntryJson>;
    return { entries: page.entries.slice().reverse(), next: page.next, unavailable: page.unavailable ?? {}, examined: page.examined ?? 0 };
  }

  /**
   * The newest `limit` entries matching `q`, oldest first, walking pages back until they are
   * found or history ends: a page may hold fewer than asked, even none, with more to come
   * (wire/history.ts). `more`: older ones are left.
   */
  async historyUpTo(q: string, limit: number): Promise<{ entries: EntryJson[]; more: boolean }> {
    const found: EntryJson[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.history(q, before, limit - found.length);
      found.unshift(...page.entries);
      if (page.next === null) return { entries: found, more: false };
      if (found.length >= limit) return { entries: found, more: true };
      before = page.next;
    }
  }

  /** Compiles `filter` at the hub; an invalid filter is an answer (`ok: false`), not a throw. */
  async validate(filter: string, signal?: AbortSignal): Promise<Validation> {
    const init = { method: 'POST', body: JSON.stringify({ filter }), headers: { 'content-type': 'application/json' }, ...(signal ? { signal } : {}) };
    return (await this.read(await this.fetch(`${this.base}/query/validate`, init))) as Validation;
  }

  async get(path: string): Promise<unknown> {
    return this.read(await this.fetch(`${this.base}${path}`));
  }

  async send(method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return this.read(await this.fetch(`${this.base}${path}`, { method, body: text, headers: { 'content-type': 'application/json' } }));
  }

  private async read(res: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<unknown> {
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const error = (body as { error?: { code?: string; message?: string; position?: { offset: number; line: number; column: number } } } | null)?.error;
      throw new HubApiError(res.status, error?.code ?? 'HTTP', error?.message ?? `the hub answered ${res.status}`, error?.position);
    }
    return body;
  }
}
