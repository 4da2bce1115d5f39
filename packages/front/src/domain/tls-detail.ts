/**
 * What the TLS section of an entry's detail shows, derived from the entry (docs/entries.md,
 * "TLS"): the ClientHello (RFC 8446 §4.1.2) — the name asked for (SNI, RFC 6066 §3), the ALPN
 * protocols offered (RFC 7301), the versions and cipher suites offered, the extensions, the JA3
 * and JA4 fingerprints — and the ServerHello (§4.1.3) — the version and suite chosen, the ALPN
 * protocol chosen where it travels in clear, a HelloRetryRequest, the server's certificate where
 * TLS 1.2 sends it in clear — with, per side, the records counted (the encrypted rest is counted,
 * never shown) and the alerts sent in clear. Values a filter variable holds (docs/filter.md,
 * "TLS") carry their term: `tls_sni`, `tls_alpn` (each protocol offered), `tls_version` and
 * `tls_cipher` (the server's choice), `tls_ja3`, `tls_ja4`; the rest is shown, not clickable.
 */
import type { DetailCell, DetailRow, DetailTable } from './detail-table.js';
import { memberTerm, variableTerm } from './filter-snippet.js';
import { formatBytes } from './format.js';

export interface TlsAlertJson {
  level: string | number;
  description: string;
}

/** What each side sent on the connection until the entry was made. */
export interface TlsCountsJson {
  records: number;
  bytes: number;
  encryptedRecords: number;
  encryptedBytes: number;
  unframedBytes: number;
  alerts: TlsAlertJson[];
}

/** The ClientHello as the dissector writes it (the entry's `request`). */
export interface TlsClientHelloJson extends TlsCountsJson {
  version: string;
  supportedVersions: string[];
  sni: string | null;
  alpn: string[];
  cipherSuites: string[];
  extensions: number[];
  ja3: string;
  ja3String: string;
  ja4: string;
}

export interface TlsCertificateJson {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serial: string;
}

/** The ServerHello (the entry's `response`); version and suite are null when only an alert came. */
export interface TlsServerHelloJson extends TlsCountsJson {
  version: string | null;
  cipherSuite: string | null;
  alpn: string | null;
  helloRetry?: boolean;
  certificate?: TlsCertificateJson;
}

export interface TlsHelloView {
  side: 'request' | 'response';
  title: string;
  rows: DetailRow[];
  /** ALPN offered, cipher suites offered, extensions, alerts: those that have rows. */
  tables: DetailTable[];
  /** The server's certificate, when it came in clear. */
  certificate?: DetailRow[];
}

export interface TlsDetailView {
  hellos: TlsHelloView[];
  /** What was not seen: a hello the capture missed, a server that did not answer. */
  notes: { side: 'request' | 'response'; text: string }[];
}

/**
 * The extension types a ClientHello usually holds, by their IANA names (TLS ExtensionType
 * Values registry); others are shown by number.
 */
const EXTENSION_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [5, 'status_request'],
  [10, 'supported_groups'],
  [11, 'ec_point_formats'],
  [13, 'signature_algorithms'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [18, 'signed_certificate_timestamp'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_main_secret'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [35, 'session_ticket'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [17513, 'application_settings'],
  [65037, 'encrypted_client_hello'],
  [65281, 'renegotiation_info'],
]);

/** GREASE extension types (RFC 8701 §2): 0x0a0a, 0x1a1a, … 0xfafa. */
const isGrease = (type: number): boolean => (type & 0x0f0f) === 0x0a0a && type >> 8 === (type & 0xff);

export function extensionName(type: number): string {
  if (isGrease(type)) return 'GREASE';
  return EXTENSION_NAMES.get(type) ?? 'unknown';
}

const plain = (text: string): DetailCell => ({ text });

/** `12 records, 3.4 kB, of which 3 records, 1.2 kB encrypted`; unframed bytes when there are any. */
function countsText(c: TlsCountsJson): string {
  const records = (n: number) => `${n} record${n === 1 ? '' : 's'}`;
  let text = `${records(c.records)}, ${formatBytes(c.bytes)}`;
  if (c.encryptedRecords > 0) text += `, of which ${records(c.encryptedRecords)}, ${formatBytes(c.encryptedBytes)} encrypted`;
  if (c.unframedBytes > 0) text += `; ${formatBytes(c.unframedBytes)} after the framing was lost`;
  return text;
}

function alertTable(alerts: TlsAlertJson[]): DetailTable[] {
  if (alerts.length === 0) return [];
  return [{ key: 'alerts', title: 'Alerts in clear', columns: ['level', 'description'], rows: alerts.map((a) => [plain(String(a.level)), plain(a.description)]) }];
}

