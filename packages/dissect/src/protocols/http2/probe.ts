/**
 * Recognising HTTP/2 without its port (RFC 9113 §3.4): the client's first bytes are the
 * connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`; the server's first frame is a SETTINGS
 * frame (not an ACK, on stream 0, a multiple of 6 octets, registered identifiers). A connection
 * joined mid-way starts anywhere: it is recognised by a frame header confirmed by the next one
 * (frames.ts plausibleHeader) and a HEADERS frame among them whose first field is a request's
 * (static table entries 1–7: `:authority`, `:method`, `:path`, `:scheme`) or a response's
 * (8–14: `:status`). Those are what HPACK encoders put first (pseudo-header fields come first,
 * §8.3), and index them statically even when the rest of the block refers to a dynamic table
 * the capture never saw.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { FRAME_HEADER, Flag, FrameType, PREFACE, plausibleHeader, plausibleSettings } from './frames.js';

export function probe(data: Buffer): ProbeVerdict {
  const n = Math.min(data.length, PREFACE.length);
  if (n > 0 && data.compare(PREFACE, 0, n, 0, n) === 0) return n === PREFACE.length ? 'client' : 'more';
  const server = serverPreface(data);
  if (server !== 'no') return server;
  return midway(data);
}

/** A SETTINGS frame first: the server's connection preface. */
function serverPreface(data: Buffer): ProbeVerdict {
  // The frame header's bytes so far must agree: a length under 2^14, type 4, no flags, stream 0.
  const want = [-1, -1, -1, FrameType.SETTINGS, 0, 0, 0, 0, 0];
  for (let i = 0; i < Math.min(data.length, FRAME_HEADER); i++) {
    if (want[i]! >= 0 && data[i] !== want[i]) return 'no';
  }
  if (data.length < FRAME_HEADER) return data[0] === 0 ? 'more' : 'no';
  if (!plausibleHeader(data, 0)) return 'no';
  const end = FRAME_HEADER + data.readUIntBE(0, 3);
  if (data.length < end) return 'more';
  return plausibleSettings(data, FRAME_HEADER, end) ? 'server' : 'no';
}

/** A chain of plausible frames from the first byte, with a HEADERS frame that tells the role. */
function midway(data: Buffer): ProbeVerdict {
  let at = 0;
  for (;;) {
    if (at + FRAME_HEADER > data.length) return 'more';
    if (!plausibleHeader(data, at)) return 'no';
    const type = data[at + 3]!;
    const flags = data[at + 4]!;
    const end = at + FRAME_HEADER + data.readUIntBE(at, 3);
    if (type === FrameType.SETTINGS && end <= data.length && !plausibleSettings(data, at + FRAME_HEADER, end)) return 'no';
    if (type === FrameType.HEADERS && end <= data.length) {
      let first = at + FRAME_HEADER;
      if ((flags & Flag.PADDED) !== 0) first++;
      if ((flags & Flag.PRIORITY) !== 0) first += 5;
      const role = roleOf(data[first]);
      // Confirmed by the frame after it, when there is one yet.
      if (role !== null) {
        if (end + FRAME_HEADER > data.length) return 'more';
        return plausibleHeader(data, end) ? role : 'no';
      }
    }
    at = end;
  }
}

/** The role a header block's first octet tells: an indexed field or a literal with an indexed name. */
function roleOf(octet: number | undefined): 'client' | 'server' | null {
  if (octet === undefined) return null;
  let index: number;
  if (octet >= 0x80) index = octet & 0x7f;
  else if (octet >= 0x40) index = octet & 0x3f;
  else if (octet < 0x20) index = octet & 0x0f;
  else return null;
  if (index >= 1 && index <= 7) return 'client';
  if (index >= 8 && index <= 14) return 'server';
  return null;
}
