/**
 * TLS golden captures: every capture under test/fixtures/tls/ (made by fixtures/generate-tls.sh:
 * openssl s_server answered by s_client and curl on a 1500-MTU veth pair) is dissected with the
 * default engine and compared with `<name>.expected.json` beside it (`UPDATE_GOLDEN=1` rewrites
 * them: read their diff). Then independent checks: what a person read in the capture and the
 * generator (REVIEWED), tshark's view of every handshake (run here, on the same file), and the
 * same entries when the network's segments are cut smaller.
 */

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCapture, resegment } from './helpers/capture-rewrite.js';
import { goldenCaptures } from './helpers/golden-captures.js';
import { dissectFile, dissectPackets, ofProtocol, type Dissected } from './helpers/dissect-capture.js';
import { rankedStreams } from './helpers/ranked-streams.js';
import { ourHandshakes, tsharkHandshakes } from './helpers/tshark-tls.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/tls/', import.meta.url));
/** The servers' ports in generate-tls.sh: none is 443, the one port TLS's probe may prefer. */
const PORTS = [8443, 4433, 9443, 8444];
const WWW = 'www.shoal.test';

/**
 * What each capture holds, read from the generator's commands: the TLS summary, the server port,
 * and whether the ClientHello needed more than one TCP segment.
 */
const REVIEWED: Record<string, { summary: string; port: number }> = {
  'tls13-alpn': { summary: `TLS 1.3 ${WWW} h2,http/1.1`, port: 8443 },
  'tls12-alpn': { summary: `TLS 1.2 ${WWW} http/1.1`, port: 8443 },
  'tls12-certificate': { summary: 'TLS 1.2 api.shoal.test ECDHE-RSA-AES128-GCM-SHA256', port: 4433 },
  curl: { summary: `TLS 1.3 ${WWW} h2,http/1.1`, port: 8443 },
  'big-client-hello': { summary: `TLS 1.3 ${WWW} proto-001,proto-002,proto-003,+298`, port: 8443 },
  'alert-protocol-version': { summary: `TLS ${WWW} alert protocol_version`, port: 9443 },
  'hello-retry': { summary: `TLS 1.3 ${WWW} TLS_AES_256_GCM_SHA384`, port: 8444 },
};


const fixture = (name: string): Dissected => dissectFile(path.join(FIXTURES, `${name}.pcap`));

describe('TLS golden captures', () => {
  goldenCaptures(FIXTURES, REVIEWED, (name, file, result) => {
    it('holds what a person read in the capture: one TLS entry, its summary, nothing else', () => {
      const reviewed = REVIEWED[name]!;
      const got = result();
      assert.deepEqual(got.entries.map((e) => e.summary.text), [reviewed.summary]);
      const [e] = ofProtocol(got, 'tls');
      assert.equal(e!.dst.port, reviewed.port);
      assert.equal(e!.malformed, undefined);
    });

    it('agrees with tshark: SNI, JA3, JA4, offered suites, ALPN and versions, the chosen suite and version, alerts', () => {
      assert.deepEqual(ourHandshakes(result().entries), tsharkHandshakes(file, PORTS));
    });

    it('gives the same entries in detail summary', () => {
      assert.deepStrictEqual(dissectFile(file, { detail: 'summary' }), result());
    });

    it('gives the same entries when every TCP segment is cut into 100-byte pieces', () => {
      assert.deepStrictEqual(rankedStreams(dissectPackets(resegment(readCapture(file), 100)).entries), rankedStreams(result().entries));
    });
  });

  it('TLS 1.2: the server certificate, read from the Certificate message in clear', () => {
    const [e] = ofProtocol(fixture('tls12-certificate'), 'tls');
    const cert = e!.response!['certificate'] as Record<string, string>;
    // generate-tls.sh: -subj "/O=Shoal Test/CN=www.shoal.test" -days 365, self-signed.
    assert.equal(cert['subject'], 'O=Shoal Test, CN=www.shoal.test');
    assert.equal(cert['issuer'], cert['subject']);
    const days = (Date.parse(cert['notAfter']!) - Date.parse(cert['notBefore']!)) / 86_400_000;
    assert.equal(days, 365);
    // Made the day the capture was: the handshake happened inside the validity.
    assert.ok(Date.parse(cert['notBefore']!) <= e!.timestamp + 1000 && e!.timestamp < Date.parse(cert['notAfter']!));
  });

  it('TLS 1.3 hides the certificate: none is shown; the encrypted rest is counted, not parsed', () => {
    const [e] = ofProtocol(fixture('tls13-alpn'), 'tls');
    assert.equal(e!.response!['certificate'], undefined);
    for (const side of [e!.request!, e!.response!]) {
      assert.ok((side['encryptedRecords'] as number) > 0);
      assert.ok((side['encryptedBytes'] as number) < (side['bytes'] as number));
      assert.equal(side['unframedBytes'], 0);
    }
    assert.equal(e!.requestSize, e!.request!['bytes']);
  });

  it('a HelloRetryRequest: the entry keeps the first ClientHello and says the server asked again', () => {
    const [e] = ofProtocol(fixture('hello-retry'), 'tls');
    assert.equal(e!.response!['helloRetry'], true);
    assert.equal(e!.response!['version'], 'TLS 1.3');
    // The middlebox change_cipher_spec before the second ClientHello does not turn it into
    // encrypted bytes: the client's encrypted records are its Finished and what follows.
    const q = e!.request!;
    assert.ok((q['records'] as number) - (q['encryptedRecords'] as number) >= 3, 'two ClientHellos and a change_cipher_spec in clear');
  });

  it('the large ClientHello spanned several segments and is whole: 301 ALPN names', () => {
    const [e] = ofProtocol(fixture('big-client-hello'), 'tls');
    const alpn = e!.request!['alpn'] as string[];
    assert.equal(alpn.length, 301);
    assert.equal(alpn[300], 'http/1.1');
    assert.ok((e!.request!['bytes'] as number) > 1448 * 2);
  });
});
