/**
 * permessage-deflate (RFC 7692): which terms the 101 accepted, and undoing the compression of
 * one direction's messages.
 *
 * Negotiation (§5, §7.1): the response's Sec-WebSocket-Extensions names the extensions in use,
 * `permessage-deflate` with parameters such as `server_no_context_takeover`,
 * `client_no_context_takeover`, `server_max_window_bits=10`:
 *
 *   Sec-WebSocket-Extensions = extension-list   (RFC 6455 §9.1)
 *   extension-list  = 1#extension
 *   extension       = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *
 * Compression (§7.2): a message's payload (all its frames joined) is DEFLATE data (RFC 1951)
 * whose final 0x00 0x00 0xff 0xff (an empty stored block, from a sync flush) was taken off; the
 * receiver appends it back and inflates. Unless `<sender>_no_context_takeover` was agreed, the
 * sender keeps its LZ77 window from one message to the next, so a message may refer to octets of
 * earlier ones (up to 32 KiB back): each direction has its own window.
 *
 * The window is kept here as the last 32 KiB of the direction's output and given to zlib as the
 * preset dictionary of the next message (inflateSetDictionary is what raw inflate does with it:
 * the same as the window a streaming inflater would have kept). Output is bounded (`limit`), so a
 * decompression bomb stops there; that message is then not decoded, and neither are the ones that
 * refer back into it: a window is never guessed, a reference into unknown history fails in zlib.
 */

import zlib from 'node:zlib';
import type { UpgradeHandshake } from '../../dissector.js';

/** What the 101 accepted, per direction: the sender keeps its window across messages. */
export interface DeflateTerms {
  clientTakeover: boolean;
  serverTakeover: boolean;
}

/**
 * The permessage-deflate terms of `handshake` (null: it accepted no compression). Without a
 * handshake (a connection joined after it), compression may be on, with windows kept: the
 * default terms.
 */
export function deflateTerms(handshake: UpgradeHandshake | undefined): DeflateTerms | null {
  if (handshake === undefined) return { clientTakeover: true, serverTakeover: true };
  const accepted = handshake.response['sec-websocket-extensions'];
  if (accepted === undefined) return null;
  for (const extension of splitOutsideQuotes(accepted, ',')) {
    const [name, ...params] = splitOutsideQuotes(extension, ';').map((p) => p.trim().toLowerCase());
    if (name !== 'permessage-deflate') continue;
    const names = new Set(params.map((p) => p.split('=')[0]!.trim()));
    return { clientTakeover: !names.has('client_no_context_takeover'), serverTakeover: !names.has('server_no_context_takeover') };
  }
  return null;
}

/** `value` cut at each `separator` that is not inside a quoted-string (RFC 9110 §5.6.4). */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const out: string[] = [];
  let from = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === separator && !quoted) {
      out.push(value.slice(from, i));
      from = i + 1;
    }
  }
  out.push(value.slice(from));
  return out;
}

/** The LZ77 window of DEFLATE (RFC 1951 §2): how far back a message may refer. */
const WINDOW = 32 * 1024;
/** What the sender took off the end of each message (RFC 7692 §7.2.1). */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const EMPTY = Buffer.alloc(0);

export type Inflated = { data: Buffer; error?: undefined } | { data?: undefined; error: string };

/** Inflates one direction's compressed messages in order, keeping its window when it is kept. */
export class MessageInflater {
  /** The last octets of output since the history is known, at most WINDOW. */
  private history: Buffer = EMPTY;
  /** Every earlier message of the direction was decoded (false: joined mid-way, or one was lost). */
  private known: boolean;

  /**
   * `takeover`: the sender keeps its window across messages. `fromStart`: the direction's first
   * message is the first there was (the handshake was seen). `limit`: most octets one message
   * may inflate to.
   */
  constructor(
    private readonly takeover: boolean,
    fromStart: boolean,
    private readonly limit: number,
  ) {
    this.known = fromStart;
  }

  /** Undo the compression of one whole message's payload. */
  inflate(compressed: Buffer): Inflated {
    const options: zlib.ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: this.limit };
    if (this.takeover && this.history.length > 0) options.dictionary = this.history;
    let data: Buffer;
    try {
      data = zlib.inflateRawSync(Buffer.concat([compressed, TAIL]), options);
    } catch (e) {
      const error = this.explain(e);
      this.lose();
      return { error };
    }
    if (this.takeover) this.remember(data);
    return { data };
  }

  /** A message of this direction could not be decoded: what it added to the window is unknown. */
  lose(): void {
    if (!this.takeover) return;
    this.history = EMPTY;
    this.known = false;
  }

  private remember(out: Buffer): void {
    if (out.length >= WINDOW) {
      // A copy: a view would keep the whole output alive.
      this.history = Buffer.from(out.subarray(out.length - WINDOW));
      return;
    }
    if (out.length === 0) return;
    const keep = this.history.subarray(Math.max(0, this.history.length + out.length - WINDOW));
    this.history = Buffer.concat([keep, out]);
  }

  private explain(e: unknown): string {
    const err = e as { code?: string; message?: string };
    if (err.code === 'ERR_BUFFER_TOO_LARGE') return `deflate: over ${this.limit} bytes once decoded: not decoded`;
    const reason = err.message ?? String(e);
    if (!this.known && this.takeover && /distance too far back/.test(reason)) {
      return 'deflate: refers to earlier messages that were not decoded (the capture began after them, or one was lost)';
    }
    return `deflate: ${reason}`;
  }
}
