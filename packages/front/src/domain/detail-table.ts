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
