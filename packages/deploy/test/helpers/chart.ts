import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { buildObjects, manifest, SETTING_KEYS, settingsFrom, SHOAL_VERSION } from '@shoal/deploy';
import { runHelm } from '@shoal/testkit/helm';

/** The chart's folder in the repository (this file runs from packages/deploy/dist-test/helpers). */
export const CHART_DIR = fileURLToPath(new URL('../../../../deploy/chart/', import.meta.url));

/** One rendered object and the file it comes from: the builder's `NN-name.yaml`, the chart's template. */
export interface Rendered {
  file: string;
  object: Record<string, unknown>;
}

/** Settings as a values file holds them: key → typed value. */
export type Values = Record<string, unknown>;

/** Text that `helm --set` reads as that same string: no separator, list, escape or typed literal. */
function plainForSet(text: string): boolean {
  return /^[^,\\{}[\]=]+$/.test(text) && !/^(true|false|null|[-+]?[0-9.e]+)$/i.test(text);
}

/** Helm's command-line form of each value, as a user would write it: --set where it is plain, else --set-json. */
export function helmArgs(values: Values): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    if (typeof value === 'number' || typeof value === 'boolean') return ['--set', `${key}=${String(value)}`];
    if (typeof value === 'string' && plainForSet(value)) return ['--set', `${key}=${value}`];
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && plainForSet(v))) return ['--set', `${key}={${value.join(',')}}`];
    return ['--set-json', `${key}=${JSON.stringify(value)}`];
  });
}

/** The same values as `shoal`'s --set assignments (each key's own text form). */
export function setAssignments(values: Values): string[] {
  return Object.entries(values).map(([key, value]) => {
    const spec = SETTING_KEYS.find((s) => s.key === key);
    assert.ok(spec !== undefined, `a setting key: ${key}`);
    return `${key}=${spec.kind.show(value)}`;
  });
}

/** The documents of `helm template`'s output, each with its template's file name (its `# Source:` line). */
export function renderedDocuments(text: string): Rendered[] {
  return parseAllDocuments(text, { version: '1.1' }).map((doc) => {
    assert.deepEqual(doc.errors, [], 'the YAML parses');
    const source = / Source: shoal\/templates\/(\S+)/.exec(`${doc.commentBefore ?? ''}\n${doc.contents?.commentBefore ?? ''}`);
    assert.ok(source !== null, `a # Source: line before ${JSON.stringify(doc.toJS()).slice(0, 80)}`);
    return { file: source[1]!, object: doc.toJS() as Record<string, unknown> };
  });
}

/** `helm template RELEASE deploy/chart -n NAMESPACE ARGS…`, which must succeed. */
export async function helmTemplate(helm: string, release: string, namespace: string, args: string[]): Promise<{ yaml: string; rendered: Rendered[] }> {
  const r = await runHelm(helm, ['template', release, CHART_DIR, '--namespace', namespace, ...args]);
  assert.equal(r.code, 0, `helm template ${args.join(' ')}: ${r.stderr}`);
  return { yaml: r.stdout, rendered: renderedDocuments(r.stdout) };
}

/** The builder's objects for the same release and values, as the chart labels them (managed-by Helm). */
export function builderObjects(release: string, namespace: string, values: Values): Rendered[] {
  const settings = settingsFrom([...setAssignments(values), `tap.release.name=${release}`, `tap.release.namespace=${namespace}`]);
  return buildObjects({ settings, tokens: { worker: '', hub: '', signIn: '', identity: '' }, version: SHOAL_VERSION, managedBy: 'Helm' }).map((b) => ({
    file: b.file,
    object: manifest(b.object),
  }));
}

/**
 * The Secrets' token values blanked: the chart makes them at install (randAlphaNum) and keeps
 * them on upgrade (lookup); `helm template` has no cluster, so every render makes new ones.
 * Nothing else is changed.
 */
export function withoutTokens(objects: Rendered[]): Rendered[] {
  return objects.map((r) => {
    if (r.object['kind'] !== 'Secret') return r;
    const data = r.object['stringData'] as Record<string, string>;
    return { ...r, object: { ...r.object, stringData: Object.fromEntries(Object.keys(data).map((k) => [k, ''])) } };
  });
}

/** The tokens of the rendered Secrets. */
export function tokensOf(objects: Rendered[]): string[] {
  return objects.filter((r) => r.object['kind'] === 'Secret').flatMap((r) => Object.values(r.object['stringData'] as Record<string, string>));
}

/** The identity keys of the rendered Secrets. */
export function identityKeysOf(objects: Rendered[]): string[] {
  return objects.filter((r) => r.object['kind'] === 'Secret').flatMap((r) => {
    const key = (r.object['stringData'] as Record<string, string>)['identity-key'];
    return key !== undefined ? [key] : [];
  });
}

/** Sorted by file name: the install order both number their files in (Helm applies by kind). */
export function byFile(objects: Rendered[]): Rendered[] {
  return [...objects].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
