/**
 * Starts a real worker in this process on a free port, with a temp data dir and token file,
 * fed by a ReplaySource (a capture file replayed as if live, through the same pipeline as
 * live capture). HTTP through fetch, WebSockets through `ws`, as a hub would talk to it.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shoal/testkit';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { ReplaySource, startWorker, type FeedLimits, type RunningWorker } from '../../dist/index.js';

export const FIXTURE = fileURLToPath(new URL('../../../dissect/test/fixtures/http1/keep-alive.pcap', import.meta.url));
/** Four pipelined exchanges whose requests came in one packet: four entries, one timestamp. */
export const PIPELINED_FIXTURE = fileURLToPath(new URL('../../../dissect/test/fixtures/http1/pipelining.pcap', import.meta.url));
/** The fixture's one TCP stream: 16 packets, 4 HTTP exchanges (the 4th a POST). */
export const FIXTURE_PACKETS = 16;
export const FIXTURE_ENTRIES = 4;
/** JSON from the API: its shape is what the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const LOCAL_TARGET = [{ ip: '127.0.0.1', name: 'fixture', namespace: 'test' }];

export interface Harness {
  worker: RunningWorker;
  source: ReplaySource;
  dataDir: string;
  base: string;
  token: string;
  close(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(join(tmpdir(), prefix));
}

export interface HarnessOptions {
  storageLimitBytes?: number;
  feedLimits?: FeedLimits;
  dataDir?: string;
  historyMaxExamined?: number;
  allowedOrigins?: string[];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? tempDir('shoal-worker-');
  const tokenFile = join(dataDir, 'api-token');
  if (!fs.existsSync(tokenFile)) fs.writeFileSync(tokenFile, `  secret-${process.pid}-${Date.now()}\n`, { mode: 0o600 });
  const source = new ReplaySource();
  const worker = await startWorker({
    port: 0,
    host: '127.0.0.1',
    interface: 'any',
    source,
    dataDir,
    storageLimitBytes: options.storageLimitBytes ?? 64 << 20,
    tokenFile,
    nodeName: 'test-node',
    nodeIp: '192.0.2.10',
    logger: pino({ level: 'silent' }),
    ...(options.feedLimits !== undefined ? { feedLimits: options.feedLimits } : {}),
    ...(options.historyMaxExamined !== undefined ? { historyMaxExamined: options.historyMaxExamined } : {}),
    ...(options.allowedOrigins !== undefined ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  return {
    worker,
    source,
    dataDir,
    base: `http://127.0.0.1:${worker.port}`,
    token: worker.token,
    close: async () => {
      await worker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function auth(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export async function getJson(base: string, path: string, token: string | undefined): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, { headers: auth(token) });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}

/** Sends `body` as JSON with `method` (PUT, PATCH); the answer parsed. */
export async function sendJson(method: string, base: string, path: string, body: unknown, token: string | undefined): Promise<{ status: number; body: Json }> {
  const res = await fetch(base + path, { method, headers: { ...auth(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

export function putJson(base: string, path: string, body: unknown, token: string | undefined): Promise<{ status: number; body: Json }> {
  return sendJson('PUT', base, path, body, token);
}

/** A /ws client that records every message and how the socket closed. */
export class FeedSocket {
  readonly messages: Json[] = [];
  closeCode: number | undefined;
  refusedStatus: number | undefined;
  readonly ws: WebSocket;
  private readonly closed: Promise<void>;

  constructor(port: number, token: string | undefined, query = '') {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers: auth(token) });
    this.ws.on('message', (data) => this.messages.push(JSON.parse(String(data))));
    this.ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode;
      this.ws.terminate();
    });
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => ((this.closeCode = code), resolve())));
  }

  get entries(): Json[] {
    return this.messages.filter((m) => typeof m.id === 'string');
  }

  async opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return;
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error(`socket closed before opening (HTTP ${this.refusedStatus})`)));
    });
  }

  /** Waits until `check` holds over the messages; fails naming `what` and what came so far. */
  async until(check: (messages: Json[]) => boolean, what = 'the messages to pass the check', ms = 5000): Promise<true> {
    return waitFor(() => `${what} on /ws (${this.entries.length} entries in ${this.messages.length} messages: ${JSON.stringify(this.messages).slice(0, 300)})`, () => check(this.messages), ms);
  }

  async ready(ms = 5000): Promise<Json> {
    await this.until((m) => m.some((x) => x.ready !== undefined), 'a ready notice', ms);
    return this.messages.find((x) => x.ready !== undefined).ready;
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await Promise.race([this.closed, unrefDelay(2000)]);
  }

  async whenClosed(ms = 5000): Promise<number | undefined> {
    await Promise.race([this.closed, unrefDelay(ms)]);
    return this.closeCode;
  }
}

/** A delay that does not keep the process alive (a guard in a race, not the thing awaited). */
export function unrefDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Waits without letting the event loop turn, bounded: a live capture meanwhile queues what it
 * reads instead of delivering it, as in a long pause of a worker's main thread.
 */
export function holdUntil(check: () => boolean, ms: number): boolean {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    Atomics.wait(cell, 0, 0, 1);
  }
  return check();
}

/** Value of one sample in Prometheus text (`name` or `name{labels}`), or undefined. */
export function metricValue(text: string, sample: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}
