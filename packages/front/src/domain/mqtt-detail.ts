/**
 * What the MQTT section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "MQTT"): each packet of the exchange in the order sent (the opener's first packet, the answer,
 * a QoS 2 flow's PUBREL and PUBCOMP), with its fields (a CONNECT's client, version, keep-alive,
 * user and will; a PUBLISH's topic, QoS, flags and payload for the body viewer; a SUBSCRIBE's
 * filters and a SUBACK's codes as tables; reason codes in words; 5.0 properties as a table).
 * Values a filter variable holds carry their term (docs/filter.md, "MQTT"): the opening packet's
 * type (`mqtt_type`), topic (`mqtt_topic`), QoS (`mqtt_qos`) and client id (`mqtt_client_id`), the
 * answer's code (`mqtt_reason_code`) and status (`response.status`).
 */
import type { BodyFields } from './body-format.js';
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

/** An MQTT packet as the dissector writes it. */
export interface MqttPacketJson {
  type: string;
  packetId?: number;
  topic?: string;
  clientId?: string;
  protocolVersion?: string;
  keepAlive?: number;
  cleanSession?: boolean;
  cleanStart?: boolean;
  username?: string;
  passwordSize?: number;
  will?: { topic: string; qos: number; retain: boolean; payloadSize: number };
  sessionPresent?: boolean;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  bodySize?: number;
  body?: string;
  bodyEncoding?: string;
  truncated?: boolean;
  retransmissions?: number;
  subscriptions?: { topic: string; qos: number; noLocal?: boolean; retainAsPublished?: boolean; retainHandling?: number }[];
  topics?: string[];
  reasonCode?: number;
  reason?: string;
  reasonCodes?: number[];
  reasons?: string[];
  properties?: Record<string, unknown>;
  status?: string;
  release?: MqttPacketJson;
  complete?: MqttPacketJson;
}

export interface MqttPart {
  /** Names the part in the page (`data-section`): `mqtt-request`, `mqtt-release`, `mqtt-response`, `mqtt-complete`. */
  key: string;
  /** The packet's type, and who sent it. */
  title: string;
  rows: DetailRow[];
  tables: DetailTable[];
  /** A PUBLISH's payload for the body viewer; null for other packets. */
  body: BodyFields | null;
}

export interface MqttDetailView {
  parts: MqttPart[];
  notes: string[];
}

interface MqttEntry {
  request: object | null;
  response: object | null;
  malformed?: { code: string };
}

const plain = (text: string | number): DetailCell => ({ text: String(text) });
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** The fields of one packet; `terms`: the opening packet's and the answer's values are what the variables hold. */
function packetPart(key: string, m: MqttPacketJson, sender: string, role: 'request' | 'response' | 'other'): MqttPart {
  const rows: DetailRow[] = [];
  const tables: DetailTable[] = [];
  const opener = role === 'request';
  rows.push({ label: 'type', value: opener ? { text: m.type, term: variableTerm('mqtt_type', m.type) } : plain(m.type) });
  if (m.packetId !== undefined) rows.push({ label: 'packet id', value: plain(m.packetId) });
  if (m.protocolVersion !== undefined) rows.push({ label: 'version', value: plain(m.protocolVersion) });
  if (m.clientId !== undefined) rows.push({ label: 'client id', value: opener ? { text: m.clientId, term: variableTerm('mqtt_client_id', m.clientId) } : plain(m.clientId) });
  if (m.keepAlive !== undefined) rows.push({ label: 'keep alive', value: plain(`${m.keepAlive} s`) });
  if (m.cleanSession !== undefined) rows.push({ label: 'clean session', value: plain(yesNo(m.cleanSession)) });
  if (m.cleanStart !== undefined) rows.push({ label: 'clean start', value: plain(yesNo(m.cleanStart)) });
  if (m.username !== undefined) rows.push({ label: 'user', value: plain(m.username) });
  if (m.passwordSize !== undefined) rows.push({ label: 'password', value: plain(`${formatBytes(m.passwordSize)} (not shown)`) });
  if (m.will !== undefined) rows.push({ label: 'will', value: plain(`${m.will.topic}, QoS ${m.will.qos}${m.will.retain ? ', retained' : ''}, ${formatBytes(m.will.payloadSize)}`) });
  if (m.sessionPresent !== undefined) rows.push({ label: 'session present', value: plain(yesNo(m.sessionPresent)) });
  if (m.type === 'PUBLISH') {
    if (m.topic !== undefined) rows.push({ label: 'topic', value: opener ? { text: m.topic, term: variableTerm('mqtt_topic', m.topic) } : plain(m.topic) });
    if (m.qos !== undefined) rows.push({ label: 'QoS', value: opener ? { text: String(m.qos), term: variableTerm('mqtt_qos', m.qos) } : plain(m.qos) });
    const flags = [m.retain === true ? 'retain' : '', m.dup === true ? 'dup' : ''].filter((f) => f !== '');
    if (flags.length > 0) rows.push({ label: 'flags', value: plain(flags.join(', ')) });
    if (m.bodySize !== undefined) rows.push({ label: 'payload', value: plain(formatBytes(m.bodySize)) });
    if (m.retransmissions !== undefined) rows.push({ label: 'sent again', value: plain(`${m.retransmissions} time${m.retransmissions > 1 ? 's' : ''} (DUP)`) });
  }
  if (m.reason !== undefined && m.reasonCode !== undefined) {
    const text = `${m.reasonCode} ${m.reason}`;
    rows.push({ label: 'reason', value: role === 'response' ? { text, term: variableTerm('mqtt_reason_code', m.reasonCode) } : plain(text) });
  }
  if (m.status !== undefined) rows.push({ label: 'status', value: { text: m.status, term: variableTerm('response.status', m.status) } });
  if (m.subscriptions !== undefined) {
    tables.push({ key: 'subscriptions', title: 'Filters', columns: ['topic filter', 'QoS', 'options'], rows: m.subscriptions.map((s) => [opener && s === m.subscriptions![0] ? { text: s.topic, term: variableTerm('mqtt_topic', s.topic) } : plain(s.topic), plain(s.qos), plain(options(s))]) });
  }
  if (m.topics !== undefined) tables.push({ key: 'topics', title: 'Filters', columns: ['topic filter'], rows: m.topics.map((t, i) => [opener && i === 0 ? { text: t, term: variableTerm('mqtt_topic', t) } : plain(t)]) });
  if (m.reasonCodes !== undefined) tables.push({ key: 'codes', title: 'Codes', columns: ['#', 'code', 'meaning'], rows: m.reasonCodes.map((c, i) => [plain(i + 1), plain(c), plain(m.reasons?.[i] ?? '')]) });
  if (m.properties !== undefined) tables.push({ key: 'properties', title: 'Properties', columns: ['name', 'value'], rows: propertyRows(m.properties) });
  const body: BodyFields | null = m.type === 'PUBLISH' ? publishBody(m) : null;
  return { key, title: `${m.type} (${sender})`, rows, tables, body };
}

