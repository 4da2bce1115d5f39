/**
 * tshark's view of the TLS handshakes in a capture, and ours in the same terms, so that a test
 * can compare them connection by connection. tshark (Wireshark's TLS dissector) is independent
 * of ours; it runs at test time. This tshark (4.0) computes JA3 but not JA4, so JA4 is built
 * here from the fields tshark parsed (its version, SNI, cipher and extension lists, ALPN and
 * signature algorithms), after FoxIO's definition: a parse error of ours shows up as a mismatch.
 * Code points tshark prints as hex are named with our registry before comparing (the numbers
 * are the check, the names only make a failure readable).
 */

import { createHash } from 'node:crypto';
import type { Entry } from '@shoal/model';
import { alertName, isGrease, suiteName, versionName } from '../../dist/protocols/tls/registries.js';
import { tshark } from './tshark-summary.js';

/** One connection as a line of `key=value` fields, comparable across the two dissectors. */
export type HandshakeLine = string;

const CLIENT_FIELDS = [
  'tcp.stream', 'tls.handshake.extensions_server_name', 'tls.handshake.ja3', 'tls.handshake.ciphersuite',
  'tls.handshake.extension.type', 'tls.handshake.extensions_alpn_str', 'tls.handshake.extensions.supported_version',
  'tls.handshake.sig_hash_alg', 'tls.handshake.version',
] as const;
const SERVER_FIELDS = ['tcp.stream', 'tls.handshake.ciphersuite', 'tls.handshake.extensions.supported_version', 'tls.handshake.version', 'tls.handshake.extensions_alpn_str'] as const;

function rows(capture: string, ports: number[], filter: string, fields: readonly string[]): string[][] {
  const decodeAs = ports.flatMap((p) => ['-d', `tcp.port==${p},tls`]);
  const out = tshark(['-r', capture, ...decodeAs, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=|', ...fields.flatMap((f) => ['-e', f])]);
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

const list = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split('|'));
const num = (hex: string): number => Number.parseInt(hex, hex.startsWith('0x') ? 16 : 10);

export function tsharkHandshakes(capture: string, ports: number[]): HandshakeLine[] {
  const byStream = new Map<string, string[]>();
  for (const r of rows(capture, ports, 'tls.handshake.type == 1', CLIENT_FIELDS)) {
    const [stream, sni, ja3, ciphers, exts, alpn, versions, sigalgs, legacy] = r;
    if (byStream.has(stream!)) continue;
    const v = list(versions).map(num);
    byStream.set(stream!, [
      `sni=${sni ?? ''}`,
      `ja3=${ja3 ?? ''}`,
      `ciphers=${list(ciphers).map((c) => suiteName(num(c))).join(',')}`,
      `alpn=${list(alpn).join(',')}`,
      `versions=${v.map(versionName).join(',')}`,
      `ja4=${ja4Of(num(legacy!), v, sni !== undefined && sni !== '', list(ciphers).map(num), list(exts).map(num), list(alpn)[0], list(sigalgs).map(num))}`,
    ]);
  }
  for (const r of rows(capture, ports, 'tls.handshake.type == 2', SERVER_FIELDS)) {
    const [stream, cipher, selected, legacy, alpn] = r;
    const line = byStream.get(stream!);
    if (line === undefined || line.some((f) => f.startsWith('cipher='))) continue;
    const version = selected !== undefined && selected !== '' ? num(selected) : num(legacy!);
    line.push(`cipher=${suiteName(num(cipher!))}`, `version=${versionName(version)}`, `chosenAlpn=${alpn ?? ''}`);
  }
  for (const r of rows(capture, ports, 'tls.alert_message.desc', ['tcp.stream', 'tls.alert_message.desc'])) {
    byStream.get(r[0]!)?.push(`alert=${list(r[1]).map((d) => alertName(num(d))).join(',')}`);
  }
  return [...byStream.values()].map((l) => l.join(' '));
}

/** Ours, from the entries: the same fields. */
export function ourHandshakes(entries: readonly Entry[]): HandshakeLine[] {
  return entries
    .filter((e) => e.protocol.name === 'tls')
    .map((e) => {
      const q = e.request!;
      const r = e.response;
      const line = [
        `sni=${(q['sni'] as string | null) ?? ''}`,
        `ja3=${q['ja3'] as string}`,
        `ciphers=${(q['cipherSuites'] as string[]).join(',')}`,
        `alpn=${(q['alpn'] as string[]).join(',')}`,
        `versions=${(q['supportedVersions'] as string[]).join(',')}`,
        `ja4=${q['ja4'] as string}`,
      ];
      if (r !== null && r['cipherSuite'] !== null) line.push(`cipher=${r['cipherSuite'] as string}`, `version=${r['version'] as string}`, `chosenAlpn=${(r['alpn'] as string | null) ?? ''}`);
      const alerts = [...(q['alerts'] as Array<{ description: string }>), ...((r?.['alerts'] as Array<{ description: string }>) ?? [])];
      if (alerts.length > 0) line.push(`alert=${alerts.map((a) => a.description).join(',')}`);
      return line.join(' ');
    });
}

const JA4_VERSIONS: Record<number, string> = { 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3' };
const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const sha12 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);

function ja4Of(legacy: number, versions: number[], sni: boolean, ciphers: number[], exts: number[], alpn: string | undefined, sigalgs: number[]): string {
  const c = ciphers.filter((x) => !isGrease(x));
  const e = exts.filter((x) => !isGrease(x));
  const v = versions.filter((x) => !isGrease(x));
  const version = JA4_VERSIONS[v.length > 0 ? Math.max(...v) : legacy] ?? '00';
  const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
  // The capture's ALPN names are all alphanumeric at both ends.
  const a = `t${version}${sni ? 'd' : 'i'}${two(c.length)}${two(e.length)}${alpn ? alpn[0]! + alpn[alpn.length - 1]! : '00'}`;
  const b = sha12(c.map(hex4).sort().join(','));
  const rest = e.filter((x) => x !== 0 && x !== 16).map(hex4).sort().join(',');
  const sig = sigalgs.map(hex4).join(',');
  return `${a}_${b}_${sha12(sig === '' ? rest : `${rest}_${sig}`)}`;
}
