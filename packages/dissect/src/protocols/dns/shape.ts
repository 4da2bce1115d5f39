/**
 * A query and its response → the transaction (the protocol part of an Entry).
 *
 * ## DNS entry shape (protocol.name `dns`)
 *
 * `protocol`: `{ name: 'dns', abbr: 'DNS', layer4: 'udp' | 'tcp' }`.
 *
 * `request` (the query; null when only the response was seen, or when not even its header
 * arrived) and `response` (null when no response came) have the same keys:
 * - `id`: the message ID (RFC 1035 §4.1.1), a number.
 * - `opcode`: `QUERY`, `NOTIFY`, `UPDATE`, … (`OPCODE<n>` when unassigned).
 * - `flags`: the header bits that are set, in wire order, as dig names them: `qr`, `aa`, `tc`,
 *   `rd`, `ra`, `z`, `ad`, `cd`.
 * - `rcode` (response only): `NOERROR`, `NXDOMAIN`, `SERVFAIL`, … (`RCODE<n>` when unassigned),
 *   the 12-bit code when the response carries EDNS0.
 * - `questions`: `[{ name, type, class? }]`.
 * - `answers`, `authorities`, `additionals`: `[{ name, type, class?, ttl, data }]`; `data` is the
 *   RDATA in presentation form (rdata.ts), `\# <length> <hex>` for types without a grammar here
 *   (RFC 3597 §5). `class` is absent for IN. The OPT record is not among the additionals:
 * - `edns` (when the message has an OPT record, RFC 6891): `{ udpSize, version, do,
 *   extendedRcode, options: [{ code, name?, data }] }` (`data` in hex).
 * - `retransmissions` (request only, when > 0): copies of the same query (same ID and question)
 *   sent while it waited; `timestamp` is the first copy's.
 *
 * Names are in presentation form without the trailing dot (`example.com`; the root is `.`),
 * octets outside printable ASCII as `\DDD` (names.ts).
 *
 * `summary.text`: `<TYPE> <name> -> <result>`, e.g. `A example.com -> 93.184.216.34`,
 * `A www.example.com -> 93.184.216.34 (+1 more)` (more answer records: a CNAME, more addresses),
 * `MX example.com -> 10 mail.example.com`, `A nothere.example -> NXDOMAIN`, `AAAA example.com ->
 * no answers` (NOERROR without answers), `A example.com -> no response`; ` (truncated)` is added
 * when the response has TC set (a UDP answer too large: the client asks again over TCP). The
 * opcode comes first when it is not QUERY (`NOTIFY SOA example.com -> NOERROR`). The answer
 * shown is the first of the type asked for (else the first, with its type); its text is cut at
 * 100 characters. `(no question)`, `(malformed query)` and `(malformed response)` stand in for
 * what is missing. ASCII only, as for HTTP (docs/entries.md).
 *
 * `timestamp`: the query's first byte (the response's when there is no query); `endTimestamp`:
 * the response's last byte (the last copy of the query's when unanswered).
 * `requestSize` / `responseSize`: bytes of the message on the wire (over TCP with its 2-byte
 * length); the first copy of a retransmitted query.
 *
 * `malformed` (`{ code, at: 'request' | 'response' }`), the first that applies: the query's own
 * problem, then a missing partner, then the response's own problem:
 * - `DIS_ERR_SYNTAX`: a part breaks the grammar (a bad label, a pointer that does not point
 *   back, RDATA that does not fit its type, a second OPT record). What came before it is shown.
 * - `DIS_ERR_TRUNCATED`: the message ends before its sections do (or before its header), or the
 *   stream ended inside it.
 * - `DIS_ERR_GAP`: bytes of the message were lost in capture (TCP); what came before is shown.
 * - `DIS_ERR_NO_RESPONSE` (at `response`): no response within the response timeout after the
 *   query's last copy, or before the flow ended (or the server closed the TCP connection).
 * - `DIS_ERR_NO_REQUEST` (at `request`): a response whose query was not seen (or already
 *   emitted as unanswered).
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import type { DnsMessage, DnsRecord } from './message.js';
import type { Arrival, Query } from './pairs.js';
import { OPCODE_QUERY, opcodeName, rcodeName } from './registries.js';

export const PROTOCOL_UDP: ProtocolInfo = Object.freeze({ name: 'dns', abbr: 'DNS', layer4: 'udp' } as const);
export const PROTOCOL_TCP: ProtocolInfo = Object.freeze({ name: 'dns', abbr: 'DNS', layer4: 'tcp' } as const);

/** Longest answer text a summary shows. */
const SUMMARY_DATA = 100;

