import { useEffect } from 'react';
import { entryJsonText, pcapFilename, pcapPath, type EntryDetailJson } from '../../domain/entry-detail.js';
import type { EndpointJson } from '../../domain/entry-row.js';
import { curlOfEntry } from '../../domain/curl-command.js';
import { variableTerm } from '../../domain/filter-snippet.js';
import { protocolBadgeStyle } from '../../domain/protocol-colors.js';
import { detailSections, type DetailSection } from '../../domain/protocol-detail.js';
import { amqpDetail } from '../../domain/amqp-detail.js';
import { mysqlDetail } from '../../domain/mysql-detail.js';
import { mqttDetail } from '../../domain/mqtt-detail.js';
import { postgresqlDetail } from '../../domain/postgresql-detail.js';
import { statusClass } from '../../domain/format.js';
import type { HubApi } from '../../domain/hub-api.js';
import { FilterValue, type OnFilter } from '../FilterValue/index.js';
import { CopyButton } from './copy-button.js';
import { filterValues } from './detail-tables.js';
import { DnsSection } from './dns-section.js';
import { GeneralSection } from './general-section.js';
import { GraphqlSection } from './graphql-section.js';
import { GrpcSection } from './grpc-section.js';
import { Http2Section } from './http2-section.js';
import { IcmpSection } from './icmp-section.js';
import { KafkaSection } from './kafka-section.js';
import { MongodbSection } from './mongodb-section.js';
import { MessageSection } from './message-section.js';
import { MessagePartsSection } from './message-parts-section.js';
import { RawSection } from './raw-section.js';
import { RedisSection } from './redis-section.js';
import { Section } from './section.js';
import { SqlSection } from './sql-section.js';
import { StreamEntries } from './stream-entries.js';
import { TlsSection } from './tls-section.js';
import { useEntryDetail } from './use-entry-detail.js';
import { WsSection } from './ws-section.js';
import './entry-detail.css';

export interface EntryDetailProps {
  id: string;
  api: HubApi;
  /** The `/api` prefix of the page, for the PCAP link. */
  base: string;
  onOpen: (id: string) => void;
  onClose: () => void;
  onFilter: OnFilter;
}

/** Escape closes the detail, unless it is meant for a text field (the filter bar's own Escape). */
function useEscape(onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key === 'Escape' && !(t !== null && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable))) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
}

/**
 * The side panel of one entry, next to the feed: what was exchanged, between whom, how long it
 * took and how big it was; every value filters on click. Fetched on open: the feed keeps summaries.
 */
export function EntryDetail({ id, api, base, onOpen, onClose, onFilter }: EntryDetailProps) {
  useEscape(onClose);
  const loaded = useEntryDetail(api, id);
  return (
    <aside className="entry-detail" data-testid="entry-detail" data-entry={id} aria-label="Entry detail">
      {loaded.state === 'done' ? (
        <Detail entry={loaded.value} api={api} base={base} onOpen={onOpen} onClose={onClose} onFilter={onFilter} />
      ) : (
        <>
          <div className="detail-head">
            <span className="detail-title">{id}</span>
            <CloseButton onClose={onClose} />
          </div>
          <div className={loaded.state === 'error' ? 'detail-message detail-error' : 'detail-message'}>
            {loaded.state === 'error' ? `Could not load the entry: ${loaded.message}` : 'Loading…'}
          </div>
        </>
      )}
    </aside>
  );
}

function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button className="detail-close" onClick={onClose} title="Close (Escape)" aria-label="Close">
      ×
    </button>
  );
}

function Detail({ entry, api, base, onOpen, onClose, onFilter }: { entry: EntryDetailJson } & Omit<EntryDetailProps, 'id'>) {
  const s = entry.summary;
  const curl = curlOfEntry(entry);
  const v = filterValues(onFilter);
  return (
    <>
      <div className="detail-head">
        <FilterValue term={variableTerm('protocol', entry.protocol.name)} onFilter={onFilter} className="badge" style={protocolBadgeStyle(entry.protocol.name)}>
          {entry.protocol.abbr}
        </FilterValue>
        {s.method !== undefined && <span className="detail-method">{v('method', s.method)}</span>}
        <span className="detail-title" title={s.path ?? s.text}>
          {s.path !== undefined ? v('path', s.path) : s.text}
        </span>
        {s.status !== undefined && <span className={`status status-${statusClass(s.status)}`}>{v('status_code', s.status)}</span>}
        <CloseButton onClose={onClose} />
      </div>
      <div className="detail-actions">
        <a className="detail-action" data-action="pcap" href={`${base}${pcapPath(entry.id, pcapFilename(entry))}`} download={pcapFilename(entry)} title="The packets of this entry's connection, for Wireshark">
          Download PCAP
        </a>
        {curl !== null && <CopyButton name="curl" label="Copy as curl" text={() => curl.command} />}
        <CopyButton name="json" label="Copy as JSON" text={() => entryJsonText(entry)} />
        {curl !== null && curl.warnings.length > 0 && <span className="detail-warning" title={curl.warnings.join('\n')}>curl: {curl.warnings.length} caveat{curl.warnings.length > 1 ? 's' : ''}</span>}
      </div>
      <div className="detail-body">
        {detailSections(entry.protocol.name).map((section) => (
          <SectionOf key={section} section={section} entry={entry} api={api} onOpen={onOpen} onFilter={onFilter} />
        ))}
      </div>
    </>
  );
}

