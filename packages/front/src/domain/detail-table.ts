/**
 * The tables of an entry's detail as data, for every protocol's section: a cell is its text and,
 * when a filter variable holds the value, the term a click adds to the query.
 */
import type { FilterTerm } from './filter-snippet.js';

export interface DetailCell {
  text: string;
  term?: FilterTerm;
}

/** A label and its value: one row of a two-column table. */
export interface DetailRow {
  label: string;
  value: DetailCell;
}

/** A table with a caption and column heads. */
export interface DetailTable {
  /** Names the table in the page (`data-table`), e.g. `answers`. */
  key: string;
  title: string;
  columns: string[];
  rows: DetailCell[][];
}

/**
 * Header fields as rows, in the order given; a value filters `request.headers["name"] ==
 * "value"` when `clickable` (no filter variable holds trailers: they are shown, not clickable).
 */
export const headerRows = (side: 'request' | 'response', fields: Record<string, string>, clickable: boolean): DetailRow[] =>
  Object.entries(fields).map(([name, value]) => ({ label: name, value: clickable ? { text: value, term: { kind: 'header', side, name, value } } : { text: value } }));
