/**
 * Recognising HTTP/2 without its port (RFC 9113 §3.4): the client's first bytes are the
 * connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`; the server's first frame is a SETTINGS
 * frame (not an ACK, on stream 0, a multiple of 6 octets, registered identifiers). A connection
 * joined mid-way starts anywhere: it is recognised by a frame header confirmed by the next one
 * (frames.ts plausibleHeader) and a HEADERS frame among them whose first field is a request's
 * (static table entries 1–7: `:authority`, `:method`, `:path`, `:scheme`) or a response's
 * (8–14: `:status`), or a first field whose name is written out as one of those. Pseudo-header
 * fields come first (§8.3), and encoders index them statically or spell them even when the rest
 * of the block refers to a dynamic table the capture never saw.
 */

import type { ProbeVerdict } from '../../dissector.js';
import { FRAME_HEADER, Flag, FrameType, PREFACE, plausibleHeader, plausibleSettings } from './frames.js';
import { huffmanDecode } from './huffman.js';

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

/**
 * A chain of plausible frames from `data[from]`, looked at up to `data[to]`, with a HEADERS frame
 * that tells the role. Shared by the probe (from the first byte) and the seeker (from any).
 */
export function midway(data: Buffer, from = 0, to = data.length): ProbeVerdict {
  let at = from;
  for (;;) {
    if (at + FRAME_HEADER > to) return 'more';
    if (!plausibleHeader(data, at)) return 'no';
    const type = data[at + 3]!;
    const flags = data[at + 4]!;
    const end = at + FRAME_HEADER + data.readUIntBE(at, 3);
    if (type === FrameType.SETTINGS && end <= to && !plausibleSettings(data, at + FRAME_HEADER, end)) return 'no';
    if (type === FrameType.HEADERS && end <= to) {
      let first = at + FRAME_HEADER;
      if ((flags & Flag.PADDED) !== 0) first++;
      if ((flags & Flag.PRIORITY) !== 0) first += 5;
      const role = first < end ? roleOf(data, first, end) : null;
      // Confirmed by the frame after it, when there is one yet.
      if (role !== null) {
        if (end + FRAME_HEADER > to) return 'more';
        return plausibleHeader(data, end) ? role : 'no';
      }
    }
    at = end;
  }
}

/**
 * The role a header block's first field tells: its name, from the static table (an indexed
 * field or a literal with an indexed name) or written out as a new name (plain or Huffman-coded).
 */
function roleOf(data: Buffer, first: number, end: number): 'client' | 'server' | null {
  const octet = data[first]!;
  let index: number;
  if (octet >= 0x80) index = octet & 0x7f;
  else if (octet >= 0x40) index = octet & 0x3f;
  else if (octet < 0x20) index = octet & 0x0f;
  else return null;
  if (index === 0) return roleOfName(data, first + 1, end);
  if (index >= 1 && index <= 7) return 'client';
  if (index >= 8 && index <= 14) return 'server';
  return null;
}

/** A literal name string (RFC 7541 §5.2) of fewer than 127 octets at `data[at]`. */
function roleOfName(data: Buffer, at: number, end: number): 'client' | 'server' | null {
  if (at >= end) return null;
  const length = data[at]! & 0x7f;
  if (length === 0x7f || at + 1 + length > end) return null;
  const name = (data[at]! & 0x80) !== 0 ? huffmanDecode(data, at + 1, at + 1 + length) : data.toString('latin1', at + 1, at + 1 + length);
  if (name === ':status') return 'server';
  return name === ':method' || name === ':path' || name === ':scheme' || name === ':authority' ? 'client' : null;
}
