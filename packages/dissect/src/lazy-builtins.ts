/**
 * Node built-ins that only some captures need — zlib for compressed bodies and messages, crypto
 * for TLS fingerprints — loaded on first use instead of at start: importing both cost
 * `shoal dissect` about 7 ms of its start-up (issue 20 asks ≤ 60 ms on an empty file), though
 * most files never inflate anything. Dissectors are synchronous, so the module is loaded
 * synchronously, through createRequire (process.getBuiltinModule would do without node:module,
 * but needs Node ≥ 22.3). The loader is not named `require`, so that the CLI's bundler leaves the
 * call alone rather than turning it back into an import.
 */

import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';

const load = createRequire(import.meta.url);
let zlib: typeof Zlib | undefined;
let crypto: typeof Crypto | undefined;

export function zlibModule(): typeof Zlib {
  return (zlib ??= load('node:zlib') as typeof Zlib);
}

export function cryptoModule(): typeof Crypto {
  return (crypto ??= load('node:crypto') as typeof Crypto);
}
