import { dnsDetail, type DnsMessageView } from '../../domain/dns-detail.js';
import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import type { OnFilter } from '../FilterValue/index.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

function Message({ view, onFilter }: { view: DnsMessageView; onFilter: OnFilter }) {
  return (
    <>
      <KvTable rows={view.header} onFilter={onFilter} attrs={{ 'data-table': 'header' }} />
      {view.tables.map((t) => (
        <GridTable key={t.key} table={t} onFilter={onFilter} />
      ))}
      {view.edns !== undefined && (
        <>
          <KvTable caption="EDNS" uncounted rows={view.edns.rows} attrs={{ 'data-table': 'edns' }} />
          {view.edns.options !== undefined && <GridTable table={view.edns.options} />}
        </>
      )}
    </>
  );
}

/**
 * The query and the response of a DNS entry (src/domain/dns-detail.ts); a side that was not seen
 * says so, with the entry's malformed code (e.g. DIS_ERR_NO_RESPONSE) to filter on.
 */
export function DnsSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = dnsDetail(entry);
  const size = (side: 'request' | 'response') => `${formatBytes(side === 'request' ? entry.requestSize : entry.responseSize)} on the wire`;
  const title = (side: 'request' | 'response') => (side === 'request' ? 'Query' : 'Response');
  const sides = (['request', 'response'] as const).map((side) => ({ side, message: view.messages.find((m) => m.side === side), note: view.notes.find((n) => n.side === side) }));
  return (
    <>
      {sides.map(({ side, message, note }) => (
        <Section key={side} name={`dns-${side}`} title={title(side)} note={message !== undefined ? size(side) : undefined}>
          {message !== undefined && <Message view={message} onFilter={onFilter} />}
          {note !== undefined && (
            <WarningNote name={side} code={entry.malformed?.at === side ? entry.malformed.code : undefined} onFilter={onFilter}>
              {note.text}
            </WarningNote>
          )}
        </Section>
      ))}
    </>
  );
}
