/**
 * Test doubles for the hub's pushers (workers/worker-pushes.ts): the workers they push to, as
 * the registry presents them (names, 'up' and 'removed' events), and a transport whose requests
 * the test answers one by one, so the order and overlap of pushes is in the test's hands.
 */
import type { PushAnswer, PushTransport, PushWorkers } from '../../dist/workers/worker-pushes.js';

type Link = { name: string };

export class FakeWorkers implements PushWorkers {
  private readonly names: string[];
  private readonly upListeners = new Set<(link: Link) => void>();
  private readonly removedListeners = new Set<(link: Link) => void>();

  constructor(names: string[]) {
    this.names = [...names];
  }

  all(): Link[] {
    return this.names.map((name) => ({ name }));
  }

  onUp(listener: (link: Link) => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  onRemoved(listener: (link: Link) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** The worker came (back) up, as the registry reports it. */
  up(name: string): void {
    for (const l of this.upListeners) l({ name });
  }
}

/** One request the pusher sent, waiting for the test's answer. */
export interface SentPush {
  worker: string;
  method: 'PUT' | 'PATCH';
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  answered: boolean;
  answer(status: number, text?: string): void;
  fail(message: string): void;
}

export class FakeTransport {
  readonly sent: SentPush[] = [];
  /** The most requests in flight to one worker at any time. */
  maxInFlight = 0;
  private readonly inFlight = new Map<string, number>();

  readonly send: PushTransport = (worker, method, path, body) =>
    new Promise<PushAnswer>((resolve, reject) => {
      const n = (this.inFlight.get(worker) ?? 0) + 1;
      this.inFlight.set(worker, n);
      this.maxInFlight = Math.max(this.maxInFlight, n);
      const done = (): void => {
        push.answered = true;
        this.inFlight.set(worker, this.inFlight.get(worker)! - 1);
      };
      const push: SentPush = {
        worker, method, path, body: structuredClone(body), answered: false,
        answer: (status, text = '{}') => {
          done();
          resolve({ status, text });
        },
        fail: (message) => {
          done();
          reject(new TypeError('fetch failed', { cause: new Error(message) }));
        },
      };
      this.sent.push(push);
    });

  /** The requests still waiting for an answer. */
  open(): SentPush[] {
    return this.sent.filter((p) => !p.answered);
  }

  /** The one request waiting (fails the test when there are none or several). */
  only(): SentPush {
    const open = this.open();
    if (open.length !== 1) throw new Error(`expected one push in flight, found ${open.length}: ${open.map((p) => `${p.method} ${p.path} to ${p.worker}`).join('; ')}`);
    return open[0]!;
  }
}
