/**
 * MQTT entries to filter, exactly as the dissector wrote them from real traffic: mosquitto with
 * MQTT.js (packages/dissect/test/fixtures/mqtt/*.expected.json, made by generate-mqtt.sh).
 */

import type { Entry } from '@shoal/model';
import { fixtureEntries } from './fixture-entries.js';

function pick(capture: string, summary: string): Entry {
  const e = fixtureEntries('mqtt', capture).find((x) => x.summary.text.startsWith(summary));
  if (!e) throw new Error(`fixture mqtt/${capture} has no entry "${summary}"`);
  return e;
}

/** `CONNECT shoal-fixture-v5 (5.0) -> accepted`. */
export const connect = (): Entry => pick('node-v5', 'CONNECT');
/** `PUBLISH sensors/pressure (QoS 2, 8 B) -> PUBREC, PUBREL, PUBCOMP`: the client's. */
export const qos2 = (): Entry => pick('node-v5', 'PUBLISH sensors/pressure (QoS 2');
/** `PUBLISH sensors/humidity (QoS 1, 4 B)`: a binary payload. */
export const binary = (): Entry => pick('node-v5', 'PUBLISH sensors/humidity');
/** `PUBLISH secret/plans (QoS 1, 17 B) -> PUBACK not authorized`. */
export const refused = (): Entry => pick('node-v5', 'PUBLISH secret/plans');
/** `SUBSCRIBE sensors/# -> granted QoS 2`. */
export const subscribe = (): Entry => pick('node-v5', 'SUBSCRIBE');
/** `PINGREQ -> PINGRESP`. */
export const ping = (): Entry => pick('node-v311', 'PINGREQ');
