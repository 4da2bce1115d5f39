import type { Endpoint, Entry } from '@shoal/model';
import type { NameLookup } from '../names.js';

/**
 * Names an endpoint the worker could not name when it made the entry (its table arrives after
 * a pod starts), with the workload that held the address at the entry's time. What the worker
 * wrote is kept: it had the fresher view at that moment.
 */
function fill(endpoint: Endpoint, ts: number, names: NameLookup): void {
  if (endpoint.pod !== undefined || endpoint.service !== undefined) return;
  const w = names.namesAt(endpoint.ip, endpoint.port, ts);
  if (w === undefined) return;
  if (w.pod !== undefined) endpoint.pod = w.pod;
  if (w.service !== undefined) endpoint.service = w.service;
  if (w.namespace !== undefined) endpoint.namespace ??= w.namespace;
  if (w.node !== undefined) endpoint.node ??= w.node;
  const name = w.name ?? w.pod ?? w.service;
  if (name !== undefined) endpoint.name = name;
}

export function fillNames(entry: Entry, names: NameLookup): void {
  fill(entry.src, entry.timestamp, names);
  fill(entry.dst, entry.timestamp, names);
}
