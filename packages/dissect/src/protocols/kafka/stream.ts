/**
 * The Kafka connection dissector: a framer per direction (size-framer.ts: `Size:int32`,
 * big-endian, not counting itself), requests read by their
 * header (header.ts) and, for the decoded APIs, their body (body.ts, apis/); responses paired by
 * correlation id with the waiting requests (pending-by-id.ts), which say how to read them.
 *
 * Produce with acks 0 gets no response (Kafka protocol guide, "Produce API"): it is emitted at
 * once. When the server closes, what waits will not be answered.
 */

import type { Direction, DissectorSession, StreamDissector } from '../../dissector.js';
import { decodeBudget } from '../http1/decode.js';
import { API_PRODUCE, isFlexible, responseHeaderVersion } from './api-keys.js';
import { grammarOf } from './apis/index.js';
import { decodeBody, type DecodedBody } from './body.js';
import { PendingById } from '../pending-by-id.js';
import { SizeFramer, type FramedMessage } from '../size-framer.js';
import { readRequestHeader, responseBodyAt, type RequestHeader } from './header.js';
import type { KafkaRequest } from './pairs.js';
import { judgeRequest, MAX_MESSAGE } from './probe.js';
import { kafkaTransaction, type KafkaResponse } from './shape.js';

export class KafkaStream implements StreamDissector {
  private readonly session: DissectorSession;
  private readonly framers: [SizeFramer, SizeFramer];
  private readonly pending = new PendingById<KafkaRequest>();
  private readonly full: boolean;
  private readonly budget: number;
  private done = false;

  constructor(session: DissectorSession) {
    this.session = session;
    this.full = session.options.detail !== 'summary';
    this.budget = decodeBudget(Math.max(0, session.options.bodyCapBytes));
    const framers: SizeFramer[] = [];
    for (const direction of [0, 1] as const) {
      const client = direction === session.clientDirection;
      const judge = client
        ? (b: Buffer) => verdictOf(judgeRequest(b, true))
        : (b: Buffer) => this.judgeResponse(b);
      framers[direction] = new SizeFramer(this.budget, kafkaSize, judge, (m) => (client ? this.request(m) : this.response(m)));
    }
    this.framers = framers as [SizeFramer, SizeFramer];
  }

  // ---- StreamDissector: nothing escapes these -----------------------------------------------

  data(direction: Direction, chunk: Buffer, timestampMs: number): void {
    if (this.done || chunk.length === 0) return;
    try {
      this.framers[direction].push(chunk, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  gap(direction: Direction, length: number, timestampMs: number): void {
    if (this.done) return;
    try {
      this.framers[direction].gap(length, timestampMs);
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  end(direction: Direction, timestampMs: number): void {
    if (this.done) return;
    try {
      this.framers[direction].end(timestampMs);
      if (direction !== this.session.clientDirection) this.pending.drain((r) => this.emit(r, null));
    } catch {
      this.recover(direction, timestampMs);
    }
  }

  tick(timestampMs: number): void {
    if (this.done) return;
    try {
      this.pending.expire(timestampMs, this.session.options.responseTimeoutMs, (r) => this.emit(r, null));
    } catch {
      // Nothing to repair: a request that failed to emit is gone.
    }
  }

  close(timestampMs: number): void {
    if (this.done) return;
    for (const framer of this.framers) {
      try {
        framer.end(timestampMs);
      } catch {
        // What waits is still emitted below.
      }
    }
    this.done = true;
    this.pending.drain((r) => {
      try {
        this.emit(r, null);
      } catch {
        // A broken request must not hide the ones after it.
      }
    });
  }

  // ---- messages ------------------------------------------------------------------------------

  private request(framed: FramedMessage): void {
    const header = readRequestHeader(framed.bytes);
    const r: KafkaRequest = { framed, header, body: null, notDecoded: null };
    if (header === null) {
      this.emit(r, null);
      return;
    }
    this.decode(r, header);
    if (header.apiKey === API_PRODUCE && r.body?.facts.acks === 0) {
      this.emit(r, null);
      return;
    }
    for (const pushed of this.pending.add(r, header.correlationId)) this.emit(pushed, null);
  }

  private decode(r: KafkaRequest, h: RequestHeader): void {
    const grammar = grammarOf(h.apiKey);
    if (grammar === undefined) return;
    if (h.apiVersion > grammar.MAX_VERSION) {
      r.notDecoded = versionTooNew(h.apiVersion, grammar.MAX_VERSION);
      return;
    }
    r.body = this.body(grammar.request, r.framed, h.bodyAt, h.apiKey, h.apiVersion);
  }

  private response(framed: FramedMessage): void {
    const bytes = framed.bytes;
    const correlationId = bytes.length >= 4 ? bytes.readInt32BE(0) : null;
    const res: KafkaResponse = { framed, correlationId, body: null, notDecoded: null };
    const req = correlationId === null ? undefined : this.pending.take(correlationId);
    const h = req?.header;
    if (h) {
      const grammar = grammarOf(h.apiKey);
      if (grammar !== undefined && h.apiVersion > grammar.MAX_VERSION) res.notDecoded = versionTooNew(h.apiVersion, grammar.MAX_VERSION);
      else if (grammar !== undefined) {
        const at = responseBodyAt(bytes, responseHeaderVersion(h.apiKey, h.apiVersion));
        if (at >= 0) res.body = this.body(grammar.response, framed, at, h.apiKey, h.apiVersion);
      }
    }
    this.emit(req ?? null, res);
  }

  private body(schema: Parameters<typeof decodeBody>[0], framed: FramedMessage, at: number, apiKey: number, version: number): DecodedBody {
    return decodeBody(schema, framed.bytes, at, framed.bytes.length, {
      version,
      flexible: isFlexible(apiKey, version),
      build: this.full,
      cut: framed.cut || framed.problem !== null,
      records: { keys: this.full, budget: this.budget },
    });
  }

  /** A response starts here when its size can be and its correlation id is one a request waits with. */
  private judgeResponse(b: Buffer): 'yes' | 'no' | 'more' {
    if (b.length < 8) return 'more';
    const size = b.readInt32BE(0);
    if (size < 4 || size > MAX_MESSAGE) return 'no';
    return this.pending.has(b.readInt32BE(4)) ? 'yes' : 'no';
  }

  private emit(req: KafkaRequest | null, res: KafkaResponse | null): void {
    this.session.emit(kafkaTransaction(req, res, this.full));
  }

  /** A bug surfaced as an exception: that direction's framing is lost; search for the next message. */
  private recover(direction: Direction, timestampMs: number): void {
    try {
      this.framers[direction].gap(1, timestampMs);
    } catch {
      this.done = true;
    }
  }
}

/** The bytes after a Kafka size prefix, or -1 for a size no message has. */
const kafkaSize = (b: Buffer, at: number): number => {
  const n = b.readInt32BE(at);
  return n < 4 || n > MAX_MESSAGE ? -1 : n;
};

const verdictOf = (v: string): 'yes' | 'no' | 'more' => (v === 'client' ? 'yes' : v === 'more' ? 'more' : 'no');

const versionTooNew = (version: number, max: number): string => `version ${version} is newer than this dissector's grammar (${max})`;
