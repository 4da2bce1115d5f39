/**
 * Detection's seeker for HTTP/1 (dissector.ts MessageSeeker): a direction is not known to carry
 * requests or responses yet, so it looks for both (resync.ts) and reports whichever message
 * starts first.
 */

import type { MessageSeeker } from '../../dissector.js';
import { Resync, type Found } from './resync.js';

export class Http1Seeker implements MessageSeeker {
  private readonly requests = new Resync(true);
  private readonly responses = new Resync(false);

  constructor() {
    // The first byte was refused by the probe, so it does not begin a line we trust.
    this.requests.start(false);
    this.responses.start(false);
  }

  scan(chunk: Buffer): number | null {
    // Capture times do not matter here: the caller holds the bytes with their own.
    const request = this.requests.scan(chunk, 0, 0);
    const response = this.responses.scan(chunk, 0, 0);
    if (request === null) return response === null ? null : startOf(response);
    return response === null ? startOf(request) : Math.min(startOf(request), startOf(response));
  }
}

/** Where a found message starts, relative to the chunk searched (negative: in held bytes). */
function startOf(found: Found): number {
  let held = 0;
  for (const part of found.head) held += part.length;
  return found.at - held;
}
