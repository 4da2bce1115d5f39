import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import { wsDetail } from '../../domain/ws-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * The messages of a WebSocket entry, in the order they were sent (src/domain/ws-detail.ts): each
 * with its direction, opcode, size and compression, a close's code and reason, and its payload
 * (text, JSON, or a hex dump); what did not come says so, with the entry's malformed code.
 */
export function WsSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = wsDetail(entry);
  return (
    <>
      {view.messages.map((m) => (
        <Section key={m.side} name={`ws-${m.side}`} title={m.direction} note={`${formatBytes(m.side === 'request' ? entry.requestSize : entry.responseSize)} on the wire`}>
          <KvTable rows={m.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
          {m.body !== null && <BodyView message={m.body} />}
        </Section>
      ))}
      {view.notes.map((note) => (
        <WarningNote key={note} name="ws" code={entry.malformed?.code} onFilter={onFilter}>
          {note}
        </WarningNote>
      ))}
    </>
  );
}
