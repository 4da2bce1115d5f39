import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { http2StreamRows } from '../../domain/http2-detail.js';
import { KvTable } from './detail-tables.js';
import { Section } from './section.js';

/**
 * The stream of an HTTP/2 entry (src/domain/http2-detail.ts): its identifier, a push or an h2c
 * upgrade, and the RST_STREAM or GOAWAY that ended it; the messages follow in their own sections.
 */
export function Http2Section({ entry }: { entry: EntryDetailJson }) {
  const rows = http2StreamRows(entry);
  if (rows.length === 0) return null;
  return (
    <Section name="http2" title="HTTP/2 stream">
      <KvTable rows={rows} attrs={{ 'data-table': 'stream' }} />
    </Section>
  );
}
