/**
 * Finding the end of a field section (a head, or the trailers after a chunked body) in bytes
 * that may arrive in any chunking. A section ends with an empty line: CRLF CRLF normally, but
 * RFC 9112 §2.2 lets a recipient accept a bare LF as a line terminator, so LF LF and LF CRLF end
 * one too. The common case is one native `indexOf` per head; the bare-LF searches run only when
 * a chunk holds no CRLF CRLF after the section start.
 */

const LF = 10;
const CR = 13;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
const LFCRLF = Buffer.from('\n\r\n');

/**
 * Remembers the last search of one needle in one buffer, so that many sections in one chunk
 * that all miss (bare-LF heads) do not rescan the chunk's tail each time.
 */
class NeedleCache {
  private buf: Buffer | null = null;
  private from = 0;
  private at = -1;

  constructor(private readonly needle: Buffer) {}

  find(buf: Buffer, pos: number): number {
    if (this.buf === buf && pos >= this.from && (this.at < 0 || pos <= this.at)) return this.at;
    const at = buf.indexOf(this.needle, pos);
    this.buf = buf;
    this.from = pos;
    this.at = at;
    return at;
  }

  forget(): void {
    this.buf = null;
  }
}

/**
 * Boundary state after the last byte handed in: 0 in a line, 1 at a line start (after LF),
 * 2 after LF CR. A section can end right at a chunk boundary only from states 1 and 2.
 */
export type BoundaryState = 0 | 1 | 2;

export class SectionFinder {
  private readonly crlfcrlf = new NeedleCache(CRLFCRLF);
  private readonly lflf = new NeedleCache(LFLF);
  private readonly lfcrlf = new NeedleCache(LFCRLF);

  /**
   * Index in `buf` just past a candidate end of the section whose bytes continue at `buf[pos]`
   * (the true end is the first empty line, which the field parser finds and may be earlier), or
   * -1 if `buf` holds none. `state` describes the bytes before `pos`.
   */
  find(buf: Buffer, pos: number, state: BoundaryState): number {
    const len = buf.length;
    if (state !== 0 && pos < len) {
      const c = buf[pos];
      if (c === LF) return pos + 1;
      if (state === 1 && c === CR && pos + 1 < len && buf[pos + 1] === LF) return pos + 2;
    }
    const e = this.crlfcrlf.find(buf, pos);
    if (e >= 0) return e + 4;
    const a = this.lflf.find(buf, pos);
    const b = this.lfcrlf.find(buf, pos);
    if (a < 0) return b < 0 ? -1 : b + 3;
    if (b < 0) return a + 2;
    return Math.min(a + 2, b + 3);
  }

  /** Drop references to the last searched chunk. */
  forget(): void {
    this.crlfcrlf.forget();
    this.lflf.forget();
    this.lfcrlf.forget();
  }
}

/** Boundary state after the bytes `buf[pos, end)`, given the state before them. */
export function boundaryAfter(buf: Buffer, pos: number, end: number, before: BoundaryState): BoundaryState {
  if (end <= pos) return before;
  const last = buf[end - 1];
  if (last === LF) return 1;
  if (last !== CR) return 0;
  const prevIsLf = end - 1 > pos ? buf[end - 2] === LF : before === 1;
  return prevIsLf ? 2 : 0;
}
