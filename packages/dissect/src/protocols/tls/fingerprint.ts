/**
 * Client fingerprints of a ClientHello.
 *
 * JA3 (Salesforce): the MD5 of `SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats`, each
 * list in wire order, its decimal values joined by `-`, GREASE values (RFC 8701) left out.
 *
 * JA4 (FoxIO, technical_details/JA4.md): `a_b_c`, with GREASE ignored everywhere:
 * - a: `t` (TLS over TCP), the version (the highest of supported_versions, else the hello's
 *   legacy_version: `13`, `12`, `11`, `10`, `s3`, else `00`), `d` with SNI or `i` without, the
 *   number of cipher suites and of extensions (two digits each, at most 99), and the first and
 *   last characters of the first ALPN name (`00` without one; the first and last hex digits of
 *   the name when either end byte is not alphanumeric).
 * - b: the first 12 hex digits of the SHA-256 of the cipher suites as 4-digit lower-case hex,
 *   sorted, joined by `,` (`000000000000` when there are none).
 * - c: the same of the extensions sorted, SNI (0000) and ALPN (0010) left out, then `_` and the
 *   signature algorithms in wire order (no `_` when there are none); `000000000000` when the
 *   extension list is empty.
 */

import { cryptoModule } from '../../lazy-builtins.js';
import type { ClientHello } from './hello.js';
import { isGrease } from './registries.js';

export function ja3String(h: ClientHello): string {
  const list = (xs: number[]): string => xs.filter((x) => !isGrease(x)).join('-');
  return [String(h.legacyVersion), list(h.cipherSuites), list(h.extensions), list(h.groups), h.pointFormats.join('-')].join(',');
}

export function ja3(h: ClientHello): string {
  return cryptoModule().createHash('md5').update(ja3String(h)).digest('hex');
}

const JA4_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
]);
const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const NO_HASH = '000000000000';

export function ja4(h: ClientHello): string {
  const ciphers = h.cipherSuites.filter((x) => !isGrease(x));
  const extensions = h.extensions.filter((x) => !isGrease(x));
  const versions = h.versions.filter((x) => !isGrease(x));
  const version = versions.length > 0 ? Math.max(...versions) : h.legacyVersion;
  const a =
    't' +
    (JA4_VERSIONS.get(version) ?? '00') +
    (extensions.includes(EXT_SNI) ? 'd' : 'i') +
    count(ciphers.length) +
    count(extensions.length) +
    alpnChars(h.alpnFirst);
  const b = ciphers.length === 0 ? NO_HASH : hash12(sortedHex(ciphers));
  const rest = extensions.filter((x) => x !== EXT_SNI && x !== EXT_ALPN);
  const algorithms = h.signatureAlgorithms.filter((x) => !isGrease(x)).map(hex4).join(',');
  const c = rest.length === 0 ? NO_HASH : hash12(sortedHex(rest) + (algorithms === '' ? '' : `_${algorithms}`));
  return `${a}_${b}_${c}`;
}

const count = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const sortedHex = (xs: number[]): string => xs.map(hex4).sort().join(',');
const hash12 = (text: string): string => cryptoModule().createHash('sha256').update(text).digest('hex').slice(0, 12);

function alpnChars(first: Buffer | null): string {
  if (first === null || first.length === 0) return '00';
  const head = first[0]!;
  const tail = first[first.length - 1]!;
  if (alphanumeric(head) && alphanumeric(tail)) return String.fromCharCode(head, tail);
  const hex = first.toString('hex');
  return hex[0]! + hex[hex.length - 1]!;
}

function alphanumeric(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}
