import type { ServerResponse } from 'node:http';
import { isErrorEntry, type Endpoint, type ServiceMapAnswer, type ServiceMapEdge, type ServiceMapNode } from '@shoal/model';
import { walkHistory } from '../../history/history-walk.js';
import { percentile } from '../../history/percentile.js';
import { rangeParams } from '../../history/range-params.js';
import type { HubHistory } from '../../history/hub-history.js';
import type { ViewScope } from '../../access/view-scope.js';
import { sendJson } from '../http-util.js';

/** An edge while it is counted: its latencies, not yet their percentiles. */
type EdgeAcc = Omit<ServiceMapEdge, 'p50Ms' | 'p95Ms'> & { latencies: number[] };

/** A workload's node: the name the worker (or the hub) gave the endpoint, else its IP. */
function nodeOf(e: Endpoint): ServiceMapNode {
  const kind = e.pod !== undefined ? 'pod' : e.service !== undefined ? 'service' : 'ip';
  const name = e.name ?? e.pod ?? e.service ?? e.ip;
  const namespace = e.namespace ?? null;
  return { id: namespace === null ? name : `${namespace}/${name}`, name, namespace, kind, node: e.node ?? null };
}

/**
 * GET /servicemap?q=&from=&to=: who talks to whom, from the workers' history. Nodes are
 * workloads (pods, services, else bare IPs); an edge is a (client, server, protocol) with its
 * count, bytes both ways, errors (model's isErrorEntry: status ≥ 500, a failed gRPC call, a GraphQL
 * response with errors, or malformed) and p50/p95 of elapsedMs. The
 * walk goes through the hub's WalkGate: capped, and shared by the same question asked meanwhile.
 * Only the entries in the caller's scope count; the other side of such an entry is a node too.
 */
export async function getServiceMap(history: HubHistory, query: URLSearchParams, res: ServerResponse, scope: ViewScope): Promise<void> {
  const { q, from, to } = rangeParams(query, scope);
  sendJson(res, 200, await history.walks.run(`/servicemap\n${q}\n${from}\n${to}`, () => serviceMap(history, q, from, to)));
}

async function serviceMap(history: HubHistory, q: string, from: number, to: number): Promise<ServiceMapAnswer> {
  const nodes = new Map<string, ServiceMapNode>();
  const edges = new Map<string, EdgeAcc>();
  const walk = await walkHistory(history, q, from, to, (e) => {
    const src = nodeOf(e.src);
    const dst = nodeOf(e.dst);
    nodes.set(src.id, src);
    nodes.set(dst.id, dst);
    const key = `${src.id}\n${dst.id}\n${e.protocol.name}`;
    let edge = edges.get(key);
    if (edge === undefined) edges.set(key, (edge = { source: src.id, target: dst.id, protocol: e.protocol.name, count: 0, bytes: 0, errors: 0, latencies: [] }));
    edge.count++;
    edge.bytes += e.requestSize + e.responseSize;
    if (isErrorEntry(e)) edge.errors++;
    edge.latencies.push(e.elapsedMs);
  });
  const edgeList = [...edges.values()].map(({ latencies, ...rest }) => {
    latencies.sort((a, b) => a - b);
    // An edge has at least the call that made it: its percentiles exist.
    return { ...rest, p50Ms: percentile(latencies, 50)!, p95Ms: percentile(latencies, 95)! };
  });
  return { from, to, nodes: [...nodes.values()], edges: edgeList, ...walk };
}
