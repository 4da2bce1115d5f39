import { entryOutcome, type Entry, type EntryOutcome } from '@shoal/model';
import type { EntryFormatter } from './entry-formatter.js';
import { cellBytes, putCell, putUtf8 } from './utf8-cells.js';

const COLUMNS = ['TIME', 'PROTO', 'SOURCE', 'DESTINATION', 'SUMMARY', 'ELAPSED', 'REQ', 'RESP'];
const WIDTHS = [15, 6, 22, 22, 44, 9, 7, 7];
const DAY_MS = 86_400_000;
const SPACE = 0x20;
const NEWLINE = 0x0a;
/** Bound on one row's bytes: every fixed cell at its worst, then the last number and a newline. */
const ROW_BYTES = WIDTHS.slice(0, -1).reduce((n, w) => n + cellBytes(w), 0) + 32;

const ZERO = 0x30;
const COLON = 0x3a;
const DOT = 0x2e;
/** `HH:MM:SS.mmm` and the padding of its 15-wide cell. */
const CLOCK_CELL = 16;

/** `n` (0 ≤ n < 10^digits) in `digits` decimal digits at `o`. */
function putDigits(buf: Uint8Array, o: number, n: number, digits: number): void {
  for (let k = digits - 1; k >= 0; k--) {
    buf[o + k] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
}

/** UTC time of day as the first cell, computed arithmetically (a Date per row costs more than the row). */
function putClock(buf: Uint8Array, o: number, ms: number): number {
  const t = Math.floor(((ms % DAY_MS) + DAY_MS) % DAY_MS);
  putDigits(buf, o, Math.floor(t / 3_600_000), 2);
  buf[o + 2] = COLON;
  putDigits(buf, o + 3, Math.floor(t / 60_000) % 60, 2);
  buf[o + 5] = COLON;
  putDigits(buf, o + 6, Math.floor(t / 1000) % 60, 2);
  buf[o + 8] = DOT;
  putDigits(buf, o + 9, t % 1000, 3);
  for (let k = o + 12; k < o + CLOCK_CELL; k++) buf[k] = SPACE;
  return o + CLOCK_CELL;
}

function endpoint(e: Entry['src']): string {
  if (e.name !== undefined) return `${e.name}:${e.port}`;
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** ANSI colours (ECMA-48 SGR) of rows worth a glance (model's entryOutcome): errors red, client errors yellow. */
const RED = Buffer.from('\x1b[31m');
const YELLOW = Buffer.from('\x1b[33m');
const RESET = Buffer.from('\x1b[0m');
const COLOURS: Record<EntryOutcome, Buffer | null> = { ok: null, 'client-error': YELLOW, error: RED };

/**
 * A fixed-width feed for people at a terminal; times are UTC. Rows are encoded straight into
 * the output buffer (utf8-cells.ts). It shows no headers or bodies: detail `summary`. With
 * `color`, error rows are coloured (for a terminal, never for a pipe).
 */
export function tableFormatter(options: { color?: boolean } = {}): EntryFormatter {
  const color = options.color === true;
  return {
    detail: 'summary',
    begin: (out) => {
      const buf = out.reserve(ROW_BYTES);
      let o = out.at;
      COLUMNS.forEach((c, i) => (o = putCell(buf, o, c, WIDTHS[i]!)));
      while (buf[o - 1] === SPACE) o--;
      buf[o++] = NEWLINE;
      out.commit(o);
    },
    entry: (e, out) => {
      const summary = e.malformed !== undefined ? `! ${e.malformed.code} ${e.summary.text}` : e.summary.text;
      const responseSize = String(e.responseSize);
      const buf = out.reserve(ROW_BYTES + RESET.length + RED.length);
      let o = out.at;
      const colour = color ? COLOURS[entryOutcome(e)] : null;
      if (colour !== null) o += colour.copy(buf, o);
      o = putClock(buf, o, e.timestamp);
      o = putCell(buf, o, e.protocol.abbr, 6);
      o = putCell(buf, o, endpoint(e.src), 22);
      o = putCell(buf, o, endpoint(e.dst), 22);
      o = putCell(buf, o, summary, 44);
      o = putCell(buf, o, `${e.elapsedMs.toFixed(1)}ms`, 9);
      o = putCell(buf, o, String(e.requestSize), 7);
      o = putUtf8(buf, o, responseSize, 0, responseSize.length);
      if (colour !== null) o += RESET.copy(buf, o);
      buf[o++] = NEWLINE;
      out.commit(o);
    },
    end: () => {},
  };
}
