import { DissectorRegistry } from '../registry.js';
import { amqp } from './amqp/index.js';
import { dns } from './dns/index.js';
import { http1 } from './http1/index.js';
import { http2 } from './http2/index.js';
import { icmp } from './icmp/index.js';
import { mysql } from './mysql/index.js';
import { postgresql } from './postgresql/index.js';
import { kafka } from './kafka/index.js';
import { mongodb } from './mongodb/index.js';
import { mqtt } from './mqtt/index.js';
import { redis } from './redis/index.js';
import { tls } from './tls/index.js';
import { ws } from './ws/index.js';

/** Every dissector this build ships, in probe priority order. */
export function defaultRegistry(): DissectorRegistry {
  return new DissectorRegistry([http1, http2, dns, tls, ws, redis, mqtt, amqp, icmp, postgresql, mysql, kafka, mongodb]);
}
