/**
 * MQTT 3.1, 3.1.1 and 5.0 (OASIS), recognised by the client's CONNECT on any port.
 *
 * Files: packets.ts (the packet grammar and decoders), properties.ts (5.0 properties),
 * reason-codes.ts (reason and return codes in words), reader.ts (bytes → packets, per
 * direction, losses and resync), probe.ts (recognition), stream.ts (the StreamDissector; its
 * header comment says how packets make exchanges), shape.ts (entry JSON; its header comment
 * documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { MqttStream } from './stream.js';

export const mqtt: DissectorSpec = {
  name: 'mqtt',
  layer4: 'tcp',
  // 1883: MQTT (IANA); 8883 is MQTT over TLS, which TLS shows.
  ports: [1883],
  probe,
  create: (session) => new MqttStream(session),
};
