/**
 * Names of TLS code points: protocol versions (RFC 8446 §4.2.1, RFC 5246 Appendix E), the common
 * cipher suites (IANA TLS Cipher Suites registry; the OpenSSL name beside the IANA one, as
 * `openssl ciphers` prints it), alert descriptions (RFC 8446 §6) and GREASE (RFC 8701).
 */

export const VERSION_TLS13 = 0x0304;

const VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
]);

/** `TLS 1.2`, or the hex code point (`0x7f1c`) when unassigned. */
export function versionName(v: number): string {
  return VERSIONS.get(v) ?? hex16(v);
}

/** code → [IANA name, OpenSSL name]. TLS 1.3 suites have one name in both. */
const SUITES: ReadonlyMap<number, readonly [string, string]> = new Map([
  [0x1301, ['TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256']],
  [0x1302, ['TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384']],
  [0x1303, ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256']],
  [0x1304, ['TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_SHA256']],
  [0xc02b, ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256']],
  [0xc02c, ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384']],
  [0xc02f, ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256']],
  [0xc030, ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384']],
  [0xcca8, ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305']],
  [0xcca9, ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305']],
  [0xccaa, ['TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305']],
  [0x009e, ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256']],
  [0x009f, ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384']],
  [0xc023, ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256']],
  [0xc024, ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384']],
  [0xc027, ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256']],
  [0xc028, ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384']],
  [0xc009, ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA']],
  [0xc00a, ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA']],
  [0xc013, ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA']],
  [0xc014, ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA']],
  [0x0067, ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256']],
  [0x006b, ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256']],
  [0x0033, ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA']],
  [0x0039, ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA']],
  [0x009c, ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256']],
  [0x009d, ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384']],
  [0x003c, ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256']],
  [0x003d, ['TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256']],
  [0x002f, ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA']],
  [0x0035, ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA']],
  [0x000a, ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA']],
  // Not a suite: the renegotiation signal (RFC 5746 §3.3).
  [0x00ff, ['TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV']],
]);

/** The IANA name of a cipher suite, or its hex code point (`0xc0ff`). */
export function suiteName(code: number): string {
  return SUITES.get(code)?.[0] ?? hex16(code);
}

/** The OpenSSL name (what `openssl s_client` shows), or the hex code point. */
export function suiteShortName(code: number): string {
  return SUITES.get(code)?.[1] ?? hex16(code);
}

const ALERTS: ReadonlyMap<number, string> = new Map([
  [0, 'close_notify'],
  [10, 'unexpected_message'],
  [20, 'bad_record_mac'],
  [22, 'record_overflow'],
  [40, 'handshake_failure'],
  [42, 'bad_certificate'],
  [43, 'unsupported_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [46, 'certificate_unknown'],
  [47, 'illegal_parameter'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [50, 'decode_error'],
  [51, 'decrypt_error'],
  [70, 'protocol_version'],
  [71, 'insufficient_security'],
  [80, 'internal_error'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [109, 'missing_extension'],
  [110, 'unsupported_extension'],
  [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'],
  [115, 'unknown_psk_identity'],
  [116, 'certificate_required'],
  [120, 'no_application_protocol'],
]);

export function alertName(code: number): string {
  return ALERTS.get(code) ?? `alert${code}`;
}

/** GREASE values (RFC 8701 §2): 0x0a0a, 0x1a1a, … 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

export function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}
