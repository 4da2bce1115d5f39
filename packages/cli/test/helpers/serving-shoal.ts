/**
 * A `shoal local` or `shoal view` process for tests: started with `--port 0 --front-port 0`, it
 * prints its hub and dashboard URLs when ready; the test reads that, talks to the hub, then stops it with SIGINT as a
 * user's Ctrl-C would. Waits are bounded; only the spawned process is signalled, by its PID.
 */

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { waitFor } from '@shoal/testkit';
import { WebSocket } from 'ws';
import { spawnShoal } from './run-shoal.js';

/** Bound for every wait: generous, as a loaded CI machine may be slow to start Node. */
export const WAIT_MS = 30_000;

export class ServingShoal {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(args: string[], spawn: (args: string[]) => ChildProcess = spawnShoal) {
    this.child = spawn(args);
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.exited = once(this.child, 'close').then(([code]) => code as number | null);
  }

  /** The hub's URL once the banner is out ('Ctrl-C stops.'); throws if the process ends first. */
  async hubUrl(): Promise<string> {
    await this.until(() => this.stdout.includes('Ctrl-C stops.'), 'the banner');
    const url = /^ {2}hub +(http:\/\/\S+)/m.exec(this.stdout)?.[1];
    if (url === undefined) throw new Error(`no hub URL in:\n${this.stdout}`);
    return url;
  }

  /** The dashboard's sign-in link (its URL with this run's `?token=`) once the banner is out. */
  async dashboardLink(): Promise<string> {
    await this.hubUrl();
    const url = /^ {2}dashboard +(http:\/\/\S+)/m.exec(this.stdout)?.[1];
    if (url === undefined) throw new Error(`no dashboard URL in:\n${this.stdout}`);
    return url;
  }

  /** The first group of `pattern` once stdout matches it; throws if the process ends first. */
  async printed(pattern: RegExp, what: string): Promise<string> {
    await this.until(() => pattern.test(this.stdout), what);
    return pattern.exec(this.stdout)![1]!;
  }

  /** Ctrl-C, then the exit code (bounded: SIGKILL after WAIT_MS). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    return this.ended();
  }

  /** The exit code of a process that ends by itself (bounded: SIGKILL after WAIT_MS). */
  async ended(): Promise<number | null> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), WAIT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  describe(): string {
    return `--- stdout:\n${this.stdout.slice(0, 1500)}\n--- stderr:\n${this.stderr.slice(0, 1500)}`;
  }

  private async until(done: () => boolean, what: string): Promise<void> {
    const ended = () => this.child.exitCode !== null || this.child.signalCode !== null;
    await waitFor(() => `${what}\n${this.describe()}`, () => {
      if (!done() && ended()) throw new Error(`shoal ended before ${what}\n${this.describe()}`);
      return done();
    }, { timeoutMs: WAIT_MS, intervalMs: 50 });
  }
}

/** A JSON message of the /ws protocol. */
export type WsMessage = Record<string, unknown>;

/**
 * Opens the hub's /ws with filter `q` from time `since` and collects entries until `enough`
 * says so (or `waitMs` passes); returns every entry received. `headers` go with the upgrade
 * (a dashboard's session cookie, for its /api/ws).
 */
export async function collectEntries(hubUrl: string, q: string, since: number, enough: (entries: WsMessage[]) => boolean, waitMs = WAIT_MS, headers: Record<string, string> = {}): Promise<WsMessage[]> {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/ws?q=${encodeURIComponent(q)}&since=${since}`, { headers });
  const entries: WsMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, waitMs);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as WsMessage;
        if (m['error'] !== undefined) reject(new Error(`/ws error: ${JSON.stringify(m['error'])}`));
        if (typeof m['id'] === 'string') entries.push(m);
        if (enough(entries)) {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.on('error', (err) => reject(err));
    });
  } finally {
    ws.terminate();
  }
  return entries;
}
