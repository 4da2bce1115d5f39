import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { amqpDetail } from '../../domain/amqp-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * An AMQP entry (src/domain/amqp-detail.ts): the opening method and its answer with their arguments,
 * tables (arguments, properties) and a message body (text, JSON, or a hex dump); what did not
 * come says so, with the entry's malformed code.
 */
export function AmqpSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = amqpDetail(entry);
  return (
    <>
      {view.parts.map((part) => (
        <Section key={part.key} name={part.key} title={part.title}>
          <KvTable rows={part.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
          {part.tables.map((t) => (
            <GridTable key={t.key} table={t} onFilter={onFilter} />
          ))}
          {part.body !== null && <BodyView message={part.body} />}
        </Section>
      ))}
      {view.notes.map((note) => (
        <WarningNote key={note} name="amqp" code={entry.malformed?.code} onFilter={onFilter}>
          {note}
        </WarningNote>
      ))}
    </>
  );
}
