/**
 * HTTP/2 over cleartext TCP (RFC 9113), with HPACK (RFC 7541): prior knowledge (the client's
 * preface first) and the h2c upgrade from HTTP/1.1 (RFC 7540 §3.2: http1 hands the stream over
 * after `101 Switching Protocols` with `Upgrade: h2c`).
 *
 * Files: frames.ts (frame grammar and plausibility), frame-reader.ts (bytes → frames, per
 * direction, resync), huffman-table.ts + huffman.ts (RFC 7541 Appendix B), hpack-static-table.ts
 * + hpack.ts (header blocks, dynamic table per direction), header-list.ts (fields → message),
 * exchange.ts (one stream), stream.ts (the StreamDissector: pairing by stream id), probe.ts
 * (recognition), seeker.ts (the same inside bytes, for detection), shape.ts (entry JSON; its header comment documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { Http2Seeker } from './seeker.js';
import { Http2Stream } from './stream.js';

export const http2: DissectorSpec = {
  name: 'http2',
  layer4: 'tcp',
  carries: ['grpc', 'graphql'],
  // h2c has no port of its own; the preface and SETTINGS speak for themselves.
  ports: [],
  probe,
  seeker: () => new Http2Seeker(),
  create: (session) => new Http2Stream(session),
};
