/**
 * The targeting panel's form: what the user types (namespaces as a comma or space separated
 * list) to the body of `PUT /targets` (docs/hub.md), and the field a hub error is about, so the
 * panel shows it under that field.
 */
import type { TargetSelection } from './hub-status.js';

export type TargetField = keyof TargetSelection;

export interface TargetDraft {
  podRegex: string;
  namespaces: string;
  excludedNamespaces: string;
}

export function namespaceList(text: string): string[] {
  return text.split(/[\s,]+/).filter((n) => n !== '');
}

export function draftOf(selection: TargetSelection | null): TargetDraft {
  const s = selection ?? { podRegex: '.*', namespaces: [], excludedNamespaces: [] };
  return { podRegex: s.podRegex, namespaces: s.namespaces.join(', '), excludedNamespaces: s.excludedNamespaces.join(', ') };
}

export function selectionOf(draft: TargetDraft): TargetSelection {
  return { podRegex: draft.podRegex === '' ? '.*' : draft.podRegex, namespaces: namespaceList(draft.namespaces), excludedNamespaces: namespaceList(draft.excludedNamespaces) };
}

/** The field the hub's 400 message names first (its messages start with the field's name). */
export function fieldOfError(message: string): TargetField | undefined {
  const m = /\b(podRegex|excludedNamespaces|namespaces)\b/.exec(message);
  return m === null ? undefined : (m[1] as TargetField);
}
