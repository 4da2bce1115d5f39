/**
 * What the lab tests ask of a running lab's workers and hub, through their real HTTP and
 * WebSocket APIs (docs/api.md, docs/hub.md): stored entries, status, history, a live feed.
 * Every call is bounded in time.
 */
import type { TracerSummary } from '@shoal/model';
import WebSocket from 'ws';

export interface Endpoint {
  ip: string;
  port: number;
  pod?: string;
  namespace?: string;
  service?: string;
  node?: string;
}

/** The fields of an entry the lab tests read. */
export interface EntryJson {
  id: string;
  stream: string;
  worker: string;
  timestamp: number;
  src: Endpoint;
  dst: Endpoint;
  summary: { status?: number; path?: string };
  protocol: { name: string; layer4: string };
}

/** What the lab wrote in its state directory that the tests read. */
export interface LabInventory {
  nodes: { name: string; ip: string }[];
  pods: { ip: string; name: string; namespace: string; node: string; labels: Record<string, string>; netns: string }[];
  services: { name: string; namespace: string; clusterIPs: string[]; ports: { port: number; protocol: string }[]; selector: Record<string, string> }[];
}

function auth(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/**
 * fetch() for an idempotent request (GET, PUT), tried a second time when the server closed a kept-alive connection just as
 * the request went out on it (undici: UND_ERR_SOCKET "other side closed"). On a loaded machine
 * the client's idle timer can fire after the server's; the request never reached the server,
 * so asking again is safe.
 */
export async function fetchIdempotent(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
    return fetch(url, init);
  }
}

/** GET `url` as JSON (10 s at most); throws with the status and body when it is not 2xx. */
export async function getJson<T>(url: string, token?: string): Promise<T> {
  const res = await fetchIdempotent(url, { headers: auth(token), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Entries a worker (or the hub) stored since `since`, through /ws replay (ends at `ready`). */
export function storedEntries(baseUrl: string, token: string | undefined, since = 0): Promise<EntryJson[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?q=&since=${since}`, { headers: auth(token) });
    const entries: EntryJson[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no 'ready' from ${baseUrl}/ws in 15 s`));
    }, 15_000);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as EntryJson | { ready: unknown };
      if ('ready' in m) {
        clearTimeout(timer);
        ws.close();
        resolve(entries);
      } else entries.push(m);
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** One worker as the hub's GET /status shows it. */
export interface WorkerStatus {
  name: string;
  up: boolean;
  downSince: number | null;
  lastError: string | null;
  run: string | null;
  /** Its TLS tracer (null until the hub read the worker's /stats). */
  tls: TracerSummary | null;
}

export async function hubStatus(hub: string): Promise<{ workers: WorkerStatus[]; up: number }> {
  return getJson(`${hub}/status`);
}

/** The hub's history page: GET /entries?q=&before=&limit=. */
export async function hubEntries(hub: string, params: { q?: string; before?: number; limit?: number }): Promise<{ entries: EntryJson[]; next: number | null; unavailable?: Record<string, string> }> {
  const query = new URLSearchParams({ q: params.q ?? '', limit: String(params.limit ?? 1000) });
  if (params.before !== undefined) query.set('before', String(params.before));
  return getJson(`${hub}/entries?${query}`);
}

/**
 * The hub's history read as a client must read it: page after page (`before=next`), since a
 * page of a selective filter may hold fewer than `limit` entries, even none, while `next` goes
 * on (docs/hub.md, GET /entries). Stops once `enough(entries)`, once the pages passed `from`, or
 * at the end of every store; at most `maxPages` pages.
 */
export async function hubHistory(
  hub: string,
  params: { q?: string; before?: number; from?: number; limit?: number; enough?: (entries: EntryJson[]) => boolean; maxPages?: number },
): Promise<{ entries: EntryJson[]; unavailable: Record<string, string> }> {
  const entries: EntryJson[] = [];
  const unavailable: Record<string, string> = {};
  let before = params.before;
  for (let page = 0; page < (params.maxPages ?? 50); page++) {
    const got = await hubEntries(hub, { ...(params.q !== undefined ? { q: params.q } : {}), ...(before !== undefined ? { before } : {}), ...(params.limit !== undefined ? { limit: params.limit } : {}) });
    Object.assign(unavailable, got.unavailable ?? {});
    entries.push(...got.entries.filter((e) => params.from === undefined || e.timestamp >= params.from));
    if (params.enough?.(entries) === true || got.next === null || (params.from !== undefined && got.next < params.from)) return { entries, unavailable };
    before = got.next;
  }
  throw new Error(`${params.maxPages ?? 50} pages of ${params.q ?? 'the history'} and no end: ${entries.length} entries so far`);
}

/**
 * A live /ws client that keeps every entry it receives, in arrival order, until `close()`. For
 * checking what arrives while something else (a worker, the hub) comes and goes.
 */
export class LiveFeed {
  readonly entries: EntryJson[] = [];
  private readonly ws: WebSocket;

  constructor(baseUrl: string, query = '', token?: string) {
    this.ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?q=${encodeURIComponent(query)}`, { headers: auth(token) });
    this.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as EntryJson | object;
      if ('id' in m) this.entries.push(m);
    });
    this.ws.on('error', () => {
      // a broken feed shows as entries that stop arriving; the test says what it waited for
    });
  }

  /** Entries received after the first `from` of them that satisfy `match`. */
  since(from: number, match: (e: EntryJson) => boolean = () => true): EntryJson[] {
    return this.entries.slice(from).filter(match);
  }

  close(): void {
    this.ws.terminate();
  }
}
