import type { KeyboardEvent } from 'react';

/** Makes an SVG element reachable with Tab and clickable with Enter or Space, with a name for screen readers. */
export function keyboardClick(onClick: () => void, label: string) {
  return {
    tabIndex: 0,
    role: 'button',
    'aria-label': label,
    onKeyDown: (ev: KeyboardEvent) => {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
      onClick();
    },
  };
}
