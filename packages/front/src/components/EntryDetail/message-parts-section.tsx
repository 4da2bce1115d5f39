import type { EntryDetailJson } from '../../domain/entry-detail.js';
import type { BodyFields } from '../../domain/body-format.js';
import type { DetailRow, DetailTable } from '../../domain/detail-table.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/** One message of an exchange as a detail view builds it: its fields, its tables, its body. */
export interface MessagePart {
  /** Names the part in the page (`data-section`), e.g. `mqtt-request`, `amqp-response`. */
  key: string;
  title: string;
  rows: DetailRow[];
  tables: DetailTable[];
  body: BodyFields | null;
}

/**
 * An entry whose detail is a list of messages (MQTT's packets, src/domain/mqtt-detail.ts; AMQP's
 * methods, src/domain/amqp-detail.ts): each with its fields, tables (filters, codes, arguments,
 * properties) and body (text, JSON, or a hex dump); what did not come says so, with the entry's
 * malformed code. `name` is the protocol's.
 */
export function MessagePartsSection({ entry, view, name, onFilter }: { entry: EntryDetailJson; view: { parts: MessagePart[]; notes: string[] }; name: string; onFilter: OnFilter }) {
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
        <WarningNote key={note} name={name} code={entry.malformed?.code} onFilter={onFilter}>
          {note}
        </WarningNote>
      ))}
    </>
  );
}
