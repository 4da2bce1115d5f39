import { headerRows } from '../../domain/detail-table.js';
import type { EntryDetailJson, MessageJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import { isHttp2, pseudoRows, withoutPseudo } from '../../domain/http2-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';

/** What the section says when a side was not seen. */
export const missingNote = (side: 'request' | 'response'): string => (side === 'request' ? 'The request was not seen (the capture began after it, or it was lost).' : 'No response was seen.');

/**
 * One side of the exchange: start line, headers, body, trailers; in HTTP/2 the pseudo-header
 * fields apart (src/domain/http2-detail.ts); a flow's packets, bytes and flags. `summary` is the
 * entry's, whose method, path and status the pseudo-header fields filter through.
 */
export function MessageSection({ side, message, wireSize, summary, onFilter }: { side: 'request' | 'response'; message: MessageJson | null; wireSize: number; summary: EntryDetailJson['summary']; onFilter: OnFilter }) {
  const h2 = isHttp2(message);
  const headers = message?.headers ?? {};
  return (
    <Section name={side} title={side === 'request' ? 'Request' : 'Response'} note={`${formatBytes(wireSize)} on the wire`}>
      {message === null ? (
        <div className="body-note">{missingNote(side)}</div>
      ) : message.packets !== undefined ? (
        <KvTable
          rows={[
            { label: 'packets', value: { text: String(message.packets) } },
            { label: 'payload', value: { text: formatBytes(message.bytes ?? 0) } },
            { label: 'flags', value: { text: (message.flags ?? []).join(' ') } },
          ]}
        />
      ) : (
        <>
          <div className="start-line">
            {side === 'request' ? `${message.method ?? ''} ${message.url ?? ''} ${message.httpVersion ?? ''}` : `${message.httpVersion ?? ''} ${message.status ?? ''} ${message.statusText ?? ''}`}
            {message.interim !== undefined && <span className="count"> after {message.interim.join(', ')}</span>}
          </div>
          {h2 && <KvTable caption="Pseudo-headers" className="headers" attrs={{ 'data-headers': `${side}-pseudo` }} rows={pseudoRows(side, headers, summary)} onFilter={onFilter} />}
          <KvTable caption="Headers" className="headers" attrs={{ 'data-headers': `${side}-headers` }} rows={headerRows(side, h2 ? withoutPseudo(headers) : headers, true)} onFilter={onFilter} />
          <BodyView message={message} />
          <KvTable caption="Trailers" className="headers" attrs={{ 'data-headers': `${side}-trailers` }} rows={headerRows(side, message.trailers ?? {}, false)} />
        </>
      )}
    </Section>
  );
}
