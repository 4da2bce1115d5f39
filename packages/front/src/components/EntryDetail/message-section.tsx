import type { MessageJson } from '../../domain/entry-detail.js';
import { formatBytes } from '../../domain/format.js';
import { FilterValue, type OnFilter } from '../FilterValue/index.js';
import { BodyView } from './body-view.js';

/** A field table; header values filter on click (`request.headers["name"] == "value"`) when `onFilter` is given. */
function Fields({ title, side, fields, onFilter }: { title: string; side: 'request' | 'response'; fields: Record<string, string>; onFilter?: OnFilter }) {
  const names = Object.keys(fields);
  if (names.length === 0) return null;
  return (
    <table className="kv-table headers" data-headers={`${side}-${title.toLowerCase()}`}>
      <caption>
        {title} <span className="count">{names.length}</span>
      </caption>
      <tbody>
        {names.map((name) => (
          <tr key={name}>
            <th>{name}</th>
            <td>
              {onFilter === undefined ? (
                fields[name]
              ) : (
                <FilterValue term={{ kind: 'header', side, name, value: fields[name]! }} onFilter={onFilter}>
                  {fields[name]}
                </FilterValue>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One side of the exchange: start line, headers, body, trailers; a flow's packets, bytes and flags. */
export function MessageSection({ side, message, wireSize, onFilter }: { side: 'request' | 'response'; message: MessageJson | null; wireSize: number; onFilter: OnFilter }) {
  const title = side === 'request' ? 'Request' : 'Response';
  return (
    <details className="detail-section" open data-section={side}>
      <summary>
        {title} <span className="count">{formatBytes(wireSize)} on the wire</span>
      </summary>
      {message === null ? (
        <div className="body-note">{side === 'request' ? 'The request was not seen (the capture began after it, or it was lost).' : 'No response was seen.'}</div>
      ) : message.packets !== undefined ? (
        <table className="kv-table">
          <tbody>
            <tr>
              <th>packets</th>
              <td>{message.packets}</td>
            </tr>
            <tr>
              <th>payload</th>
              <td>{formatBytes(message.bytes ?? 0)}</td>
            </tr>
            <tr>
              <th>flags</th>
              <td>{(message.flags ?? []).join(' ')}</td>
            </tr>
          </tbody>
        </table>
      ) : (
        <>
          <div className="start-line">
            {side === 'request' ? `${message.method ?? ''} ${message.url ?? ''} ${message.httpVersion ?? ''}` : `${message.httpVersion ?? ''} ${message.status ?? ''} ${message.statusText ?? ''}`}
            {message.interim !== undefined && <span className="count"> after {message.interim.join(', ')}</span>}
          </div>
          <Fields title="Headers" side={side} fields={message.headers ?? {}} onFilter={onFilter} />
          <BodyView message={message} />
          {/* No filter variable holds trailers: they are shown, not clickable. */}
          <Fields title="Trailers" side={side} fields={message.trailers ?? {}} />
        </>
      )}
    </details>
  );
}
