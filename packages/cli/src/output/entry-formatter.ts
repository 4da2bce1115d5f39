import type { Detail } from '@shoal/dissect';
import type { Entry } from '@shoal/model';

/** Turns entries into text for stdout; each method returns what to write. */
export interface EntryFormatter {
  /** How much of each entry it prints: `summary` lets the dissectors skip headers and bodies. */
  detail: Detail;
  begin(): string;
  entry(entry: Entry): string;
  end(): string;
}

/** One Entry per line: what scripts and `jq` read. */
export const ndjsonFormatter = (): EntryFormatter => ({
  detail: 'full',
  begin: () => '',
  entry: (e) => JSON.stringify(e) + '\n',
  end: () => '',
});

/** One JSON array, written as entries arrive (never held in memory). */
export function jsonFormatter(): EntryFormatter {
  let first = true;
  return {
    detail: 'full',
    begin: () => '[',
    entry: (e) => {
      const sep = first ? '\n' : ',\n';
      first = false;
      return sep + JSON.stringify(e, null, 2).replace(/\n/g, '\n  ').replace(/^/, '  ');
    },
    end: () => (first ? ']\n' : '\n]\n'),
  };
}