function options(s: { noLocal?: boolean; retainAsPublished?: boolean; retainHandling?: number }): string {
  const out: string[] = [];
  if (s.noLocal === true) out.push('no local');
  if (s.retainAsPublished === true) out.push('retain as published');
  if (s.retainHandling !== undefined && s.retainHandling !== 0) out.push(`retain handling ${s.retainHandling}`);
  return out.join(', ') || '—';
}

function propertyRows(p: Record<string, unknown>): DetailCell[][] {
  const rows: DetailCell[][] = [];
  for (const [name, value] of Object.entries(p)) {
    if (Array.isArray(value)) for (const pair of value as [string, string][]) rows.push([plain(`${name}: ${pair[0]}`), plain(pair[1])]);
    else rows.push([plain(name), plain(String(value))]);
  }
  return rows;
}

function publishBody(m: MqttPacketJson): BodyFields {
  const out: BodyFields = {};
  if (m.bodySize !== undefined) out.bodySize = m.bodySize;
  if (m.body !== undefined) out.body = m.body;
  if (m.bodyEncoding !== undefined) out.bodyEncoding = m.bodyEncoding;
  if (m.truncated === true) out.truncated = true;
  return out;
}

/** The MQTT section of an `mqtt` entry: its packets in the order sent. */
export function mqttDetail(entry: MqttEntry): MqttDetailView {
  // The one place the entry's messages are read as MQTT: docs/entries.md, "MQTT", is their shape.
  const req = entry.request as MqttPacketJson | null;
  const res = entry.response as MqttPacketJson | null;
  // The source opened the exchange (a broker delivering a message too).
  const parts: MqttPart[] = [];
  if (req !== null) parts.push(packetPart('mqtt-request', req, 'source', 'request'));
  if (res !== null) parts.push(packetPart('mqtt-response', res, 'destination', 'response'));
  if (req?.release !== undefined) parts.push(packetPart('mqtt-release', req.release, 'source', 'other'));
  if (res?.complete !== undefined) parts.push(packetPart('mqtt-complete', res.complete, 'destination', 'other'));
  const notes: string[] = [];
  if (req === null) notes.push('The packet this answers was not seen.');
  else if (res === null && entry.malformed?.code === 'DIS_ERR_NO_RESPONSE') notes.push('No answer came.');
  else if (req.type === 'PUBLISH' && req.qos === 2 && res !== null && res.complete === undefined && entry.malformed !== undefined) notes.push('The QoS 2 flow did not finish.');
  return { parts, notes };
}
