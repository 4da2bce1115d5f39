/**
 * AMQP 0-9-1 (with RabbitMQ's extensions), recognised by the client's protocol header or the
 * server's connection.start on any port.
 *
 * Files: frames.ts (the framing, per direction, losses and resync), fields.ts (the data types
 * and field tables), methods.ts (every class and method: names, arguments, which carry content,
 * which are answered), content-header.ts (content header frames and the basic properties),
 * probe.ts (recognition), stream.ts (the StreamDissector; its header comment says how methods
 * make exchanges), shape.ts (entry JSON; its header comment documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { AmqpStream } from './stream.js';

export const amqp: DissectorSpec = {
  name: 'amqp',
  layer4: 'tcp',
  // 5672: AMQP (IANA); 5671 is AMQP over TLS, which TLS shows.
  ports: [5672],
  probe,
  create: (session) => new AmqpStream(session),
};
