/**
 * TLS entries to filter, exactly as the dissector wrote them from real traffic: openssl s_client
 * and curl against openssl s_server (packages/dissect/test/fixtures/tls/*.expected.json, made by
 * generate-tls.sh). Each capture holds one connection, so one entry.
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/tls/', import.meta.url));

function only(capture: string): Entry {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${capture}.expected.json`, 'utf8')) as { entries: Entry[] };
  const [e] = doc.entries;
  if (!e || doc.entries.length !== 1) throw new Error(`fixture ${capture} should hold one entry`);
  return structuredClone(e);
}

/** `TLS 1.3 www.shoal.test h2,http/1.1`: s_client offering h2 and http/1.1. */
export const tls13 = (): Entry => only('tls13-alpn');

/** `TLS 1.2 api.shoal.test ECDHE-RSA-AES128-GCM-SHA256`: no ALPN, the certificate in clear. */
export const tls12 = (): Entry => only('tls12-certificate');

/** `TLS 1.3 www.shoal.test h2,http/1.1` from curl. */
export const curl = (): Entry => only('curl');

/** `TLS www.shoal.test alert protocol_version`: a TLS 1.2 client, a TLS 1.3-only server. */
export const refused = (): Entry => only('alert-protocol-version');
