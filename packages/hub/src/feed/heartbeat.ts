/**
 * A WebSocket heartbeat (RFC 6455 §5.5.2-5.5.3: a Ping must be answered by a Pong): every
 * `intervalMs` the socket is pinged; one that answered neither the last ping nor with anything
 * else since is terminated. Without it a socket whose peer vanished without a FIN or RST (a node
 * that rebooted, a link that went down) stays open forever on this side: TCP only notices when
 * it has something to send, and a feed's receiving end sends nothing.
 *
 * The verdict waits for the I/O already received: after a stall of this process the timer
 * fires before the pong that came meanwhile is read, and the socket must not pay for it.
 */

import { NODE_CLOCK, type FeedClock } from './feed-environment.js';

/** What the heartbeat needs of a socket (`ws`'s WebSocket, client or server side). */
export interface PingedSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong' | 'message', listener: () => void): unknown;
  off(event: 'pong' | 'message', listener: () => void): unknown;
}

export class Heartbeat {
  private answered = true;
  private readonly timer: unknown;
  private stopped = false;
  private readonly onAnswer = (): void => {
    this.answered = true;
  };

  constructor(
    private readonly socket: PingedSocket,
    intervalMs: number,
    /** Called once, just before a silent socket is terminated. */
    private readonly onSilent: () => void,
    private readonly clock: Pick<FeedClock, 'setInterval' | 'clearInterval' | 'afterIo'> = NODE_CLOCK,
  ) {
    socket.on('pong', this.onAnswer);
    socket.on('message', this.onAnswer);
    this.timer = clock.setInterval(() => clock.afterIo(() => this.beat()), intervalMs);
  }

  /** The socket closed: no more pings. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearInterval(this.timer);
    this.socket.off('pong', this.onAnswer);
    this.socket.off('message', this.onAnswer);
  }

  private beat(): void {
    if (this.stopped) return;
    if (!this.answered) {
      this.stop();
      this.onSilent();
      this.socket.terminate();
      return;
    }
    this.answered = false;
    this.socket.ping();
  }
}
