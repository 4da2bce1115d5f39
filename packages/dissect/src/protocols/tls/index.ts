/**
 * TLS handshakes (RFC 8446, RFC 5246): one entry per connection with its ClientHello and
 * ServerHello, the fingerprints, the TLS 1.2 certificate and the alerts sent in clear; the
 * encrypted rest is counted.
 *
 * Files: cursor.ts (a bounds-checked reader), registries.ts (versions, cipher suites, alerts,
 * GREASE), records.ts (the record layer and handshake message reassembly), hello.ts (the hello
 * grammar), fingerprint.ts (JA3, JA4), x509.ts (subject, issuer, validity), probe.ts
 * (recognition), stream.ts (the StreamDissector), shape.ts (entry JSON; its header comment
 * documents the shape).
 */

import type { DissectorSpec } from '../../dissector.js';
import { probe } from './probe.js';
import { TlsStream } from './stream.js';

export const tls: DissectorSpec = {
  name: 'tls',
  layer4: 'tcp',
  // Only to break ties (HTTPS); the fixtures run on other ports on purpose.
  ports: [443],
  probe,
  create: (session) => new TlsStream(session),
};
