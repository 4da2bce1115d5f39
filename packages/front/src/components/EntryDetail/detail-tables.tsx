import type { ReactNode } from 'react';
import type { DetailCell, DetailRow, DetailTable } from '../../domain/detail-table.js';
import { variableTerm } from '../../domain/filter-snippet.js';
import { FilterValue, type OnFilter } from '../FilterValue/index.js';

/** A cell's text, filtering on click when a variable holds it (and the table is clickable at all). */
export function CellValue({ cell, onFilter }: { cell: DetailCell; onFilter?: OnFilter }) {
  if (cell.term === undefined || onFilter === undefined) return <>{cell.text}</>;
  return (
    <FilterValue term={cell.term} onFilter={onFilter}>
      {cell.text}
    </FilterValue>
  );
}

/** `v(variable, value, text?)`: the value (or `text`), filtering `variable == value` on click. */
export const filterValues =
  (onFilter: OnFilter) =>
  (variable: string, value: string | number, text?: string): ReactNode => (
    <FilterValue term={variableTerm(variable, value)} onFilter={onFilter}>
      {text ?? value}
    </FilterValue>
  );

/** The caption of a table: its title and how many rows it has. */
const Caption = ({ title, count }: { title: string; count?: number }) => (
  <caption>
    {title}
    {count !== undefined && <> <span className="count">{count}</span></>}
  </caption>
);

/**
 * Label/value rows (a message's headers, a DNS header, a flow's counters); a captioned table
 * counts its rows (unless they are fields of one thing, `uncounted`) and is left out when it has
 * none; `attrs` are its data attributes.
 */
export function KvTable({ rows, onFilter, caption, uncounted, className, attrs }: { rows: DetailRow[]; onFilter?: OnFilter; caption?: string; uncounted?: boolean; className?: string; attrs?: Record<`data-${string}`, string> }): ReactNode {
  if (caption !== undefined && rows.length === 0) return null;
  return (
    <table className={className === undefined ? 'kv-table' : `kv-table ${className}`} {...attrs}>
      {caption !== undefined && <Caption title={caption} count={uncounted === true ? undefined : rows.length} />}
      <tbody>
        {rows.map((r, i) => (
          <tr key={`${i}:${r.label}`}>
            <th>{r.label}</th>
            <td>
              <CellValue cell={r.value} onFilter={onFilter} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A table with column heads (DNS records, EDNS options): `data-table` names it. */
export function GridTable({ table, onFilter }: { table: DetailTable; onFilter?: OnFilter }) {
  return (
    <table className="grid-table mono" data-table={table.key}>
      <Caption title={table.title} count={table.rows.length} />
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.length === 0 ? (
          <tr>
            <td className="none" colSpan={table.columns.length}>
              none
            </td>
          </tr>
        ) : (
          table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>
                  <CellValue cell={cell} onFilter={onFilter} />
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
