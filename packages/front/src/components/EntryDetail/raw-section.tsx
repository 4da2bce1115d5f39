import { formatBytes } from '../../domain/format.js';
import { JsonCode } from './json-code.js';
import { missingNote } from './message-section.js';
import { Section } from './section.js';

/** One side of an entry of a protocol without a view of its own: the dissector's object as JSON. */
export function RawSection({ side, message, wireSize }: { side: 'request' | 'response'; message: object | null; wireSize: number }) {
  return (
    <Section name={side} title={side === 'request' ? 'Request' : 'Response'} note={`${formatBytes(wireSize)} on the wire, as the dissector wrote it`}>
      {message === null ? <div className="body-note">{missingNote(side)}</div> : <JsonCode text={JSON.stringify(message)} />}
    </Section>
  );
}
