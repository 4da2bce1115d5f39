import { compileRegex, type Regex } from '@shoal/filter';
import type { TargetSelection } from '@shoal/model';
import type { Pod } from '../names.js';

/**
 * Which pods to capture, as Kubeshark's `tap.regex`, `tap.namespaces` and
 * `tap.excludedNamespaces` (the hub's PUT /targets body, a wire shape of the model): a pod is
 * targeted when its name matches `podRegex` (RE2, as `tap.regex` and the filter's `matches()`:
 * linear time, no backreferences or lookaround), its namespace is in `namespaces` (all when
 * empty) and not in `excludedNamespaces`.
 */
export type { TargetSelection };

export const DEFAULT_SELECTION: TargetSelection = { podRegex: '.*', namespaces: [], excludedNamespaces: [] };

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw new Error(`${field} must be an array of namespace names`);
  return value as string[];
}

/** The compiled `podRegex`; throws an Error that names the field, says why and where. */
function podRegex(pattern: string): Regex {
  const compiled = compileRegex(pattern);
  if (compiled.ok) return compiled.regex;
  const { reason, offset } = compiled.problem;
  throw new Error(`podRegex is not an RE2 regular expression: ${reason} (at character ${offset + 1} of the pattern)`);
}

/** Checks a PUT /targets body; throws an Error whose message names the bad field. */
export function parseSelection(json: unknown): TargetSelection {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('send {"podRegex": "…", "namespaces": […], "excludedNamespaces": […]}');
  }
  const o = json as Record<string, unknown>;
  const pattern = o['podRegex'] ?? DEFAULT_SELECTION.podRegex;
  if (typeof pattern !== 'string') throw new Error('podRegex must be a string (an RE2 regular expression)');
  podRegex(pattern);
  return { podRegex: pattern, namespaces: stringList(o['namespaces'], 'namespaces'), excludedNamespaces: stringList(o['excludedNamespaces'], 'excludedNamespaces') };
}

export function selectPods(pods: Pod[], selection: TargetSelection): Pod[] {
  const regex = podRegex(selection.podRegex);
  const only = new Set(selection.namespaces);
  const excluded = new Set(selection.excludedNamespaces);
  return pods.filter((p) => regex.test(p.name) && (only.size === 0 || only.has(p.namespace)) && !excluded.has(p.namespace));
}
