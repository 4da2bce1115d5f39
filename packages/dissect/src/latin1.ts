/**
 * `buf[from, to)` as a latin1 string (one char per byte: string offsets are byte offsets).
 *
 * Calls Buffer's own latin1Slice, which `toString('latin1', …)` ends in after validating its
 * arguments and looking up the encoding: on the HTTP head path that wrapper cost as much as the
 * copy. Callers pass offsets within the buffer.
 */
interface Latin1Sliceable {
  latin1Slice(from: number, to: number): string;
}

export function latin1(buf: Buffer, from: number, to: number): string {
  return (buf as unknown as Latin1Sliceable).latin1Slice(from, to);
}
