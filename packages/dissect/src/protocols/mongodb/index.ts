/**
 * MongoDB (the MongoDB Wire Protocol: OP_MSG, the legacy OP_QUERY and OP_REPLY, OP_COMPRESSED;
 * BSON, bsonspec.org) over TCP, paired by requestID and responseTo.
 *
 * Files: bson.ts (a bounded BSON reader), wire.ts (the header and each opcode's grammar),
 * probe.ts (recognition), stream.ts (the StreamDissector: ../size-framer.ts per direction,
 * ../pending-by-id.ts), shape.ts (entry JSON; its header comment documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { MongoStream } from './stream.js';

export const mongodb: DissectorSpec = {
  name: 'mongodb',
  layer4: 'tcp',
  // 27017: mongod and mongos by default.
  ports: [27017],
  probe,
  create: (session) => new MongoStream(session),
};
