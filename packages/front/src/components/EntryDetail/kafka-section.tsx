import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { kafkaDetail } from '../../domain/kafka-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * A Kafka entry (src/domain/kafka-detail.ts): the request's API, ids, acks, records, topics and
 * groups; the response's status and errors with the topic and partition each is about; each
 * side's decoded body as JSON; what did not come or could not be read says so.
 */
export function KafkaSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  return (
    <>
      {kafkaDetail(entry).map((side) => (
        <Section key={side.side} name={`kafka-${side.side}`} title={side.title}>
          <KvTable rows={side.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
          {side.tables.map((t) => (
            <GridTable key={t.key} table={t} onFilter={onFilter} />
          ))}
          {side.body !== null && <BodyView message={side.body} />}
          {side.notes.map((note) => (
            <WarningNote key={note} name="kafka" code={entry.malformed?.code} onFilter={onFilter}>
              {note}
            </WarningNote>
          ))}
        </Section>
      ))}
    </>
  );
}
