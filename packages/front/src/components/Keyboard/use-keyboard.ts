import './keyboard.css';
import { useEffect, useRef } from 'react';
import type { FeedItem, FeedModel } from '../../domain/feed-model.js';
import { keyAction } from '../../domain/keymap.js';
import { moveSelection, type Selection } from '../../domain/row-selection.js';

export interface KeyboardTargets {
  model: FeedModel;
  /** Whether the feed is the view on screen: row keys do nothing elsewhere. */
  feedShown: boolean;
  selection: Selection | undefined;
  select: (s: Selection | undefined) => void;
  openEntry: (id: string) => void;
  /** Closes the open detail, if any; true when it did. */
  closeEntry: () => boolean;
  helpOpen: boolean;
  setHelpOpen: (open: boolean) => void;
}

const isEntry = (item: FeedItem): boolean => item.kind === 'entry';

function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * The page's keys (domain/keymap.ts) on window. The filter is whatever element carries
 * `data-shortcut="filter"` (the filter bar puts it on its input), so `/` needs no wiring.
 */
export function useKeyboard(targets: KeyboardTargets): void {
  // One listener for the page's life, reading the latest props.
  const latest = useRef(targets);
  latest.current = targets;
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      const t = latest.current;
      const action = keyAction({ key: ev.key, ctrlKey: ev.ctrlKey, metaKey: ev.metaKey, altKey: ev.altKey, inField: inField(ev.target), helpOpen: t.helpOpen });
      if (action === undefined) return;
      const rowKey = action === 'next' || action === 'previous' || action === 'open' || action === 'toggle-follow';
      if (rowKey && !t.feedShown) return;
      ev.preventDefault();
      switch (action) {
        case 'next':
        case 'previous': {
          const next = moveSelection(t.model.rows, t.selection, action === 'next' ? 1 : -1, isEntry);
          // A selection holds the view still; Space (or "jump to latest") follows the tail again.
          if (next !== undefined) t.model.follow(false);
          t.select(next);
          break;
        }
        case 'open':
          if (t.selection !== undefined) t.openEntry(t.selection.id);
          break;
        case 'focus-filter':
          document.querySelector<HTMLElement>('[data-shortcut="filter"]')?.focus();
          break;
        case 'toggle-follow':
          t.model.follow(!t.model.following);
          break;
        case 'help':
          t.setHelpOpen(!t.helpOpen);
          break;
        case 'close':
          if (t.helpOpen) t.setHelpOpen(false);
          else if (!t.closeEntry() && ev.target instanceof HTMLElement && inField(ev.target)) ev.target.blur();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
