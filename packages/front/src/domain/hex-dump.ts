/**
 * The hex view of a binary body, as in `xxd` or Wireshark's bytes pane:
 * `00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 0d 0a 00 ff  |HTTP/1.1 200....|`, 16 bytes a
 * line, at most `maxLines` lines (a body is at most 64 KiB; the panel need not hold 4,096 lines).
 */
export function hexDump(bytes: Uint8Array, maxLines = 1024): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length && lines.length < maxLines; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += (b === undefined ? '  ' : b.toString(16).padStart(2, '0')) + (i === 7 ? '  ' : ' ');
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return { lines, cut: bytes.length > maxLines * 16 };
}
