import type { DetailRow } from '../../domain/detail-table.js';
import type { MessageJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import type { OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';

/** Header rows; each value filters (`request.headers["name"] == "value"`) when `clickable`. */
const fieldRows = (side: 'request' | 'response', fields: Record<string, string>, clickable: boolean): DetailRow[] =>
  Object.entries(fields).map(([name, value]) => ({ label: name, value: clickable ? { text: value, term: { kind: 'header', side, name, value } } : { text: value } }));

/** What the section says when a side was not seen. */
export const missingNote = (side: 'request' | 'response'): string => (side === 'request' ? 'The request was not seen (the capture began after it, or it was lost).' : 'No response was seen.');

/** One side of the exchange: start line, headers, body, trailers; a flow's packets, bytes and flags. */
export function MessageSection({ side, message, wireSize, onFilter }: { side: 'request' | 'response'; message: MessageJson | null; wireSize: number; onFilter: OnFilter }) {
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
          <KvTable caption="Headers" className="headers" attrs={{ 'data-headers': `${side}-headers` }} rows={fieldRows(side, message.headers ?? {}, true)} onFilter={onFilter} />
          <BodyView message={message} />
          {/* No filter variable holds trailers: they are shown, not clickable. */}
          <KvTable caption="Trailers" className="headers" attrs={{ 'data-headers': `${side}-trailers` }} rows={fieldRows(side, message.trailers ?? {}, false)} />
        </>
      )}
    </Section>
  );
}
