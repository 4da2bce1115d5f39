/**
 * Temporary files for tests, removed when the test process ends.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let dir: string | null = null;
let counter = 0;

export function tempDir(): string {
  if (dir === null) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-capture-test-'));
    dir = made;
    process.on('exit', () => fs.rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

/** Writes `bytes` to a new temporary file and returns its path. */
export function tempFile(bytes: Uint8Array | string, name = 'capture'): string {
  const file = path.join(tempDir(), `${counter++}-${name}`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Bytes from a hex string that may contain spaces, newlines and `#` comments. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex literal: ${clean}`);
  return Buffer.from(clean, 'hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
