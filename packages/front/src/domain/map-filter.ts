/**
 * The feed filters that clicking the map makes, in KFL2 names (docs/filter.md). A workload is
 * matched the way the hub made it (GET /servicemap): a pod by `src.pod.name` and namespace, a
 * service by `src.service.*`, an address nobody named by `src.ip`, anything else named by
 * `src.name` (e.g. a node's own address carries the node's name).
 */
import { celString } from './cel-literal.js';
import { addClause } from './filter-snippet.js';
import type { MapEdgeJson, MapNodeJson } from './service-map.js';

type Side = 'src' | 'dst';

/** An IPv4 or IPv6 literal: what the hub names a workload when resolution had no name. */
const IP_LITERAL = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)$/i;

function workloadClause(side: Side, n: MapNodeJson): string {
  const terms: string[] = [];
  if (n.kind === 'pod' || n.kind === 'service') {
    terms.push(`${side}.${n.kind}.name == ${celString(n.name)}`);
    if (n.namespace !== null) terms.push(`${side}.${n.kind}.namespace == ${celString(n.namespace)}`);
  } else if (n.namespace === null && IP_LITERAL.test(n.name)) {
    terms.push(`${side}.ip == ${celString(n.name)}`);
  } else {
    terms.push(`${side}.name == ${celString(n.name)}`);
    if (n.namespace !== null) terms.push(`${side}.namespace == ${celString(n.namespace)}`);
  }
  return terms.join(' && ');
}

/** The entries of one edge: this client, this server, this protocol. */
export function edgeFilter(edge: Pick<MapEdgeJson, 'protocol'>, source: MapNodeJson, target: MapNodeJson): string {
  return `${workloadClause('src', source)} && ${workloadClause('dst', target)} && protocol == ${celString(edge.protocol)}`;
}

/** The entries a workload takes part in, as client or as server. */
export function nodeFilter(n: MapNodeJson): string {
  return `(${workloadClause('src', n)}) || (${workloadClause('dst', n)})`;
}

/**
 * The current query narrowed by `clause`: the map showed what `query` matches, so a click keeps
 * it. A query that already holds the clause is left as it is (a second click adds nothing).
 */
export function narrowQuery(query: string, clause: string): string {
  const q = query.trim();
  if (q !== '' && q.includes(clause)) return q;
  return addClause(q, clause);
}
