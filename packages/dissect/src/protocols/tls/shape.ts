/**
 * A connection's handshake → the transaction (the protocol part of an Entry).
 *
 * ## TLS entry shape (protocol.name `tls`)
 *
 * One entry per connection. `protocol`: `{ name: 'tls', abbr: 'TLS', layer4: 'tcp' }`.
 *
 * `request` (the ClientHello; null when it was not seen):
 * - `version`: its legacy_version (`TLS 1.2` for every TLS 1.3 client, RFC 8446 §4.1.2).
 * - `supportedVersions`: the supported_versions extension, in the client's order ([] without).
 * - `sni`: the server_name (RFC 6066 §3), null without one. `alpn`: the ALPN names offered
 *   (RFC 7301), [] without.
 * - `cipherSuites`: IANA names, hex (`0x1a1a`) for unknown code points (GREASE included).
 * - `extensions`: the extension types in wire order, numbers.
 * - `ja3`, `ja3String`, `ja4`: fingerprints (fingerprint.ts).
 * - `records`, `bytes`, `encryptedRecords`, `encryptedBytes`, `unframedBytes`: what the
 *   client sent on the connection until the entry was emitted (records.ts).
 * - `alerts`: `[{ level: 'warning' | 'fatal' | <n>, description }]`, alerts the client sent in
 *   clear (encrypted ones are only counted).
 *
 * `response` (the ServerHello; null when neither it nor a server alert was seen):
 * - `version`: the version chosen (supported_versions' choice for TLS 1.3, else legacy_version).
 * - `cipherSuite`: the IANA name (hex when unknown). `alpn`: the protocol chosen, or null.
 * - `helloRetry`: true when the server first sent a HelloRetryRequest (RFC 8446 §4.1.4).
 * - `certificate` (TLS 1.2 and earlier, where it travels in clear): `{ subject, issuer,
 *   notBefore, notAfter, serial }` of the server's own certificate (x509.ts).
 * - the same counters and `alerts` as the request, for the server's direction.
 *
 * `summary.text`: `TLS <version> <sni> <alpn>`, else `TLS <version> <sni> <cipher's OpenSSL name>`,
 * e.g. `TLS 1.2 example.com h2`, `TLS 1.2 api.svc ECDHE-RSA-AES128-GCM-SHA256`. The ALPN shown is
 * the server's choice where it travels in clear (the ServerHello, TLS 1.2); TLS 1.3 sends it
 * encrypted (EncryptedExtensions, RFC 8446 §4.3.1), so the client's offer stands in, its first
 * three names (`TLS 1.3 example.com h2,http/1.1`). Without SNI the name is left out; ` alert <description>` is added for the first alert seen in clear; `TLS <sni> (no
 * ServerHello)` when the server did not answer.
 *
 * `timestamp`: the ClientHello's first byte (the ServerHello's when there is none);
 * `endTimestamp`: the ServerHello's last byte (else the server's first alert, else the last byte
 * seen). `requestSize` / `responseSize`: every byte of each direction until the entry was emitted.
 *
 * `malformed`, the first that applies: the ClientHello's problem (`DIS_ERR_SYNTAX`: breaks the
 * grammar; `DIS_ERR_TRUNCATED`: the connection ended inside it; `DIS_ERR_GAP` or `DIS_ERR_SYNTAX`:
 * the client's framing was lost before it), `DIS_ERR_NO_REQUEST`, `DIS_ERR_NO_RESPONSE` (no
 * ServerHello and no server alert), then the same problems of the server's side.
 */

import { ErrorCodes, type Malformed, type Message, type ProtocolInfo } from '@shoal/model';
import type { Transaction } from '../../dissector.js';
import { ja3, ja3String, ja4 } from './fingerprint.js';
import type { ClientHello, ServerHello } from './hello.js';
import type { DirectionCounts } from './records.js';
import { suiteName, suiteShortName, VERSION_TLS13, versionName } from './registries.js';
import type { CertificateInfo } from './x509.js';

/** ALPN names of a ClientHello a summary shows. */
const SUMMARY_ALPN = 3;

export const PROTOCOL: ProtocolInfo = Object.freeze({ name: 'tls', abbr: 'TLS', layer4: 'tcp' } as const);

export interface Alert {
  level: string | number;
  description: string;
  ts: number;
}

/** What one side said, as the stream collected it. */
export interface Side<H> {
  hello: H | null;
  /** Capture times of the hello's first and last byte. */
  startTs: number;
  endTs: number;
  counts: DirectionCounts;
  alerts: Alert[];
  /** The first problem of this side: its hello's, or its framing lost before its hello. */
  problem: string | null;
}

