/**
 * A /ws client for the hub's tests: records every message and how the socket closed. A batch
 * (`{"entries": [...]}`, docs/hub.md) is recorded as its entries, in order, so the tests read
 * batched and unbatched clients alike; `frames` counts the messages as they came.
 */
import { WebSocket } from 'ws';
import { waitFor } from '@shoal/testkit';
import type { Json } from './cluster.js';

export class FeedSocket {
  readonly messages: Json[] = [];
  /** WebSocket messages received (a batch is one). */
  frames = 0;
  closeCode: number | undefined;
  readonly ws: WebSocket;
  private readonly closed: Promise<void>;

  constructor(port: number, query = '', headers: Record<string, string> = {}) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
    this.ws.on('message', (data) => {
      this.frames++;
      const message = JSON.parse(String(data)) as Json;
      if (Array.isArray(message.entries)) this.messages.push(...(message.entries as Json[]));
      else this.messages.push(message);
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
      this.ws.once('close', () => reject(new Error('socket closed before opening')));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits until `check` holds over the messages; fails naming `what` and what came so far. */
  async until(check: (messages: Json[]) => boolean, what = 'the messages to pass the check', ms = 10_000): Promise<true> {
    return waitFor(() => `${what} on /ws (${this.entries.length} entries in ${this.messages.length} messages: ${JSON.stringify(this.messages).slice(0, 300)})`, () => check(this.messages), ms);
  }

  /** Waits for the `count`-th ready notice (a filter change brings a new one). */
  async ready(count = 1, ms = 10_000): Promise<Json> {
    const readies = () => this.messages.filter((x) => x.ready !== undefined);
    await this.until(() => readies().length >= count, `ready notice #${count}`, ms);
    return readies()[count - 1].ready;
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  async whenClosed(ms = 5000): Promise<number | undefined> {
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, ms).unref())]);
    return this.closeCode;
  }
}
