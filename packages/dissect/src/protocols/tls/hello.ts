/**
 * ClientHello and ServerHello (RFC 8446 §4.1.2, §4.1.3; RFC 5246 §7.4.1.2, §7.4.1.3):
 *
 *   ClientHello = legacy_version:16 random:32 session_id<0..32>:8
 *                 cipher_suites<2..2^16-2>:16 compression_methods<1..2^8-1>:8
 *                 [ extensions<8..2^16-1>:16 ]      ; absent in some TLS 1.0 clients
 *   ServerHello = legacy_version:16 random:32 session_id<0..32>:8
 *                 cipher_suite:16 compression_method:8 [ extensions<6..2^16-1>:16 ]
 *   Extension   = extension_type:16 extension_data<0..2^16-1>:16
 *
 * The extensions read here: server_name (0, RFC 6066 §3: a list of (name_type:8, HostName<1..>:16),
 * host_name = 0), supported_groups (10, RFC 8422 §5.1.1), ec_point_formats (11), signature_algorithms
 * (13, RFC 8446 §4.2.3), ALPN (16, RFC 7301 §3.1: a list of ProtocolName<1..2^8-1>), and
 * supported_versions (43, RFC 8446 §4.2.1: the client's list<2..254>:8, the server's one choice).
 * Every extension type is kept in order for the fingerprints (fingerprint.ts).
 *
 * A ServerHello whose random is SHA-256("HelloRetryRequest") is a HelloRetryRequest (§4.1.3).
 * A hello that breaks the grammar keeps what was read before the break and says so (`problem`).
 */

import { ErrorCodes } from '@shoal/model';
import { Cursor, CursorEnd } from './cursor.js';

export interface ClientHello {
  legacyVersion: number;
  cipherSuites: number[];
  /** Extension types in wire order. */
  extensions: number[];
  sni: string | null;
  alpn: string[];
  /** The first ALPN name's bytes as sent (JA4 looks at its first and last byte); null without one. */
  alpnFirst: Buffer | null;
  /** supported_versions, in the client's order; [] without the extension. */
  versions: number[];
  groups: number[];
  pointFormats: number[];
  signatureAlgorithms: number[];
  /** DIS_ERR_SYNTAX when the hello breaks its grammar; what came before is kept. */
  problem: string | null;
}

export interface ServerHello {
  legacyVersion: number;
  cipherSuite: number | null;
  /** supported_versions: the version the server chose (TLS 1.3), else null. */
  selectedVersion: number | null;
  /** The one protocol the server chose from the client's ALPN list. */
  alpn: string | null;
  helloRetry: boolean;
  problem: string | null;
}

const EXT_SERVER_NAME = 0;
const EXT_SUPPORTED_GROUPS = 10;
const EXT_POINT_FORMATS = 11;
const EXT_SIGNATURE_ALGORITHMS = 13;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
const RANDOM_SIZE = 32;
/** SHA-256 of "HelloRetryRequest" (RFC 8446 §4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

export function parseClientHello(body: Buffer): ClientHello {
  const hello: ClientHello = {
    legacyVersion: 0,
    cipherSuites: [],
    extensions: [],
    sni: null,
    alpn: [],
    alpnFirst: null,
    versions: [],
    groups: [],
    pointFormats: [],
    signatureAlgorithms: [],
    problem: null,
  };
  const c = new Cursor(body);
  try {
    hello.legacyVersion = c.u16();
    c.bytes(RANDOM_SIZE);
    c.vector(1);
    hello.cipherSuites = c.vector(2).u16s();
    c.vector(1);
    if (c.left === 0) return hello;
    const exts = c.vector(2);
    while (exts.left > 0) {
      const type = exts.u16();
      hello.extensions.push(type);
      clientExtension(hello, type, exts.vector(2));
    }
  } catch (e) {
    if (!(e instanceof CursorEnd)) throw e;
    hello.problem = ErrorCodes.DIS_ERR_SYNTAX;
  }
  return hello;
}

function clientExtension(hello: ClientHello, type: number, data: Cursor): void {
  switch (type) {
    case EXT_SERVER_NAME: {
      const list = data.vector(2);
      while (list.left > 0) {
        const nameType = list.u8();
        const name = list.vector(2);
        if (nameType === 0 && hello.sni === null) hello.sni = printable(name.bytes(name.left));
      }
      break;
    }
    case EXT_ALPN: {
      const names = protocolNames(data.vector(2));
      hello.alpn = names.map(printable);
      hello.alpnFirst = names[0] ?? null;
      break;
    }
    case EXT_SUPPORTED_VERSIONS:
      hello.versions = data.vector(1).u16s();
      break;
    case EXT_SUPPORTED_GROUPS:
      hello.groups = data.vector(2).u16s();
      break;
    case EXT_POINT_FORMATS: {
      const formats = data.vector(1);
      while (formats.left > 0) hello.pointFormats.push(formats.u8());
      break;
    }
    case EXT_SIGNATURE_ALGORITHMS:
      hello.signatureAlgorithms = data.vector(2).u16s();
      break;
  }
}

export function parseServerHello(body: Buffer): ServerHello {
  const hello: ServerHello = { legacyVersion: 0, cipherSuite: null, selectedVersion: null, alpn: null, helloRetry: false, problem: null };
  const c = new Cursor(body);
  try {
    hello.legacyVersion = c.u16();
    hello.helloRetry = c.bytes(RANDOM_SIZE).equals(HRR_RANDOM);
    c.vector(1);
    hello.cipherSuite = c.u16();
    c.u8();
    if (c.left === 0) return hello;
    const exts = c.vector(2);
    while (exts.left > 0) {
      const type = exts.u16();
      const data = exts.vector(2);
      if (type === EXT_SUPPORTED_VERSIONS) hello.selectedVersion = data.u16();
      else if (type === EXT_ALPN) {
        const chosen = protocolNames(data.vector(2))[0];
        hello.alpn = chosen === undefined ? null : printable(chosen);
      }
    }
  } catch (e) {
    if (!(e instanceof CursorEnd)) throw e;
    hello.problem = ErrorCodes.DIS_ERR_SYNTAX;
  }
  return hello;
}

/** ProtocolName<1..2^8-1> list (RFC 7301 §3.1). */
function protocolNames(list: Cursor): Buffer[] {
  const out: Buffer[] = [];
  while (list.left > 0) {
    const name = list.vector(1);
    out.push(name.bytes(name.left));
  }
  return out;
}

/** Bytes as ASCII text: printable ones as they are, others as `\xHH` (entries stay ASCII). */
export function printable(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}
