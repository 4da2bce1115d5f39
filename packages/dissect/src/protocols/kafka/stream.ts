/**
 * The Kafka connection dissector: a framer per direction (size-framer.ts: `Size:int32`,
 * big-endian, not counting itself), requests read by their
 * header (header.ts) and, for the decoded APIs, their body (body.ts, apis/); responses paired by
 * correlation id with the waiting requests (pending-by-id.ts), which say how to read them.
 *
 * Produce with acks 0 gets no response (Kafka protocol guide, "Produce API"): it is emitted at
 * once. When the server closes, what waits will not be answered.
 */

import type { DissectorSession } from '../../dissector.js';
import { API_PRODUCE, isFlexible, responseHeaderVersion } from './api-keys.js';
import { grammarOf } from './apis/index.js';
import { decodeBody, type DecodedBody } from './body.js';
import { SizeFramedStream, startVerdict } from '../size-framed-stream.js';
import type { FramedMessage } from '../size-framer.js';
import { readRequestHeader, responseBodyAt, type RequestHeader } from './header.js';
import type { KafkaRequest } from './pairs.js';
import { judgeRequest, MAX_MESSAGE } from './probe.js';
import { kafkaTransaction, type KafkaResponse } from './shape.js';

export class KafkaStream extends SizeFramedStream<KafkaRequest, KafkaResponse> {
  constructor(session: DissectorSession) {
    super(session, kafkaSize);
  }

  // ---- messages ------------------------------------------------------------------------------

  protected request(framed: FramedMessage): void {
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

  protected response(framed: FramedMessage): void {
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

  protected judgeRequest(b: Buffer): 'yes' | 'no' | 'more' {
    return startVerdict(judgeRequest(b, true));
  }

  /** A response starts here when its size can be and its correlation id is one a request waits with. */
  protected judgeResponse(b: Buffer): 'yes' | 'no' | 'more' {
    if (b.length < 8) return 'more';
    const size = b.readInt32BE(0);
    if (size < 4 || size > MAX_MESSAGE) return 'no';
    return this.pending.has(b.readInt32BE(4)) ? 'yes' : 'no';
  }

  protected emit(req: KafkaRequest | null, res: KafkaResponse | null): void {
    this.session.emit(kafkaTransaction(req, res, this.full));
  }}

/** The bytes after a Kafka size prefix, or -1 for a size no message has. */
const kafkaSize = (b: Buffer, at: number): number => {
  const n = b.readInt32BE(at);
  return n < 4 || n > MAX_MESSAGE ? -1 : n;
};

const versionTooNew = (version: number, max: number): string => `version ${version} is newer than this dissector's grammar (${max})`;
