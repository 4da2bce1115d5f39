import { stringify } from 'yaml';
import type { BuiltObject } from './build-objects.js';
import { manifest } from './manifest.js';

/**
 * YAML as kubectl and Helm read it: their parser is YAML 1.1, where `y`, `on` and `no` are
 * booleans and `0755` is octal, so strings like those are written quoted (the 1.1 schema); no
 * anchors or aliases; long strings kept on one line.
 */
export function objectYaml(built: BuiltObject): string {
  return stringify(manifest(built.object), { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

/** All objects as one multi-document stream (`kubectl apply -f -`). */
export function objectsYaml(objects: readonly BuiltObject[]): string {
  return objects.map((o) => `---\n${objectYaml(o)}`).join('');
}
