/**
 * The dashboard's keyboard: which key does what, in one table that the help overlay lists, so
 * the overlay can never disagree with the keys. Keys typed into a field belong to the field
 * (only Escape is taken back); with a modifier held they belong to the browser.
 */
export type KeyAction = 'next' | 'previous' | 'open' | 'focus-filter' | 'toggle-follow' | 'help' | 'close';

export interface Shortcut {
  /** `KeyboardEvent.key` values. */
  keys: readonly string[];
  /** How the help overlay writes the keys. */
  label: string;
  action: KeyAction;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j', 'ArrowDown'], label: 'j / ↓', action: 'next', description: 'Select the next (newer) row' },
  { keys: ['k', 'ArrowUp'], label: 'k / ↑', action: 'previous', description: 'Select the previous (older) row' },
  { keys: ['Enter'], label: 'Enter', action: 'open', description: "Open the selected entry's detail" },
  { keys: ['/'], label: '/', action: 'focus-filter', description: 'Focus the filter' },
  { keys: [' '], label: 'Space', action: 'toggle-follow', description: 'Pause or resume following the newest entries' },
  { keys: ['?'], label: '?', action: 'help', description: 'Show or hide this help' },
  { keys: ['Escape'], label: 'Esc', action: 'close', description: 'Close the help or the open detail; leave the filter' },
];

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field, a select or an editable element. */
  inField: boolean;
  /** The help overlay is open: only its own keys work. */
  helpOpen: boolean;
}

const byKey = new Map<string, KeyAction>(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/** The action for a key press, or undefined when the page leaves the key alone. */
export function keyAction(input: KeyInput): KeyAction | undefined {
  if (input.ctrlKey || input.metaKey || input.altKey) return undefined;
  const action = byKey.get(input.key);
  if (action === undefined) return undefined;
  if (action === 'close') return action;
  if (input.inField) return undefined;
  if (input.helpOpen) return action === 'help' ? action : undefined;
  return action;
}
