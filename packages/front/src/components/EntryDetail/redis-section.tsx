import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import { redisDetail } from '../../domain/redis-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { GridTable, KvTable } from './detail-tables.js';
import { JsonCode } from './json-code.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * A Redis entry (src/domain/redis-detail.ts): the command with its arguments, then the reply or
 * push with its value (text, JSON, or a hex dump), a SUBSCRIBE's confirmations and a RESP3
 * attribute; what was not seen or did not come says so, with the entry's malformed code.
 */
export function RedisSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = redisDetail(entry);
  return (
    <>
      {view.parts.map((part) => (
        <Section key={part.key} name={part.key} title={part.title} note={`${formatBytes(part.key === 'redis-command' ? entry.requestSize : entry.responseSize)} on the wire`}>
          <KvTable rows={part.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
          {part.table !== null && <GridTable table={part.table} />}
          {part.value !== null && <BodyView message={part.value} />}
          {part.attributes !== null && (
            <div className="redis-attributes" data-table="attributes">
              <div className="body-head">Attributes</div>
              <JsonCode text={part.attributes} />
            </div>
          )}
        </Section>
      ))}
      {view.notes.map((note) => (
        <WarningNote key={note} name="redis" code={entry.malformed?.code} onFilter={onFilter}>
          {note}
        </WarningNote>
      ))}
    </>
  );
}
