import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import type { SqlDetailView } from '../../domain/sql-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { CellValue, GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * The request and the answer of a database entry, as its protocol's view describes them
 * (src/domain/sql-detail.ts; postgresql-detail.ts, mysql-detail.ts): the statement as sent, the
 * request's fields and values; the status or the error, the counts, the first rows under their
 * columns. A side that was not seen says so, with the entry's malformed code to filter on. `name`
 * prefixes the sections' `data-section` (`postgresql-request`, `mysql-response`, …).
 */
export function SqlSection({ entry, view, name, onFilter }: { entry: EntryDetailJson; view: SqlDetailView; name: string; onFilter: OnFilter }) {
  const size = (bytes: number) => `${formatBytes(bytes)} on the wire`;
  const note = (side: 'request' | 'response') =>
    view.notes
      .filter((n) => n.side === side)
      .map((n) => (
        <WarningNote key={n.text} name={side} code={entry.malformed?.at === side ? entry.malformed.code : undefined} onFilter={onFilter}>
          {n.text}
        </WarningNote>
      ));
  const req = view.request;
  const res = view.response;
  return (
    <>
      <Section name={`${name}-request`} title="Request" note={req !== null ? size(entry.requestSize) : undefined}>
        {req !== null && (
          <>
            {req.query !== null && (
              <pre className="body-code" data-field="query">
                <CellValue cell={req.query} onFilter={onFilter} />
              </pre>
            )}
            <KvTable rows={req.rows} onFilter={onFilter} attrs={{ 'data-table': 'request' }} />
            {req.tables.map((t) => (
              <GridTable key={t.key} table={t} onFilter={onFilter} />
            ))}
          </>
        )}
        {note('request')}
      </Section>
      <Section name={`${name}-response`} title="Answer" note={res !== null ? size(entry.responseSize) : undefined}>
        {res !== null && (
          <>
            <KvTable rows={res.rows} onFilter={onFilter} attrs={{ 'data-table': 'response' }} />
            {res.tables.map((t) => (
              <GridTable key={t.key} table={t} onFilter={onFilter} />
            ))}
          </>
        )}
        {note('response')}
      </Section>
    </>
  );
}
