import type { Entry } from '@shoal/model';
import type { EntryFormatter } from './entry-formatter.js';

const COLUMNS = ['TIME', 'PROTO', 'SOURCE', 'DESTINATION', 'SUMMARY', 'ELAPSED', 'REQ', 'RESP'];
const WIDTHS = [15, 6, 22, 22, 44, 9, 7, 7];

function cell(text: string, width: number): string {
  if (text.length > width) return text.slice(0, width - 1) + '…';
  return text.padEnd(width);
}

const DAY_MS = 86_400_000;

/** UTC time of day, computed arithmetically: a Date per row costs more than the row. */
function clock(ms: number): string {
  const t = Math.floor(((ms % DAY_MS) + DAY_MS) % DAY_MS);
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  const milli = t % 1000;
  return `${two(Math.floor(t / 3_600_000))}:${two(Math.floor(t / 60_000) % 60)}:${two(Math.floor(t / 1000) % 60)}.${milli < 100 ? (milli < 10 ? '00' : '0') : ''}${milli}`;
}

function endpoint(e: Entry['src']): string {
  const host = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return `${e.name ?? host}:${e.port}`;
}

/** A fixed-width feed for people at a terminal; times are UTC. */
export function tableFormatter(): EntryFormatter {
  const row = (values: string[]) => values.map((v, i) => cell(v, WIDTHS[i]!)).join(' ').trimEnd() + '\n';
  return {
    begin: () => row(COLUMNS),
    entry: (e) =>
      row([
        clock(e.timestamp),
        e.protocol.abbr,
        endpoint(e.src),
        endpoint(e.dst),
        (e.malformed !== undefined ? `! ${e.malformed.code} ` : '') + e.summary.text,
        `${e.elapsedMs.toFixed(1)}ms`,
        String(e.requestSize),
        String(e.responseSize),
      ]),
    end: () => '',
  };
}
