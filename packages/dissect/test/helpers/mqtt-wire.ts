/**
 * Builds MQTT control packets for tests, byte for byte as MQTT 3.1.1 and 5.0 lay them out
 * (protocols/mqtt/packets.ts), so that a test states what is on the wire. `v5` packets carry an
 * (empty, unless given) property section where 5.0 has one.
 */

const str = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** A fixed header for `type` with `flags`, then `body`. */
export function packet(type: number, flags: number, ...body: Buffer[]): Buffer {
  const rest = Buffer.concat(body);
  return Buffer.concat([Buffer.from([(type << 4) | flags]), varint(rest.length), rest]);
}

/** A 5.0 property section: raw property bytes after their length. */
export const props = (...raw: Buffer[]): Buffer => {
  const b = Buffer.concat(raw);
  return Buffer.concat([varint(b.length), b]);
};
export const topicAlias = (n: number): Buffer => Buffer.concat([Buffer.from([0x23]), u16(n)]);
export const userProperty = (k: string, v: string): Buffer => Buffer.concat([Buffer.from([0x26]), str(k), str(v)]);
export const reasonString = (s: string): Buffer => Buffer.concat([Buffer.from([0x1f]), str(s)]);

export interface ConnectOptions {
  level?: 3 | 4 | 5;
  user?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: number };
}

export function connect(clientId: string, o: ConnectOptions = {}): Buffer {
  const level = o.level ?? 4;
  let flags = 0x02;
  if (o.user !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  if (o.will !== undefined) flags |= 0x04 | (o.will.qos << 3);
  const parts = [level === 3 ? str('MQIsdp') : str('MQTT'), Buffer.from([level, flags]), u16(60)];
  if (level === 5) parts.push(props());
  parts.push(str(clientId));
  if (o.will !== undefined) {
    if (level === 5) parts.push(props());
    parts.push(str(o.will.topic), str(o.will.payload));
  }
  if (o.user !== undefined) parts.push(str(o.user));
  if (o.password !== undefined) parts.push(str(o.password));
  return packet(1, 0, ...parts);
}

export const connack = (code: number, v5 = false, sessionPresent = false): Buffer => packet(2, 0, Buffer.from([sessionPresent ? 1 : 0, code]), ...(v5 ? [props()] : []));

export interface PublishOptions {
  qos?: 0 | 1 | 2;
  id?: number;
  dup?: boolean;
  retain?: boolean;
  /** 5.0 properties (raw); with none given, a 5.0 PUBLISH has an empty section. */
  v5?: Buffer[];
}

export function publish(topic: string, payload: Buffer | string, o: PublishOptions = {}): Buffer {
  const qos = o.qos ?? 0;
  const flags = (o.dup === true ? 8 : 0) | (qos << 1) | (o.retain === true ? 1 : 0);
  const parts = [str(topic)];
  if (qos > 0) parts.push(u16(o.id ?? 1));
  if (o.v5 !== undefined) parts.push(props(...o.v5));
  parts.push(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return packet(3, flags, ...parts);
}

/** PUBACK (4), PUBREC (5), PUBREL (6), PUBCOMP (7); with a 5.0 reason code when given. */
export function ack(type: 4 | 5 | 6 | 7, id: number, reason?: number): Buffer {
  return packet(type, type === 6 ? 2 : 0, u16(id), ...(reason !== undefined ? [Buffer.from([reason])] : []));
}

export function subscribe(id: number, filters: [string, number][], v5 = false): Buffer {
  return packet(8, 2, u16(id), ...(v5 ? [props()] : []), ...filters.flatMap(([t, q]) => [str(t), Buffer.from([q])]));
}

export const suback = (id: number, codes: number[], v5 = false): Buffer => packet(9, 0, u16(id), ...(v5 ? [props()] : []), Buffer.from(codes));
export const unsubscribe = (id: number, topics: string[]): Buffer => packet(10, 2, u16(id), ...topics.map(str));
export const unsuback = (id: number): Buffer => packet(11, 0, u16(id));
export const pingreq = (): Buffer => packet(12, 0);
export const pingresp = (): Buffer => packet(13, 0);
export const disconnect = (reason?: number): Buffer => packet(14, 0, ...(reason !== undefined ? [Buffer.from([reason])] : []));
