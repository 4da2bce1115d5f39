/**
 * DNS entries to filter, exactly as the dissector wrote them from real traffic: `dig` asking
 * dnsmasq (packages/dissect/test/fixtures/dns/*.expected.json, made by generate-dns.sh).
 */

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';

const FIXTURES = fileURLToPath(new URL('../../dissect/test/fixtures/dns/', import.meta.url));

function pick(capture: string, id: string): Entry {
  const doc = JSON.parse(fs.readFileSync(`${FIXTURES}${capture}.expected.json`, 'utf8')) as { entries: Entry[] };
  const e = doc.entries.find((x) => x.id === id);
  if (!e) throw new Error(`fixture ${capture} has no entry ${id}`);
  return structuredClone(e);
}

/** `A api.shoal.test -> 10.244.81.80 (+1 more)`: a CNAME to www.shoal.test, then its address. */
export const cnameA = (): Entry => pick('udp-records', 'dissect/3');

/** `SRV _http._tcp.shoal.test -> 10 5 8080 www.shoal.test`. */
export const srv = (): Entry => pick('udp-records', 'dissect/4');

/** `AAAA nothere.shoal.test -> NXDOMAIN`, over TCP, with the zone's SOA as authority. */
export const nxdomain = (): Entry => pick('nxdomain', 'dissect/2');

/** `A www.shoal.test -> no response`: asked of an address that never answers. */
export const unanswered = (): Entry => pick('no-answer', 'dissect/1');

/** The response alone (the capture began after the query), as the dissector shows it. */
export function responseOnly(): Entry {
  const e = cnameA();
  e.request = null;
  e.requestSize = 0;
  e.malformed = { code: 'DIS_ERR_NO_REQUEST', at: 'request' };
  return e;
}
