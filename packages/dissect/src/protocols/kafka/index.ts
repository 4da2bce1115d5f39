/**
 * Kafka (the Kafka protocol guide, kafka.apache.org/protocol, and the message definitions in
 * clients/src/main/resources/common/message/): size-prefixed requests and responses over TCP,
 * paired by correlation id.
 *
 * Files: api-keys.ts (every API key: name, versions, header versions), error-codes.ts (error
 * codes in words), cursor.ts (primitive types), schema.ts (the grammar notation), apis/ (the
 * grammar of each decoded API, every version), body.ts (a body read by its grammar, with the
 * facts an entry shows), records.ts (record batches summarised), header.ts (request and response
 * headers), probe.ts (recognition), pairs.ts (a request as kept until its response),
 * stream.ts (the StreamDissector: ../size-framer.ts per direction, ../pending-by-id.ts), shape.ts
 * (entry JSON; its header comment documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { KafkaStream } from './stream.js';

export const kafka: DissectorSpec = {
  name: 'kafka',
  layer4: 'tcp',
  // 9092: the broker's plaintext listener by convention (and Wireshark's default).
  ports: [9092],
  probe,
  create: (session) => new KafkaStream(session),
};
