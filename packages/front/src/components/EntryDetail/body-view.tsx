import { useMemo, useState } from 'react';
import { base64Bytes, bodyKind, bodyNotes, formFields, imageDataUrl, mediaType, type BodyFields, type BodyKind } from '../../domain/body-format.js';
import { hexDump } from '../../domain/hex-dump.js';
import { formatMarkup } from '../../domain/markup-format.js';
import { formatBytes } from '../../domain/format.js';
import { JsonCode } from './json-code.js';

const KIND_LABEL: Record<BodyKind, string> = { json: 'JSON', xml: 'XML', html: 'HTML', form: 'Form', image: 'Image', text: 'Text', binary: 'Binary' };

function Pretty({ kind, type, body, base64 }: { kind: BodyKind; type: string; body: string; base64: boolean }) {
  switch (kind) {
    case 'json':
      return <JsonCode text={body} />;
    case 'xml':
    case 'html':
      return <pre className="body-code">{formatMarkup(body, kind === 'html')}</pre>;
    case 'form':
      return (
        <table className="kv-table body-form">
          <tbody>
            {formFields(body).map(([k, v], i) => (
              <tr key={i}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'image':
      return <img className="body-image" alt={`${type} body`} src={imageDataUrl(type, body, base64)} />;
    case 'binary':
      return <Hex body={body} />;
    case 'text':
      return <pre className="body-code">{body}</pre>;
  }
}

function Hex({ body }: { body: string }) {
  const { lines, cut } = useMemo(() => hexDump(base64Bytes(body)), [body]);
  return (
    <pre className="body-code body-hex">
      {lines.join('\n')}
      {cut && '\n…'}
    </pre>
  );
}

/** A message body: what the capture says about it, then the body pretty-printed, or raw on demand. */
export function BodyView({ message }: { message: BodyFields }) {
  const [raw, setRaw] = useState(false);
  const body = message.body;
  if (body === undefined) return message.bodySize ? <div className="body-note">{formatBytes(message.bodySize)} body not recorded</div> : null;
  const type = mediaType(message.headers);
  const base64 = message.bodyEncoding === 'base64';
  const kind = bodyKind(type, body, base64);
  const notes = bodyNotes(message);
  return (
    <div className="body" data-kind={kind}>
      <div className="body-head">
        <span className="body-title">Body</span>
        <span className="body-meta">
          {KIND_LABEL[kind]} · {formatBytes(message.bodySize ?? 0)}
          {type !== '' && ` · ${type}`}
        </span>
        {kind !== 'text' && kind !== 'binary' && (
          <button className="body-toggle" onClick={() => setRaw(!raw)}>
            {raw ? 'Pretty' : 'Raw'}
          </button>
        )}
      </div>
      {notes.map((n) => (
        <div key={n.text} className={`body-note body-note-${n.level}`}>
          {n.text}
        </div>
      ))}
      {raw ? base64 ? <Hex body={body} /> : <pre className="body-code">{body}</pre> : <Pretty kind={kind} type={type} body={body} base64={base64} />}
    </div>
  );
}
