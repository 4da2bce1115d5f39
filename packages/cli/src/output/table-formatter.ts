import type { Entry } from '@shoal/model';
import type { EntryFormatter } from './entry-formatter.js';

const COLUMNS = ['TIME', 'PROTO', 'SOURCE', 'DESTINATION', 'SUMMARY', 'ELAPSED', 'REQ', 'RESP'];
const WIDTHS = [15, 6, 22, 22, 44, 9, 7, 7];
const SPACES = ' '.repeat(64);
const DAY_MS = 86_400_000;

/** `text` cut or padded to `width`, then one space. Rows are built by concatenation: per-row arrays cost more than the row. */
function cell(text: string, width: number): string {
  const n = text.length;
  if (n > width) return text.slice(0, width - 1) + '… ';
  return text + SPACES.slice(0, width - n + 1);
}

function two(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

/** UTC time of day, computed arithmetically (a Date per row costs more than the row). */
function clock(ms: number): string {
  const t = Math.floor(((ms % DAY_MS) + DAY_MS) % DAY_MS);
  const milli = t % 1000;
  const pad = milli < 10 ? '00' : milli < 100 ? '0' : '';
  return `${two(Math.floor(t / 3_600_000))}:${two(Math.floor(t / 60_000) % 60)}:${two(Math.floor(t / 1000) % 60)}.${pad}${milli}`;
}

function endpoint(e: Entry['src']): string {
  if (e.name !== undefined) return `${e.name}:${e.port}`;
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** A fixed-width feed for people at a terminal; times are UTC. */
export function tableFormatter(): EntryFormatter {
  return {
    detail: 'summary',
    begin: () => COLUMNS.map((c, i) => cell(c, WIDTHS[i]!)).join('').trimEnd() + '\n',
    entry: (e) => {
      const summary = e.malformed !== undefined ? `! ${e.malformed.code} ${e.summary.text}` : e.summary.text;
      return (
        cell(clock(e.timestamp), 15) +
        cell(e.protocol.abbr, 6) +
        cell(endpoint(e.src), 22) +
        cell(endpoint(e.dst), 22) +
        cell(summary, 44) +
        cell(`${e.elapsedMs.toFixed(1)}ms`, 9) +
        cell(String(e.requestSize), 7) +
        String(e.responseSize) +
        '\n'
      );
    },
    end: () => '',
  };
}
