/**
 * A PlaintextSink that keeps what the tracer delivers: each connection with the bytes of each
 * direction joined, its gaps, whether it ended.
 */

import { formatIp, type StreamEnd } from '@shoal/dissect';
import type { PlaintextConnection, PlaintextSink } from '../../dist/index.js';

export interface CollectedStream {
  connection: PlaintextConnection;
  /** "ip:port" of the traced process's end and of its peer. */
  local: string;
  remote: string;
  /** Direction 0: written by the traced process; 1: read by it. */
  chunks: [Buffer[], Buffer[]];
  gaps: number;
  ended: boolean;
}

export function endText(e: StreamEnd): string {
  return `${formatIp(e.version, e.words)}:${e.port}`;
}

export class StreamsSink implements PlaintextSink {
  readonly streams: CollectedStream[] = [];

  open(connection: PlaintextConnection): ReturnType<PlaintextSink['open']> {
    const s: CollectedStream = { connection, local: endText(connection.local), remote: endText(connection.remote), chunks: [[], []], gaps: 0, ended: false };
    this.streams.push(s);
    return {
      // The chunk is a view into a batch: a copy is kept.
      data: (d, chunk) => s.chunks[d].push(Buffer.from(chunk)),
      gap: () => s.gaps++,
      end: () => (s.ended = true),
    };
  }

  /** The bytes of one direction of a stream, joined. */
  static text(s: CollectedStream, direction: 0 | 1): string {
    return Buffer.concat(s.chunks[direction]).toString('latin1');
  }
}

/** A logger that keeps nothing (the tracer's log lines are not under test). */
export const quietLog = { info: (): void => undefined, warn: (): void => undefined };
