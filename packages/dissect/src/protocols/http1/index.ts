/**
 * HTTP/1.0 and HTTP/1.1 (message syntax RFC 9112, semantics RFC 9110).
 *
 * Files: probe.ts (start-line recognition, shared by detection and resync), sections.ts, span.ts,
 * head.ts and field-names.ts (finding and parsing heads), framing.ts (body length rules),
 * reader-steps.ts + reader.ts (the per-direction state machine), hold.ts (bytes held while
 * paused), resync.ts (finding the next message after garbage or a gap), seeker.ts (the same for detection),
 * decode.ts (content
 * codings), pairs.ts (the request/response queue), stream.ts (the StreamDissector), shape.ts
 * (entry JSON; its header comment documents the shapes).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { Http1Seeker } from './seeker.js';
import { Http1Stream } from './stream.js';

export const http1: DissectorSpec = {
  name: 'http',
  layer4: 'tcp',
  carries: ['graphql'],
  ports: [80, 8080, 8000, 8008, 8081, 8888, 3000, 5000, 9000],
  probe,
  seeker: () => new Http1Seeker(),
  create: (session) => new Http1Stream(session),
};

export { probe as probeHttp1 } from './probe.js';
export { Http1Stream } from './stream.js';
