/**
 * The MySQL client/server protocol (MySQL 4.1 and later, MariaDB).
 *
 * Files: packets.ts (the grammar and the payloads' decoders), types.ts (column type names),
 * probe.ts (recognition, shared by detection and the reader's search after a loss), reader.ts
 * (one direction's bytes → packets), operation.ts (what one entry gathers), conversation.ts (the
 * pairing rule: which answers belong to which commands, where an answer ends), stream.ts (the
 * StreamDissector, the hand-over to TLS), shape.ts (entry JSON; its header comment documents the
 * shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { MyStream } from './stream.js';

export const mysql: DissectorSpec = {
  name: 'mysql',
  layer4: 'tcp',
  // Only to break ties; the bytes decide.
  ports: [3306],
  probe,
  create: (session) => new MyStream(session),
};
