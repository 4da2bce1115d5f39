import type { CSSProperties, MouseEvent, ReactNode } from 'react';
import { termText, type FilterTerm } from '../../domain/filter-snippet.js';
import './filter-value.css';

/** Adds a term to the query: `==`, or `!=` when `negate` (Alt held). */
export type OnFilter = (term: FilterTerm, negate: boolean) => void;

/**
 * A value that filters on click: `field == value` joins the query, or `field != value` with Alt
 * held (Shift+click would select text in every browser). The tooltip shows both terms. The click
 * stays here, so a value in a feed row does not also open the row's detail.
 */
export function FilterValue({ term, onFilter, className, style, children }: { term: FilterTerm; onFilter: OnFilter; className?: string; style?: CSSProperties; children: ReactNode }) {
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    e.preventDefault();
    onFilter(term, e.altKey);
  };
  return (
    <span className={className === undefined ? 'filter-value' : `filter-value ${className}`} style={style} title={`Click: filter ${termText(term)}\nAlt+click: filter ${termText(term, true)}`} onClick={onClick}>
      {children}
    </span>
  );
}
