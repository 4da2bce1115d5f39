import type { Detail } from '@shoal/dissect';
import type { Entry } from '@shoal/model';
import type { BufferedWriter } from './buffered-writer.js';

/** Writes entries to stdout. */
export interface EntryFormatter {
  /** How much of each entry it prints: `summary` lets the dissectors skip headers and bodies. */
  detail: Detail;
  begin(out: BufferedWriter): void;
  entry(entry: Entry, out: BufferedWriter): void;
  end(out: BufferedWriter): void;
}

/** One Entry per line: what scripts and `jq` read. */
export const ndjsonFormatter = (): EntryFormatter => ({
  detail: 'full',
  begin: () => {},
  entry: (e, out) => out.write(JSON.stringify(e) + '\n'),
  end: () => {},
});

/** One JSON array, written as entries arrive (never held in memory). */
export function jsonFormatter(): EntryFormatter {
  let first = true;
  return {
    detail: 'full',
    begin: (out) => out.write('['),
    entry: (e, out) => {
      const sep = first ? '\n' : ',\n';
      first = false;
      out.write(sep + JSON.stringify(e, null, 2).replace(/\n/g, '\n  ').replace(/^/, '  '));
    },
    end: (out) => out.write(first ? ']\n' : '\n]\n'),
  };
}
