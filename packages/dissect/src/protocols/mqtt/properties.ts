/**
 * MQTT 5.0 properties (§2.2.2, the table of §2.2.2.2): after a Variable Byte Integer length,
 * each is an identifier and a value of the type the identifier fixes. Entries show them by name,
 * strings as text, binary data in hex, User Properties as a list of [name, value] in order
 * (they may repeat, §3.1.2.11.8). An unknown identifier ends the reading: what follows cannot be
 * framed (§2.2.2.2: a packet with one is malformed).
 */

import type { Cursor } from './packets.js';

export type Properties = Record<string, string | number | [string, string][]>;

const BYTE = 1;
const TWO = 2;
const FOUR = 4;
const VARINT = 5;
const STRING = 6;
const BINARY = 7;
const PAIR = 8;

const TABLE: Readonly<Record<number, readonly [string, number]>> = {
  0x01: ['payloadFormatIndicator', BYTE],
  0x02: ['messageExpiryInterval', FOUR],
  0x03: ['contentType', STRING],
  0x08: ['responseTopic', STRING],
  0x09: ['correlationData', BINARY],
  0x0b: ['subscriptionIdentifier', VARINT],
  0x11: ['sessionExpiryInterval', FOUR],
  0x12: ['assignedClientIdentifier', STRING],
  0x13: ['serverKeepAlive', TWO],
  0x15: ['authenticationMethod', STRING],
  0x16: ['authenticationData', BINARY],
  0x17: ['requestProblemInformation', BYTE],
  0x18: ['willDelayInterval', FOUR],
  0x19: ['requestResponseInformation', BYTE],
  0x1a: ['responseInformation', STRING],
  0x1c: ['serverReference', STRING],
  0x1f: ['reasonString', STRING],
  0x21: ['receiveMaximum', TWO],
  0x22: ['topicAliasMaximum', TWO],
  0x23: ['topicAlias', TWO],
  0x24: ['maximumQoS', BYTE],
  0x25: ['retainAvailable', BYTE],
  0x26: ['userProperties', PAIR],
  0x27: ['maximumPacketSize', FOUR],
  0x28: ['wildcardSubscriptionAvailable', BYTE],
  0x29: ['subscriptionIdentifierAvailable', BYTE],
  0x2a: ['sharedSubscriptionAvailable', BYTE],
};

/** The properties at the cursor (their length first); the cursor moves past them. */
export function decodeProperties(c: Cursor): Properties {
  const out: Properties = {};
  const length = c.varint();
  const end = Math.min(c.pos + length, c.buf.length);
  if (c.pos + length > c.buf.length) c.short = true;
  while (c.pos < end) {
    const id = c.u8();
    const entry = Object.hasOwn(TABLE, id) ? TABLE[id]! : undefined;
    if (entry === undefined) {
      out['unknown'] = `0x${id.toString(16).padStart(2, '0')}`;
      c.pos = end;
      break;
    }
    const [name, type] = entry;
    switch (type) {
      case BYTE:
        out[name] = c.u8();
        break;
      case TWO:
        out[name] = c.u16();
        break;
      case FOUR:
        out[name] = c.u32();
        break;
      case VARINT:
        out[name] = c.varint();
        break;
      case STRING:
        out[name] = c.string();
        break;
      case BINARY:
        out[name] = c.binary().toString('hex');
        break;
      case PAIR: {
        const pair: [string, string] = [c.string(), c.string()];
        const list = (out[name] ??= []) as [string, string][];
        list.push(pair);
        break;
      }
    }
  }
  return out;
}
