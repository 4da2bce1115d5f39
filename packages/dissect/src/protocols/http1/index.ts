/**
 * HTTP/1.0 and HTTP/1.1 (message syntax RFC 9112, semantics RFC 9110).
 *
 * Files: probe.ts (start-line recognition), sections.ts + head.ts (finding and parsing heads),
 * framing.ts (body length rules), reader.ts (per-direction state machine), decode.ts (content
 * codings), stream.ts (request/response pairing), shape.ts (entry JSON; documents the shapes).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { Http1Stream } from './stream.js';

export const http1: DissectorSpec = {
  name: 'http',
  layer4: 'tcp',
  ports: [80, 8080, 8000, 8008, 8081, 8888, 3000, 5000, 9000],
  probe,
  create: (session) => new Http1Stream(session),
};

export { probe as probeHttp1 } from './probe.js';
export { Http1Stream } from './stream.js';