/** `query` and `response` as one transaction; at least one of them is given. */
export function makeTransaction(protocol: ProtocolInfo, query: Query | Arrival | null, response: Arrival | null): Transaction {
  const first = (query ?? response)!;
  const q = query?.msg ?? null;
  const r = response?.msg ?? null;
  const tx: Transaction = {
    protocol,
    timestamp: first.startTs,
    endTimestamp: response !== null ? response.endTs : lastCopy(query!),
    summary: { text: summaryText(first, q ?? r, response) },
    request: q !== null ? shapeMessage(q, false, retransmissions(query!)) : null,
    response: r !== null ? shapeMessage(r, true, 0) : null,
    requestSize: query?.size ?? 0,
    responseSize: response?.size ?? 0,
  };
  const malformed = problemOf(query, response);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

const lastCopy = (q: Query | Arrival): number => ('lastTs' in q ? q.lastTs : q.endTs);
const retransmissions = (q: Query | Arrival): number => ('retransmissions' in q ? q.retransmissions : 0);

function shapeMessage(m: DnsMessage, response: boolean, copies: number): Message {
  const out: Message = { id: m.id, opcode: opcodeName(m.opcode), flags: m.flags };
  if (response) out.rcode = rcodeName(m.rcode);
  out.questions = m.questions;
  out.answers = m.answers;
  out.authorities = m.authorities;
  out.additionals = m.additionals;
  if (m.edns !== null) out.edns = m.edns;
  if (copies > 0) out.retransmissions = copies;
  return out;
}

/** `first` is the query, else the response; `m` the first of them that decoded. */
function summaryText(first: Arrival, m: DnsMessage | null, response: Arrival | null): string {
  // A message without even a header is emitted alone, at once.
  if (m === null) return first === response ? '(malformed response)' : '(malformed query)';
  const q = m.questions[0];
  const what = q === undefined ? '(no question)' : `${q.type} ${q.name}`;
  const asked = m.opcode === OPCODE_QUERY ? what : `${opcodeName(m.opcode)} ${what}`;
  return `${asked} -> ${result(response)}`;
}

/** The right side of the summary: what came back. */
function result(response: Arrival | null): string {
  if (response === null) return 'no response';
  const m = response.msg;
  if (m === null) return 'malformed response';
  let text: string;
  if (m.rcode !== 0) text = rcodeName(m.rcode);
  else if (m.answers.length === 0) text = m.opcode === OPCODE_QUERY ? 'no answers' : 'NOERROR';
  else text = answerText(m.answers, m.questions[0]?.type);
  return m.truncated ? `${text} (truncated)` : text;
}

function answerText(answers: DnsRecord[], asked: string | undefined): string {
  const shown = answers.find((a) => a.type === asked) ?? answers[0]!;
  let text = shown.type === asked ? shown.data : `${shown.type} ${shown.data}`;
  if (text.length > SUMMARY_DATA) text = `${text.slice(0, SUMMARY_DATA)}...`;
  return answers.length > 1 ? `${text} (+${answers.length - 1} more)` : text;
}

function problemOf(query: Arrival | null, response: Arrival | null): Malformed | undefined {
  if (query?.problem) return { code: query.problem, at: 'request' };
  if (query === null) return { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  if (response === null) return { code: ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  if (response.problem) return { code: response.problem, at: 'response' };
  return undefined;
}
