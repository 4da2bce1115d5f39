/**
 * The certificate of the demo's HTTPS service (`auth`), made at every `lab up` with Debian's
 * openssl in the lab's state folder: never in the repository, new with every lab, removed by
 * `down` with the folder. It is self-signed, and its client (the front) trusts that one
 * certificate: no authority of the host is involved. Its subjectAltName holds the service's
 * names as a pod resolves them and the pod's address, so the client checks the server's name as
 * it would a public server's (RFC 6125 §6.4: DNS-IDs from subjectAltName).
 */
import * as fs from 'node:fs';
import { serviceFqdn, type PlannedPod } from './lab-plan.js';
import type { LabState } from './lab-state.js';
import { run } from './demo-stores.js';

export interface ServiceCertificate {
  /** The private key (PEM, mode 0600). */
  key: string;
  /** The certificate (PEM). */
  cert: string;
}

/** Long enough for any lab: it is made again at every `up`. */
const VALID_DAYS = 30;

export function makeServiceCertificate(pod: PlannedPod, state: LabState): ServiceCertificate {
  const dir = state.path('tls');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = state.path('tls', `${pod.name}.key`);
  const cert = state.path('tls', `${pod.name}.crt`);
  const names = [pod.name, `${pod.name}.${pod.namespace}`, serviceFqdn(pod)];
  run(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', String(VALID_DAYS),
      '-subj', `/O=shoal lab/CN=${serviceFqdn(pod)}`,
      '-addext', `subjectAltName=${[...names.map((n) => `DNS:${n}`), `IP:${pod.ip}`].join(',')}`,
    ],
    `openssl req (the certificate of ${pod.name})`,
  );
  fs.chmodSync(key, 0o600);
  return { key, cert };
}
