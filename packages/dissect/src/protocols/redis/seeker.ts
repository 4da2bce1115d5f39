/**
 * Detection's seeker for Redis (dissector.ts MessageSeeker): in bytes no probe recognised at
 * their start (a capture that began mid-way, bytes after a loss), the next command or push in
 * RESP starts right after an LF (start-search.ts). Inline commands are not searched for: a line
 * of words in the middle of other bytes is too weak a sign.
 */

import type { MessageSeeker } from '../../dissector.js';
import { probe } from './probe.js';
import { StartSearch } from './start-search.js';
import { RespType } from './resp.js';
import type { StartVerdict } from './starts.js';

/** What the probe would claim, among messages in RESP. */
function respStart(bytes: Buffer): StartVerdict {
  if (bytes[0] !== RespType.ARRAY && bytes[0] !== RespType.PUSH) return 'no';
  const verdict = probe(bytes);
  return verdict === 'client' || verdict === 'server' ? 'yes' : verdict;
}

export function redisSeeker(): MessageSeeker {
  // The first byte was refused by the probe: it is no candidate.
  const search = new StartSearch(respStart, false);
  return { scan: (chunk) => search.scan(chunk) };
}
