// The official client's serializer: its models name a few fields unlike the API (`_from` for a
// NetworkPolicy rule's `from`), and this is what turns a model into the API's JSON. The package
// has no exports map; the module is part of its published files.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { ShoalObject } from './build-objects.js';

/** The object as the API server reads it (JSON field names, unset fields left out, keys sorted). */
export function manifest(object: ShoalObject): Record<string, unknown> {
  const wire: unknown = ObjectSerializer.serialize(object, `V1${object.kind}`);
  return JSON.parse(JSON.stringify(wire)) as Record<string, unknown>;
}
