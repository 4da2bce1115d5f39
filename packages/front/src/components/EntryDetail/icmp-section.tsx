import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { icmpDetail } from '../../domain/icmp-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';

/**
 * An ICMP entry (src/domain/icmp-detail.ts): an echo's request and reply, an error and the packet
 * it quotes, or a flow's messages by type; a part that was not seen says so.
 */
export function IcmpSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  return (
    <>
      {icmpDetail(entry).map((part) => (
        <Section key={part.key} name={part.key} title={part.title}>
          {part.note !== undefined ? (
            <div className="body-note body-note-warning" data-note={part.key}>
              {part.note}
            </div>
          ) : (
            <>
              <KvTable rows={part.rows} onFilter={onFilter} attrs={{ 'data-table': 'message' }} />
              {part.table !== undefined && <GridTable table={part.table} onFilter={onFilter} />}
            </>
          )}
        </Section>
      ))}
    </>
  );
}
