/**
 * Just enough of X.509 (RFC 5280 §4.1) in DER (X.690 §8, §10) to show who a TLS 1.2 server
 * said it is, from its Certificate message (RFC 5246 §7.4.2):
 *
 *   Certificate    = certificate_list<0..2^24-1>:24, each ASN.1Cert<1..2^24-1>:24 (DER)
 *   Certificate    ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version OPTIONAL, serialNumber INTEGER,
 *                      signature AlgorithmIdentifier, issuer Name,
 *                      validity SEQUENCE { notBefore Time, notAfter Time }, subject Name, … }
 *   Name           ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }
 *   Time           ::= UTCTime (YYMMDDHHMMSSZ; YY < 50 is 20YY, §4.1.2.5.1) | GeneralizedTime
 *
 * Only the first certificate (the server's own, §7.4.2) is read. Every length is checked against
 * its parent (cursor.ts); a certificate that does not parse gives null, never a throw.
 */

import { Cursor, CursorEnd } from './cursor.js';
import { printable } from './hello.js';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  /** The serial number in hex. */
  serial: string;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const OID = 0x06;
const UTC_TIME = 0x17;
const VERSION_TAG = 0xa0;

/** Attribute types by their DER OID body (2.5.4.x, RFC 5280 Appendix A; emailAddress, PKCS #9). */
const ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ['550403', 'CN'],
  ['550406', 'C'],
  ['550407', 'L'],
  ['550408', 'ST'],
  ['55040a', 'O'],
  ['55040b', 'OU'],
  ['2a864886f70d010901', 'emailAddress'],
]);

/** The first certificate of a TLS 1.2 Certificate message body, or null. */
export function firstCertificate(body: Buffer): CertificateInfo | null {
  try {
    const list = new Cursor(body).vector(3);
    const der = list.vector(3);
    return parseCertificate(der);
  } catch (e) {
    if (e instanceof CursorEnd) return null;
    throw e;
  }
}

function parseCertificate(c: Cursor): CertificateInfo {
  const tbs = element(element(c, SEQUENCE), SEQUENCE);
  if (peek(tbs) === VERSION_TAG) skip(tbs);
  const serial = element(tbs, INTEGER);
  skip(tbs); // signature AlgorithmIdentifier
  const issuer = name(element(tbs, SEQUENCE));
  const validity = element(tbs, SEQUENCE);
  const notBefore = time(validity);
  const notAfter = time(validity);
  const subject = name(element(tbs, SEQUENCE));
  return { subject, issuer, notBefore, notAfter, serial: serial.bytes(serial.left).toString('hex') };
}

/** `O=Example, CN=www.example.com`: attributes in the certificate's order. */
function name(c: Cursor): string {
  const parts: string[] = [];
  while (c.left > 0) {
    const rdn = element(c, SET);
    while (rdn.left > 0) {
      const pair = element(rdn, SEQUENCE);
      const oid = element(pair, OID);
      const key = oid.bytes(oid.left).toString('hex');
      const { body } = tlv(pair);
      parts.push(`${ATTRIBUTES.get(key) ?? `OID.${key}`}=${printable(body.bytes(body.left))}`);
    }
  }
  return parts.join(', ');
}

function time(c: Cursor): string {
  const { tag, body } = tlv(c);
  const text = body.bytes(body.left).toString('latin1');
  const m = (tag === UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(text);
  if (m === null) return printable(Buffer.from(text, 'latin1'));
  let year = m[1]!;
  if (tag === UTC_TIME) year = (Number(year) < 50 ? '20' : '19') + year;
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** One TLV (X.690 §8.1): a one-byte tag, a definite length (DER, §10.1). */
function tlv(c: Cursor): { tag: number; body: Cursor } {
  const tag = c.u8();
  let length = c.u8();
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3) throw new CursorEnd();
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + c.u8();
  }
  return { tag, body: c.sub(length) };
}

function element(c: Cursor, tag: number): Cursor {
  const got = tlv(c);
  if (got.tag !== tag) throw new CursorEnd();
  return got.body;
}

function skip(c: Cursor): void {
  tlv(c);
}

function peek(c: Cursor): number {
  const at = c.pos;
  const tag = c.u8();
  c.pos = at;
  return tag;
}
