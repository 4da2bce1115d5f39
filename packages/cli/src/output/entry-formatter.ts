import type { Detail } from '@shoal/dissect';
import type { Entry } from '@shoal/model';
import type { OutputSink } from './output-sink.js';

/** Writes entries to stdout. */
export interface EntryFormatter {
  /** How much of each entry it prints: `summary` lets the dissectors skip headers and bodies. */
  detail: Detail;
  begin(out: OutputSink): void;
  entry(entry: Entry, out: OutputSink): void;
  end(out: OutputSink): void;
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
