import type { EntryDetailJson } from '../../domain/entry-detail.js';
import { graphqlDetail } from '../../domain/graphql-detail.js';
import type { OnFilter } from '../FilterValue/index.js';
import { GridTable, KvTable } from './detail-tables.js';
import { JsonCode } from './json-code.js';
import { Section } from './section.js';

/**
 * The operation and the result of a GraphQL entry (src/domain/graphql-detail.ts); the HTTP
 * request and response, bodies included, follow in their own sections.
 */
export function GraphqlSection({ entry, onFilter }: { entry: EntryDetailJson; onFilter: OnFilter }) {
  const view = graphqlDetail(entry);
  return (
    <Section name="graphql" title="GraphQL">
      <KvTable rows={view.operation} onFilter={onFilter} attrs={{ 'data-table': 'operation' }} />
      {view.query !== undefined && (
        <div className="body" data-part="query">
          <div className="body-head">
            <span className="body-title">Query</span>
          </div>
          <pre className="body-code">{view.query}</pre>
        </div>
      )}
      {view.variables !== undefined && (
        <div className="body" data-part="variables">
          <div className="body-head">
            <span className="body-title">Variables</span>
          </div>
          <JsonCode text={view.variables} />
        </div>
      )}
      {view.response !== undefined && <KvTable caption="Result" uncounted rows={view.response} attrs={{ 'data-table': 'result' }} />}
      {view.errors !== undefined && <GridTable table={view.errors} onFilter={onFilter} />}
    </Section>
  );
}
