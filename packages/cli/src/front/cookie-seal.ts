import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** AES-256-GCM (NIST SP 800-38D): a 96-bit nonce (§8.2.2, random per seal) and a 128-bit tag. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Shorter key files are refused: the key is a secret of at least 256 bits. */
export const MIN_SESSION_KEY_BYTES = 32;

/**
 * What the front's cookies carry, encrypted and authenticated with one key: the browser can
 * neither read a cookie's content nor change it (GCM's tag fails on any changed byte), so a
 * cookie is both signed and encrypted. The key is `--session-key-file`'s content (hashed to the
 * 32 bytes AES-256 takes) or 32 random bytes made for the run.
 */
export class CookieSeal {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    this.key = createHash('sha256').update(key).digest();
  }

  /** A new seal with a random key: cookies it made are worthless once the process ends. */
  static random(): CookieSeal {
    return new CookieSeal(randomBytes(32));
  }

  /** `value` as JSON, encrypted: nonce, tag and ciphertext, base64url (cookie-safe, RFC 6265 §4.1.1). */
  seal(value: unknown): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** What `seal` sealed, or undefined for anything this key did not seal. */
  open(text: string): unknown {
    const bytes = Buffer.from(text, 'base64url');
    if (bytes.length <= NONCE_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** The key of `--session-key-file`: its content without surrounding whitespace, at least MIN_SESSION_KEY_BYTES. */
export function sessionKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'utf8');
  if (key.length < MIN_SESSION_KEY_BYTES) throw new Error(`${source}: the session key has ${key.length} bytes; at least ${MIN_SESSION_KEY_BYTES} are needed (e.g. openssl rand -hex 32)`);
  return key;
}
