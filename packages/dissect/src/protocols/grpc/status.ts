/**
 * The words of a gRPC call's headers and trailers (gRPC over HTTP2, PROTOCOL-HTTP2.md):
 *
 *   Path           → ":path" "/" Service-Name "/" {method name}
 *   Status         → "grpc-status" 1*DIGIT                    ; decimal, no leading zeros
 *   Status-Message → "grpc-message" Percent-Encoded
 *   Percent-Encoded → 1*(Percent-Byte-Unencoded / Percent-Byte-Encoded)
 *   Percent-Byte-Encoded → "%" 2HEXDIGIT                      ; UTF-8 bytes, RFC 3986 §2.1
 *
 * Status codes and their names: gRPC's statuscodes.md (grpc/status.h).
 */

const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** The name of a status code; `STATUS_<n>` for one the table does not know. */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? `STATUS_${code}`;
}

/** A `grpc-status` value as a number; null when it is not 1 to 9 decimal digits. */
export function parseStatus(value: string | undefined): number | null {
  if (value === undefined || value.length === 0 || value.length > 9) return null;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A `grpc-message` decoded: %XX sequences are UTF-8 bytes. Invalid input is never an error (the
 * spec forbids throwing it away): a broken escape stays as it is, and bytes that are not UTF-8
 * become U+FFFD.
 */
export function decodeStatusMessage(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const hi = c === 0x25 ? hexDigit(value.charCodeAt(i + 1)) : -1;
    const lo = hi >= 0 ? hexDigit(value.charCodeAt(i + 2)) : -1;
    if (lo >= 0) {
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    // Outside ASCII (the spec allows only ASCII unencoded): the character's own UTF-8 bytes.
    else bytes.push(...Buffer.from(String.fromCodePoint(value.codePointAt(i)!), 'utf8'));
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The value of a hexadecimal digit's character code; -1 for another character (NaN too). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** `/pkg.Service/Method` → its service and method; null for a path of another form. */
export function splitPath(path: string): { service: string; method: string } | null {
  const slash = path.indexOf('/', 1);
  if (path[0] !== '/' || slash < 0 || slash === 1 || slash === path.length - 1) return null;
  if (path.indexOf('/', slash + 1) >= 0 || path.includes('?')) return null;
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}