function clientView(ch: TlsClientHelloJson): TlsHelloView {
  const rows: DetailRow[] = [];
  rows.push({ label: 'SNI', value: ch.sni === null ? plain('none') : { text: ch.sni, term: variableTerm('tls_sni', ch.sni) } });
  rows.push({ label: 'version', value: plain(`${ch.version} (legacy_version)`) });
  rows.push({ label: 'versions offered', value: plain(ch.supportedVersions.length === 0 ? 'no supported_versions extension' : ch.supportedVersions.join(', ')) });
  rows.push({ label: 'JA3', value: { text: ch.ja3, term: variableTerm('tls_ja3', ch.ja3) } });
  rows.push({ label: 'JA3 string', value: plain(ch.ja3String) });
  rows.push({ label: 'JA4', value: { text: ch.ja4, term: variableTerm('tls_ja4', ch.ja4) } });
  rows.push({ label: 'sent', value: plain(countsText(ch)) });
  const tables: DetailTable[] = [];
  if (ch.alpn.length > 0) tables.push({ key: 'alpn', title: 'ALPN offered', columns: ['protocol'], rows: ch.alpn.map((p) => [{ text: p, term: memberTerm('tls_alpn', p) }]) });
  tables.push({ key: 'cipher-suites', title: 'Cipher suites offered', columns: ['suite'], rows: ch.cipherSuites.map((s) => [plain(s)]) });
  tables.push({ key: 'extensions', title: 'Extensions', columns: ['type', 'name'], rows: ch.extensions.map((t) => [plain(String(t)), plain(extensionName(t))]) });
  tables.push(...alertTable(ch.alerts));
  return { side: 'request', title: 'ClientHello', rows, tables };
}

/** `2026-12-07 21:57:59 → 2027-12-07 21:57:59 UTC`, and whether it held when the capture was made. */
function validityText(cert: TlsCertificateJson, at: number): string {
  const day = (iso: string) => iso.replace('T', ' ').replace(/Z$/, '');
  const from = Date.parse(cert.notBefore);
  const until = Date.parse(cert.notAfter);
  const state = at < from ? 'not yet valid when captured' : at > until ? 'expired when captured' : 'valid when captured';
  return `${day(cert.notBefore)} → ${day(cert.notAfter)} UTC (${state})`;
}

function serverView(sh: TlsServerHelloJson, timestamp: number): TlsHelloView {
  const rows: DetailRow[] = [];
  if (sh.version === null) rows.push({ label: 'answer', value: plain('an alert instead of a ServerHello') });
  else rows.push({ label: 'version chosen', value: { text: sh.version, term: variableTerm('tls_version', sh.version) } });
  if (sh.cipherSuite !== null) rows.push({ label: 'cipher suite chosen', value: { text: sh.cipherSuite, term: variableTerm('tls_cipher', sh.cipherSuite) } });
  // TLS 1.3 sends the choice encrypted (EncryptedExtensions, RFC 8446 §4.3.1).
  if (sh.version !== null) rows.push({ label: 'ALPN chosen', value: plain(sh.alpn ?? (sh.version === 'TLS 1.3' ? 'encrypted (TLS 1.3 sends it in EncryptedExtensions)' : 'none')) });
  if (sh.helloRetry === true) rows.push({ label: 'hello retry', value: plain('the server asked for another ClientHello first (HelloRetryRequest)') });
  rows.push({ label: 'sent', value: plain(countsText(sh)) });
  const view: TlsHelloView = { side: 'response', title: 'ServerHello', rows, tables: alertTable(sh.alerts) };
  const cert = sh.certificate;
  if (cert !== undefined) {
    view.certificate = [
      { label: 'subject', value: plain(cert.subject) },
      { label: 'issuer', value: plain(cert.issuer === cert.subject ? `${cert.issuer} (self-signed)` : cert.issuer) },
      { label: 'validity', value: plain(validityText(cert, timestamp)) },
      { label: 'serial', value: plain(cert.serial) },
    ];
  } else if (sh.version === 'TLS 1.3') {
    view.certificate = [{ label: 'certificate', value: plain('encrypted (TLS 1.3 sends it after the ServerHello, encrypted)') }];
  }
  return view;
}

/** The TLS section of a `tls` entry: its `request` is the ClientHello, its `response` the ServerHello. */
export function tlsDetail(entry: { timestamp: number; request: object | null; response: object | null }): TlsDetailView {
  // The one place the entry's messages are read as TLS: docs/entries.md, "TLS", is their shape.
  const ch = entry.request as TlsClientHelloJson | null;
  const sh = entry.response as TlsServerHelloJson | null;
  const hellos: TlsHelloView[] = [];
  const notes: TlsDetailView['notes'] = [];
  if (ch === null) notes.push({ side: 'request', text: 'The ClientHello was not seen (the capture began after it, or it was lost).' });
  else hellos.push(clientView(ch));
  if (sh === null) notes.push({ side: 'response', text: 'The server did not answer: no ServerHello and no alert.' });
  else hellos.push(serverView(sh, entry.timestamp));
  return { hellos, notes };
}
