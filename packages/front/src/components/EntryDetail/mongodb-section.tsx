import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { mongodbDetail } from '../../domain/mongodb-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * A MongoDB entry (src/domain/mongodb-detail.ts): the request's command, database, collection,
 * opcode and flags; the reply's status, error, n and cursor; each side's documents as JSON; what
 * did not come or could not be read says so.
 */
export function MongodbSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  return (
    <>
      {mongodbDetail(entry).map((side) => (
        <Section key={side.side} name={`mongodb-${side.side}`} title={side.title}>
          <KvTable rows={side.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
          {side.body !== null && <BodyView message={side.body} />}
          {side.notes.map((note) => (
            <WarningNote key={note} name="mongodb" code={entry.malformed?.code} onFilter={onFilter}>
              {note}
            </WarningNote>
          ))}
        </Section>
      ))}
    </>
  );
}
