import { WebSocket } from 'ws';

/**
 * What the feed's state machines take from the outside world: a clock and sockets to the
 * workers. Node's in the hub; a fake clock and fake sockets in the unit tests, which then step
 * reconnections, resumptions, heartbeats and handovers one event at a time.
 */
export interface FeedClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(timer: unknown): void;
  /** Runs `fn` once the I/O that is ready now has been read (setImmediate: after the poll phase). */
  afterIo(fn: () => void): void;
}

/** A client WebSocket to a worker: what `ws` offers and the feed uses. */
export interface WorkerSocket {
  readonly readyState: number;
  ping(): void;
  terminate(): void;
  close(code?: number, reason?: string): void;
  // `ws` emits 'open', 'upgrade', 'message', 'pong', 'unexpected-response', 'error', 'close'.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export interface FeedEnvironment {
  clock: FeedClock;
  connect(url: string, headers: Record<string, string>): WorkerSocket;
}

export const NODE_CLOCK: FeedClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout | undefined),
  afterIo: (fn) => void setImmediate(fn),
};

export const NODE_FEED_ENVIRONMENT: FeedEnvironment = {
  clock: NODE_CLOCK,
  connect: (url, headers) => new WebSocket(url, { headers }),
};
