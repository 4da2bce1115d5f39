/**
 * PostgreSQL's frontend/backend protocol, version 3 (PostgreSQL 15 documentation, chapter 55).
 *
 * Files: messages.ts (the grammar and the bodies' decoders), types.ts (built-in type names),
 * probe.ts (recognition, shared by detection and the reader's search after a loss), reader.ts
 * (one direction's bytes → messages), named-texts.ts (statement and portal names → their text),
 * operation.ts (what one entry gathers), conversation.ts (the pairing rule: which answers belong
 * to which requests), stream.ts (the StreamDissector, the hand-over to TLS), shape.ts (entry
 * JSON; its header comment documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { PgStream } from './stream.js';

export const postgresql: DissectorSpec = {
  name: 'postgresql',
  layer4: 'tcp',
  // Only to break ties; the bytes decide.
  ports: [5432],
  probe,
  create: (session) => new PgStream(session),
};
