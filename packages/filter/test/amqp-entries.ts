/**
 * AMQP entries to filter, exactly as the dissector wrote them from real traffic: RabbitMQ and
 * amqplib (packages/dissect/test/fixtures/amqp/amqplib.expected.json, made by generate-amqp.sh).
 */

import type { Entry } from '@shoal/model';
import { fixtureEntries } from './fixture-entries.js';

function pick(summary: string): Entry {
  const e = fixtureEntries('amqp', 'amqplib').find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture amqp/amqplib has no entry "${summary}"`);
  return e;
}

/** `basic.publish shoal.events (30 B) -> basic.ack`: a confirmed publish. */
export const publish = (): Entry => pick('basic.publish shoal.events');
/** `basic.deliver shoal.tasks (100000 B) -> basic.reject`. */
export const largeDelivery = (): Entry => pick('basic.deliver shoal.tasks (100000 B)');
/** `queue.declare shoal.missing -> channel.close 404 NOT_FOUND …`: a refusal. */
export const refused = (): Entry => pick('queue.declare shoal.missing');
/** `basic.deliver shoal.auto (15 B)`: to a consumer without acks. */
export const autoDelivery = (): Entry => pick('basic.deliver shoal.auto');
