import type { ReactNode } from 'react';
import { variableTerm } from '../../domain/filter-snippet.js';
import { FilterValue, type OnFilter } from '../FilterValue/index.js';

/**
 * A warning of the detail (what was not seen, what did not come), with the entry's malformed
 * code beside it when there is one, to filter on (`malformed_code == …`). `name` is its
 * `data-note`.
 */
export function WarningNote({ name, code, onFilter, children }: { name: string; code: string | undefined; onFilter: OnFilter; children: ReactNode }) {
  return (
    <div className="body-note body-note-warning" data-note={name}>
      {children}
      {code !== undefined && (
        <>
          {' '}
          (
          <FilterValue term={variableTerm('malformed_code', code)} onFilter={onFilter}>
            {code}
          </FilterValue>
          )
        </>
      )}
    </div>
  );
}
