/**
 * The parser's working record of one HTTP/1.x message: head fields, framing decision, body bytes
 * kept (as views of the chunks they arrived in: no copy) and anything that went wrong. Turned
 * into the wire JSON only when its transaction is emitted (see shape.ts).
 */

import type { Malformed } from '@shoal/model';

/** How the body of a message is delimited (RFC 9112 §6.3), decided once its head is parsed. */
export const BodyMode = {
  /** No body: HEAD responses, 1xx/204/304, requests without Content-Length or chunked. */
  NONE: 0,
  /** Content-Length bytes. */
  LENGTH: 1,
  /** Transfer-Encoding: chunked. */
  CHUNKED: 2,
  /** Everything until the connection closes (responses only). */
  CLOSE: 3,
  /** The connection stops being HTTP/1 after this head (101, 2xx to CONNECT). */
  SWITCH: 4,
  /** The framing headers are unusable (RFC 9112 §6.3 ¶4/¶5): the rest is not parseable. */
  INVALID: 5,
} as const;
export type BodyMode = (typeof BodyMode)[keyof typeof BodyMode];

export class Http1Message {
  readonly isRequest: boolean;
  /** Capture time of the first byte of the head. */
  readonly startTs: number;
  /** Capture time of the last byte seen so far. */
  endTs: number;

  // Start line.
  method = '';
  target = '';
  status = 0;
  reason = '';
  /** As spelled on the wire, e.g. `HTTP/1.1`. */
  version = '';
  /** The digit after `HTTP/1.`. */
  minor = 1;

  /** Lower-cased name → value; repeated fields joined (RFC 9110 §5.3). */
  headers: Record<string, string> = {};
  /** Bytes of the head: start line, fields and the empty line. */
  headersSize = 0;
  /** Bytes on the wire for the whole message: head, body and chunk framing, trailers. */
  wireSize = 0;

  bodyMode: BodyMode = BodyMode.NONE;
  /** For `LENGTH`: the declared length. */
  bodyLength = 0;
  /** Transfer codings other than the final `chunked`, in the order they were applied. */
  transferCodings: string[] | null = null;

  /**
   * Body bytes to keep: the reader's cap, which the stream may raise for a request that may
   * carry GraphQL and its response (kept in detail `summary` too: graphql/request.ts).
   */
  bodyCap = 0;
  /** Kept body bytes (content, after de-chunking), views into the received chunks. */
  bodyParts: Buffer[] | null = null;
  bodyKept = 0;
  /** Content bytes received (after de-chunking, before content decoding), gaps included. */
  bodySize = 0;
  /** Bytes of the body are missing (a gap, or the message ended early): keep no more. */
  bodyLossy = false;

  trailers: Record<string, string> | null = null;
  /** First problem seen with this message. */
  malformed: Malformed | undefined = undefined;

  constructor(isRequest: boolean, startTs: number) {
    this.isRequest = isRequest;
    this.startTs = startTs;
    this.endTs = startTs;
  }

  /** Record a problem unless an earlier one is already recorded. */
  flag(code: string): void {
    if (this.malformed === undefined) {
      this.malformed = { code, at: this.isRequest ? 'request' : 'response' };
    }
  }

  /** Body content `buf[start, end)`; kept as a view while under `cap`. */
  addBody(buf: Buffer, start: number, end: number, cap: number): void {
    const n = end - start;
    this.bodySize += n;
    if (this.bodyLossy || this.bodyKept >= cap) return;
    const take = Math.min(n, cap - this.bodyKept);
    const view = start === 0 && take === buf.length ? buf : buf.subarray(start, start + take);
    if (this.bodyParts === null) this.bodyParts = [view];
    else this.bodyParts.push(view);
    this.bodyKept += take;
  }

  /** `n` body bytes were lost: counted, and nothing after them is kept. */
  bodyGap(n: number): void {
    this.bodySize += n;
    this.bodyLossy = true;
  }
}
