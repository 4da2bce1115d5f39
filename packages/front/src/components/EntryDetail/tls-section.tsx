import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import { tlsDetail } from '../../domain/tls-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { GridTable, KvTable } from './detail-tables.js';
import { Section } from './section.js';
import { WarningNote } from './warning-note.js';

/**
 * The handshake of a TLS entry (src/domain/tls-detail.ts): the ClientHello and the ServerHello,
 * each with what its side sent on the connection (the encrypted rest counted), the certificate
 * where it came in clear; a hello that was not seen says so, with the entry's malformed code.
 */
export function TlsSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = tlsDetail(entry);
  const size = (side: 'request' | 'response') => `${formatBytes(side === 'request' ? entry.requestSize : entry.responseSize)} on the wire`;
  return (
    <>
      {(['request', 'response'] as const).map((side) => {
        const hello = view.hellos.find((h) => h.side === side);
        const note = view.notes.find((n) => n.side === side);
        return (
          <Section key={side} name={`tls-${side}`} title={side === 'request' ? 'ClientHello' : 'ServerHello'} note={size(side)}>
            {hello !== undefined && (
              <>
                <KvTable rows={hello.rows} onFilter={onFilter} attrs={{ 'data-table': 'hello' }} />
                {hello.certificate !== undefined && <KvTable caption="Certificate" uncounted rows={hello.certificate} attrs={{ 'data-table': 'certificate' }} />}
                {hello.tables.map((t) => (
                  <GridTable key={t.key} table={t} onFilter={onFilter} />
                ))}
              </>
            )}
            {note !== undefined && (
              <WarningNote name={side} code={entry.malformed?.at === side ? entry.malformed.code : undefined} onFilter={onFilter}>
                {note.text}
              </WarningNote>
            )}
          </Section>
        );
      })}
    </>
  );
}
