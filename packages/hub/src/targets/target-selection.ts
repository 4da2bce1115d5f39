import type { TargetSelection } from '@shoal/model';
import type { Pod } from '../names.js';

/** Which pods to capture: the hub's PUT /targets body (a wire shape of the model). */
export type { TargetSelection };

export const DEFAULT_SELECTION: TargetSelection = { podRegex: '.*', namespaces: [], excludedNamespaces: [] };

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw new Error(`${field} must be an array of namespace names`);
  return value as string[];
}

/** Checks a PUT /targets body; throws an Error whose message names the bad field. */
export function parseSelection(json: unknown): TargetSelection {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('send {"podRegex": "…", "namespaces": […], "excludedNamespaces": […]}');
  }
  const o = json as Record<string, unknown>;
  const podRegex = o['podRegex'] ?? DEFAULT_SELECTION.podRegex;
  if (typeof podRegex !== 'string') throw new Error('podRegex must be a string (a JavaScript regular expression)');
  try {
    new RegExp(podRegex);
  } catch (err) {
    throw new Error(`podRegex does not compile: ${(err as Error).message}`);
  }
  return { podRegex, namespaces: stringList(o['namespaces'], 'namespaces'), excludedNamespaces: stringList(o['excludedNamespaces'], 'excludedNamespaces') };
}

export function selectPods(pods: Pod[], selection: TargetSelection): Pod[] {
  const regex = new RegExp(selection.podRegex);
  const only = new Set(selection.namespaces);
  const excluded = new Set(selection.excludedNamespaces);
  return pods.filter((p) => regex.test(p.name) && (only.size === 0 || only.has(p.namespace)) && !excluded.has(p.namespace));
}
