/**
 * ICMP golden captures: every capture under test/fixtures/icmp/ (made by
 * fixtures/generate-icmp.sh: Debian's ping over IPv4 and IPv6, and the errors the Linux stack
 * sends for a closed UDP port, a rejecting route and TTL 1 through a router, on a 1500-MTU veth
 * pair) is dissected with the default engine and compared with `<name>.expected.json` beside it
 * (`UPDATE_GOLDEN=1` rewrites them: read their diff). Then independent checks: what a person read
 * in the capture and the generator (REVIEWED: patterns, as echo identifiers and ports change with
 * every run), tshark's view of every message (run here, on the same file), and the same entries in
 * detail summary.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Entry } from '@shoal/model';
import { dissectFile, ofProtocol } from './helpers/dissect-capture.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { ourMessages, tsharkMessages } from './helpers/tshark-icmp.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/icmp/', import.meta.url));

/** The addresses of generate-icmp.sh: the client, the server (a router too), beyond it. */
const ECHO4 = /^ICMP 10\.244\.84\.1 -> 10\.244\.84\.2 \| echo request id=\d+ seq=\d -> echo reply$/;
const ECHO6 = /^ICMPv6 fd00:84::1 -> fd00:84::2 \| echo request id=\d+ seq=\d -> echo reply$/;
const lost = (abbr: string, to: string): RegExp => new RegExp(`^${abbr} ${from(abbr)} -> ${to.replace(/\./g, '\\.')} \\| echo request id=\\d+ seq=\\d -> no reply \\[DIS_ERR_NO_RESPONSE\\]$`);
const from = (abbr: string): string => (abbr === 'ICMP' ? '10\\.244\\.84\\.1' : 'fd00:84::1');
/** An error: its recipient (the client) and sender (the server, a router), words, and the quote. */
const error = (abbr: string, text: string): RegExp => new RegExp(`^${abbr} ${from(abbr)} -> ${abbr === 'ICMP' ? '10\\.244\\.84\\.2' : 'fd00:84::2'} \\| ${text}$`);

/**
 * What each capture holds, read from the generator's commands: every entry's `abbr src -> dst |
 * summary [malformed]`, in order.
 */
const REVIEWED: Record<string, RegExp[]> = {
  'echo-v4': [ECHO4, ECHO4, ECHO4, ECHO4],
  'echo-v6': [ECHO6, ECHO6, ECHO6],
  'no-reply': [lost('ICMP', '10.244.84.9'), lost('ICMP', '10.244.84.9')],
  unreachable: [
    error('ICMP', 'destination unreachable: host unreachable \\(ICMP 10\\.244\\.84\\.1 -> 10\\.244\\.86\\.1 echo request id=\\d+ seq=1\\)'),
    error('ICMPv6', 'destination unreachable: no route to destination \\(ICMP fd00:84::1 -> fd00:86::1 echo request id=\\d+ seq=1\\)'),
    error('ICMP', 'destination unreachable: port unreachable \\(UDP 10\\.244\\.84\\.1:\\d+ -> 10\\.244\\.84\\.2:9\\)'),
    error('ICMPv6', 'destination unreachable: port unreachable \\(UDP \\[fd00:84::1\\]:\\d+ -> \\[fd00:84::2\\]:9\\)'),
    lost('ICMP', '10.244.86.1'),
    lost('ICMPv6', 'fd00:86::1'),
    /^UDP 10\.244\.84\.1 -> 10\.244\.84\.2 \| UDP .*: 1 packets, 6 bytes$/,
    /^UDP fd00:84::1 -> fd00:84::2 \| UDP .*: 1 packets, 6 bytes$/,
  ],
  'time-exceeded': [
    error('ICMP', 'time exceeded: TTL exceeded in transit \\(ICMP 10\\.244\\.84\\.1 -> 10\\.244\\.85\\.9 echo request id=\\d+ seq=1\\)'),
    error('ICMPv6', 'time exceeded: hop limit exceeded in transit \\(ICMP fd00:84::1 -> fd00:85::9 echo request id=\\d+ seq=1\\)'),
    lost('ICMP', '10.244.85.9'),
    lost('ICMPv6', 'fd00:85::9'),
  ],
  'neighbor-discovery': [
    ECHO6,
    /^ICMPv6 fd00:84::1 -> ff02::1:ff00:2 \| neighbor solicitation x1$/,
    /^ICMPv6 fd00:84::2 -> fd00:84::1 \| neighbor advertisement x1$/,
  ],
};

const line = (e: Entry): string => `${e.protocol.abbr} ${e.src.ip} -> ${e.dst.ip} | ${e.summary.text}${e.malformed !== undefined ? ` [${e.malformed.code}]` : ''}`;

describe('ICMP golden captures', () => {
  it('holds the details the generator put there: a round trip, 2000 octets across two IP fragments, the quote of an error', () => {
    const echoes = ofProtocol(dissectFile(path.join(FIXTURES, 'echo-v4.pcap')), 'icmp');
    for (const e of echoes) {
      assert.ok(e.elapsedMs > 0 && e.elapsedMs < 1000, `${e.elapsedMs} ms`);
      assert.equal(e.request!['id'], e.response!['id']);
      assert.deepEqual([e.src.port, e.dst.port, e.protocol.layer4], [0, 0, 'icmp']);
    }
    // ping -s 2000: the request and the reply each in two fragments on a 1500-octet link.
    assert.deepEqual(echoes.map((e) => [e.request!['bodySize'], e.response!['bodySize']]), [[56, 56], [56, 56], [56, 56], [2000, 2000]]);
    const [host, , port] = ofProtocol(dissectFile(path.join(FIXTURES, 'unreachable.pcap')), 'icmp');
    assert.deepEqual([host!.response!['type'], host!.response!['code'], host!.response!['codeName']], [3, 1, 'host unreachable']);
    assert.deepEqual(port!.response!['quoted'], { protocol: 'udp', src: '10.244.84.1', dst: '10.244.84.2', srcPort: (port!.response!['quoted'] as { srcPort: number }).srcPort, dstPort: 9 });
    assert.deepEqual([port!.request, port!.requestSize, port!.responseSize], [null, 0, 8 + 20 + 8 + 6]);
  });

  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the capture', () => {
      const got = result().entries.map(line);
      const want = REVIEWED[name]!;
      assert.equal(got.length, want.length, got.join('\n'));
      got.forEach((l, i) => assert.match(l, want[i]!));
    });

    it('agrees with tshark on every message: type, code, echo identifier and sequence, whether answered, the quoted 5-tuple', () => {
      const theirs = tsharkMessages(file);
      assert.ok(theirs.length > 0);
      assert.deepEqual([...ourMessages(result().entries)].sort(), [...theirs].sort());
    });

    it('gives the same entries in detail summary (ICMP keeps every field)', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }), result());
    });
  });
});
