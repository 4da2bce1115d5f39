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
 * the same as the window a streaming inflater would have kept; Node has no synchronous streaming
 * inflater). Setting 32 KiB costs more than inflating a small message, and many messages refer
 * only to the few before them: a message is tried with the last 4 KiB first, and again with all
 * 32 KiB when zlib says a distance goes further back (it never resolves one it was not given); a
 * sender whose messages reach further back is given the whole window for a while. Output is
 * bounded (`limit`), so a decompression bomb stops there; that message is then not decoded, and
 * neither are the ones that refer back into it: a window is never guessed, a reference into
 * unknown history fails in zlib.
 */

import type { ZlibOptions } from 'node:zlib';
import { zlibModule } from '../../lazy-builtins.js';
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
/** The window first given: enough for messages that refer to the last few. */
const NEAR_WINDOW = 4 * 1024;
/** The history's buffer: twice the window, so that output is moved down once per window, not per message. */
const HISTORY_CAPACITY = 2 * WINDOW;
/** Output buffer of one zlib call: small messages need no 16 KiB allocation each. */
const CHUNK = 1024;
/** Messages given the whole window after one that reached past NEAR_WINDOW. */
const FAR_RUN = 64;
/** What the sender took off the end of each message (RFC 7692 §7.2.1). */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const EMPTY = Buffer.alloc(0);

export type Inflated = { data: Buffer; error?: undefined } | { data?: undefined; error: string };

/** Inflates one direction's compressed messages in order, keeping its window when it is kept. */
export class MessageInflater {
  /** Output since the history is known; its last WINDOW octets are the window. */
  private history: Buffer = EMPTY;
  private historyLength = 0;
  /** Every earlier message of the direction was decoded (false: joined mid-way, or one was lost). */
  private known: boolean;
  /** Messages still to be given the whole window at once. */
  private far = 0;

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
    const input = Buffer.concat([compressed, TAIL]);
    const window = this.takeover ? this.history.subarray(Math.max(0, this.historyLength - WINDOW), this.historyLength) : EMPTY;
    const near = window.length > NEAR_WINDOW && this.far === 0;
    if (this.far > 0) this.far--;
    let data: Buffer;
    try {
      try {
        data = this.run(input, near ? window.subarray(window.length - NEAR_WINDOW) : window);
      } catch (e) {
        if (!near || !tooFarBack(e)) throw e;
        this.far = FAR_RUN;
        data = this.run(input, window);
      }
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
    this.historyLength = 0;
    this.known = false;
  }

  private run(input: Buffer, dictionary: Buffer): Buffer {
    const zlib = zlibModule();
    const options: ZlibOptions = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: this.limit, chunkSize: CHUNK };
    if (dictionary.length > 0) options.dictionary = dictionary;
    return zlib.inflateRawSync(input, options);
  }

  private remember(out: Buffer): void {
    if (this.history.length === 0) this.history = Buffer.allocUnsafe(HISTORY_CAPACITY);
    if (out.length >= WINDOW) {
      out.copy(this.history, 0, out.length - WINDOW);
      this.historyLength = WINDOW;
      return;
    }
    if (this.historyLength + out.length > HISTORY_CAPACITY) {
      // Move the part of the window that stays down to the start.
      const keep = Math.min(this.historyLength, WINDOW - out.length);
      this.history.copy(this.history, 0, this.historyLength - keep, this.historyLength);
      this.historyLength = keep;
    }
    out.copy(this.history, this.historyLength);
    this.historyLength += out.length;
  }

  private explain(e: unknown): string {
    const err = e as { code?: string; message?: string };
    if (err.code === 'ERR_BUFFER_TOO_LARGE') return `deflate: over ${this.limit} bytes once decoded: not decoded`;
    const reason = err.message ?? String(e);
    if (!this.known && this.takeover && tooFarBack(e)) {
      return 'deflate: refers to earlier messages that were not decoded (the capture began after them, or one was lost)';
    }
    return `deflate: ${reason}`;
  }
}

/** zlib's error for a distance beyond the window it was given. */
function tooFarBack(e: unknown): boolean {
  return /distance too far back/.test((e as { message?: string }).message ?? '');
}
