/**
 * DNS golden captures: every capture under test/fixtures/dns/ (made by fixtures/generate-dns.sh:
 * dig asking dnsmasq over UDP and TCP on a 1500-MTU veth pair) is dissected with the default
 * engine and compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites them:
 * read their diff). Then three independent checks: what a person read in the capture and the
 * generator (REVIEWED, which a wrong golden cannot satisfy), tshark's view of every message (run
 * here, on the same file), and the same entries when the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { dissectFile, dissectPackets, ofProtocol } from './helpers/dissect-capture.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourMessages, tsharkMessages } from './helpers/tshark-dns.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/dns/', import.meta.url));

/** The veth pair of generate-dns.sh: the client's address, then the server's. */
const V4 = '10.244.81.1 -> 10.244.81.2';
const V6 = 'fd00:81::1 -> fd00:81::2';
const WWW = '10.244.81.80';
const SOA = 'ns.shoal.test hostmaster.shoal.test 2024010201 1200 180 1209600 600';
/**
 * big.shoal.test's one TXT record (generate-dns.sh): 16 quoted strings of 250 letters, the first
 * from `a`; a summary shows its first 100 characters.
 */
const BIG = `"${'abcdefghijklmnopqrstuvwxyz'.repeat(4).slice(0, 99)}...`;

/**
 * What each capture holds, read from the generator's dig commands and dnsmasq's zone: the DNS
 * summaries in order, with the malformed code where one is right, the transports, and the
 * client -> server pairs.
 */
const REVIEWED: Record<string, { dns: string[]; layer4: string[]; hosts: string[] }> = {
  'udp-records': {
    dns: [
      `A www.shoal.test -> ${WWW}`,
      'AAAA www.shoal.test -> fd00:81::80',
      `A api.shoal.test -> ${WWW} (+1 more)`,
      'SRV _http._tcp.shoal.test -> 10 5 8080 www.shoal.test',
      'MX shoal.test -> 10 mail.shoal.test',
      'TXT shoal.test -> "v=spf1 -all" "second string"',
      'PTR 80.81.244.10.in-addr.arpa -> www.shoal.test',
      'NS shoal.test -> ns.shoal.test',
      `SOA shoal.test -> ${SOA}`,
      'CAA shoal.test -> 0 issue "ca.shoal.test"',
      'TYPE65280 unknown.shoal.test -> \\# 4 0a000001',
      'AAAA www.shoal.test -> fd00:81::80',
    ],
    layer4: ['udp'],
    hosts: [V4, V6],
  },
  'tcp-records': {
    dns: [`A www.shoal.test -> ${WWW}`, 'AAAA www.shoal.test -> fd00:81::80', 'SRV _http._tcp.shoal.test -> 10 5 8080 www.shoal.test', `SOA shoal.test -> ${SOA}`],
    layer4: ['tcp'],
    hosts: [V4],
  },
  nxdomain: { dns: ['A nothere.shoal.test -> NXDOMAIN', 'AAAA nothere.shoal.test -> NXDOMAIN'], layer4: ['tcp', 'udp'], hosts: [V4] },
  'tcp-large-txt': { dns: [`TXT big.shoal.test -> ${BIG}`], layer4: ['tcp'], hosts: [V4] },
  'udp-truncated': {
    dns: ['TXT big.shoal.test -> no answers (truncated)', `TXT big.shoal.test -> ${BIG}`],
    layer4: ['tcp', 'udp'],
    hosts: [V4],
  },
  edns: { dns: [`A www.shoal.test -> ${WWW}`], layer4: ['udp'], hosts: [V4] },
  'no-answer': {
    dns: ['A www.shoal.test -> no response [DIS_ERR_NO_RESPONSE]', 'A www.shoal.test -> no response [DIS_ERR_NO_RESPONSE]'],
    layer4: ['udp'],
    hosts: ['10.244.81.1 -> 10.244.81.9'],
  },
};



describe('DNS golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the capture', () => {
      const reviewed = REVIEWED[name]!;
      const got = result();
      const dns = ofProtocol(got, 'dns');
      assert.deepEqual(dns.map((e) => e.summary.text + (e.malformed !== undefined ? ` [${e.malformed.code}]` : '')), reviewed.dns);
      assert.deepEqual([...new Set(dns.map((e) => e.protocol.layer4))].sort(), reviewed.layer4);
      assert.deepEqual([...new Set(got.entries.map((e) => `${e.src.ip} -> ${e.dst.ip}`))].sort(), [...reviewed.hosts].sort());
      assert.deepEqual(got.entries.filter((e) => e.protocol.name !== 'dns').map((e) => e.summary.text), [], 'every flow is DNS');
    });

    it('agrees with tshark on every message: ID, question, rcode, TC, answers, EDNS0', () => {
      assert.deepEqual([...ourMessages(result().entries)].sort(), [...tsharkMessages(file)].sort());
    });

    it('gives the same entries in detail summary (DNS keeps every field)', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }), result());
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });
  });
});
