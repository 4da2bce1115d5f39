import type { Entry } from '@shoal/model';
import type { EntryFormatter } from './entry-formatter.js';

const COLUMNS = ['TIME', 'PROTO', 'SOURCE', 'DESTINATION', 'SUMMARY', 'ELAPSED', 'REQ', 'RESP'];
const WIDTHS = [15, 6, 22, 22, 44, 9, 7, 7];

function cell(text: string, width: number): string {
  if (text.length > width) return text.slice(0, width - 1) + '…';
  return text.padEnd(width);
}

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
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