export interface Handshake {
  client: Side<ClientHello>;
  server: Side<ServerHello>;
  helloRetry: boolean;
  certificate: CertificateInfo | null;
  /** The last byte seen on the connection, for an entry without a ServerHello. */
  lastTs: number;
}

export function makeTransaction(h: Handshake): Transaction {
  const { client, server } = h;
  const ch = client.hello;
  const sh = server.hello;
  const serverAnswered = sh !== null || server.alerts.length > 0;
  const tx: Transaction = {
    protocol: PROTOCOL,
    timestamp: ch !== null ? client.startTs : sh !== null ? server.startTs : h.lastTs,
    endTimestamp: sh !== null ? server.endTs : server.alerts[0]?.ts ?? h.lastTs,
    summary: { text: summaryText(h) },
    request: ch !== null ? clientMessage(ch, client) : null,
    response: serverAnswered ? serverMessage(h) : null,
    requestSize: client.counts.bytes,
    responseSize: server.counts.bytes,
  };
  const malformed = problemOf(h, serverAnswered);
  if (malformed !== undefined) tx.malformed = malformed;
  return tx;
}

function clientMessage(ch: ClientHello, side: Side<ClientHello>): Message {
  return {
    version: versionName(ch.legacyVersion),
    supportedVersions: ch.versions.map(versionName),
    sni: ch.sni,
    alpn: ch.alpn,
    cipherSuites: ch.cipherSuites.map(suiteName),
    extensions: ch.extensions,
    ja3: ja3(ch),
    ja3String: ja3String(ch),
    ja4: ja4(ch),
    ...countsOf(side),
  };
}

function serverMessage(h: Handshake): Message {
  const sh = h.server.hello;
  const out: Message = {
    version: sh !== null ? versionName(chosenVersion(sh)) : null,
    cipherSuite: sh?.cipherSuite != null ? suiteName(sh.cipherSuite) : null,
    alpn: sh?.alpn ?? null,
  };
  if (h.helloRetry) out['helloRetry'] = true;
  if (h.certificate !== null) out['certificate'] = h.certificate;
  return { ...out, ...countsOf(h.server) };
}

function countsOf(side: Side<unknown>): Message {
  const { records, bytes, encryptedRecords, encryptedBytes, unframedBytes } = side.counts;
  return {
    records,
    bytes,
    encryptedRecords,
    encryptedBytes,
    unframedBytes,
    alerts: side.alerts.map(({ level, description }) => ({ level, description })),
  };
}

export function chosenVersion(sh: ServerHello): number {
  return sh.selectedVersion ?? sh.legacyVersion;
}

function summaryText(h: Handshake): string {
  const ch = h.client.hello;
  const sh = h.server.hello;
  const parts = ['TLS'];
  if (sh !== null) parts.push(versionName(chosenVersion(sh)).replace(/^TLS /, ''));
  if (ch?.sni) parts.push(ch.sni);
  if (sh?.alpn) parts.push(sh.alpn);
  else if (sh !== null && chosenVersion(sh) >= VERSION_TLS13 && ch !== null && ch.alpn.length > 0) parts.push(offered(ch.alpn));
  else if (sh?.cipherSuite != null) parts.push(suiteShortName(sh.cipherSuite));
  const alert = h.client.alerts[0] ?? h.server.alerts[0];
  if (alert !== undefined) parts.push(`alert ${alert.description}`);
  else if (sh === null) parts.push('(no ServerHello)');
  return parts.join(' ');
}

/** The ALPN names offered, the first few: `h2,http/1.1`, `a,b,c,+298`. */
function offered(alpn: string[]): string {
  const shown = alpn.slice(0, SUMMARY_ALPN);
  if (alpn.length > SUMMARY_ALPN) shown.push(`+${alpn.length - SUMMARY_ALPN}`);
  return shown.join(',');
}

function problemOf(h: Handshake, serverAnswered: boolean): Malformed | undefined {
  if (h.client.problem) return { code: h.client.problem, at: 'request' };
  if (h.client.hello === null) return { code: ErrorCodes.DIS_ERR_NO_REQUEST, at: 'request' };
  if (!serverAnswered) return { code: h.server.problem ?? ErrorCodes.DIS_ERR_NO_RESPONSE, at: 'response' };
  if (h.server.problem) return { code: h.server.problem, at: 'response' };
  return undefined;
}