/** One section of the detail, as the protocol's registry line names it (src/domain/protocol-detail.ts). */
function SectionOf({ section, entry, api, onOpen, onFilter }: { section: DetailSection; entry: EntryDetailJson; api: HubApi; onOpen: (id: string) => void; onFilter: OnFilter }) {
  switch (section) {
    case 'general':
      return <GeneralSection entry={entry} onFilter={onFilter} />;
    case 'endpoints':
      return (
        <Section name="endpoints" title="Source → Destination">
          <Endpoints entry={entry} onFilter={onFilter} />
        </Section>
      );
    case 'messages':
      return (
        <>
          <MessageSection side="request" message={entry.request} wireSize={entry.requestSize} summary={entry.summary} onFilter={onFilter} />
          <MessageSection side="response" message={entry.response} wireSize={entry.responseSize} summary={entry.summary} onFilter={onFilter} />
        </>
      );
    case 'http2':
      return <Http2Section entry={entry} />;
    case 'dns':
      return <DnsSection entry={entry} onFilter={onFilter} />;
    case 'grpc':
      return <GrpcSection entry={entry} onFilter={onFilter} />;
    case 'graphql':
      return <GraphqlSection entry={entry} onFilter={onFilter} />;
    case 'ws':
      return <WsSection entry={entry} onFilter={onFilter} />;
    case 'icmp':
      return <IcmpSection entry={entry} onFilter={onFilter} />;
    case 'kafka':
      return <KafkaSection entry={entry} onFilter={onFilter} />;
    case 'mongodb':
      return <MongodbSection entry={entry} onFilter={onFilter} />;
    case 'tls':
      return <TlsSection entry={entry} onFilter={onFilter} />;
    case 'postgresql':
      return <SqlSection entry={entry} view={postgresqlDetail(entry)} name="postgresql" onFilter={onFilter} />;
    case 'mysql':
      return <SqlSection entry={entry} view={mysqlDetail(entry)} name="mysql" onFilter={onFilter} />;
    case 'redis':
      return <RedisSection entry={entry} onFilter={onFilter} />;
    case 'mqtt':
      return <MessagePartsSection entry={entry} view={mqttDetail(entry)} name="mqtt" onFilter={onFilter} />;
    case 'amqp':
      return <MessagePartsSection entry={entry} view={amqpDetail(entry)} name="amqp" onFilter={onFilter} />;
    case 'raw':
      return (
        <>
          <RawSection side="request" message={entry.request} wireSize={entry.requestSize} />
          <RawSection side="response" message={entry.response} wireSize={entry.responseSize} />
        </>
      );
    case 'stream':
      return <StreamEntries api={api} entry={entry} onOpen={onOpen} />;
  }
}

/** Both ends side by side, a row per attribute; only what resolution knew is shown. */
function Endpoints({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const cell = (side: 'src' | 'dst', e: EndpointJson, field: 'pod' | 'service' | 'namespace' | 'node') => {
    const value = e[field];
    if (value === undefined || value === '') return <td className="none">—</td>;
    const variable = field === 'pod' ? `${side}.pod.name` : field === 'service' ? `${side}.service.name` : field === 'namespace' ? `${side}.namespace` : null;
    return <td>{variable === null ? value : <FilterValue term={variableTerm(variable, value)} onFilter={onFilter}>{value}</FilterValue>}</td>;
  };
  // ICMP has no ports (docs/entries.md): its addresses alone.
  const ports = entry.protocol.layer4 !== 'icmp';
  const address = (side: 'src' | 'dst', e: EndpointJson) => (
    <td>
      <FilterValue term={variableTerm(`${side}.ip`, e.ip)} onFilter={onFilter}>
        {ports && e.ip.includes(':') ? `[${e.ip}]` : e.ip}
      </FilterValue>
      {ports && (
        <>
          :
          <FilterValue term={variableTerm(`${side}.port`, e.port)} onFilter={onFilter}>
            {e.port}
          </FilterValue>
        </>
      )}
    </td>
  );
  const rows = (['pod', 'service', 'namespace', 'node'] as const).filter((f) => entry.src[f] || entry.dst[f]);
  return (
    <table className="kv-table endpoints">
      <thead>
        <tr>
          <th />
          <th>Source</th>
          <th>Destination</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f}>
            <th>{f}</th>
            {cell('src', entry.src, f)}
            {cell('dst', entry.dst, f)}
          </tr>
        ))}
        <tr>
          <th>address</th>
          {address('src', entry.src)}
          {address('dst', entry.dst)}
        </tr>
      </tbody>
    </table>
  );
}
