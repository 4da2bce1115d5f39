import { useEffect, useState } from 'react';
import { protocolColorVariables } from '../../domain/protocol-colors.js';
import { initialTheme, otherTheme, THEME_KEY, type Theme } from '../../domain/theme.js';
import './theme-toggle.css';

function storedTheme(): string | null {
  try {
    return localStorage.getItem(THEME_KEY);
  } catch {
    return null; // storage refused (privacy mode): the system's preference then
  }
}

/** Light or dark, remembered in localStorage; the first time, the system's preference. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => initialTheme(storedTheme(), window.matchMedia('(prefers-color-scheme: dark)').matches));
  useEffect(() => {
    const root = document.documentElement;
    root.dataset['theme'] = theme;
    // Through the CSSOM, which the page's CSP allows (src/domain/protocol-colors.ts).
    for (const [name, value] of Object.entries(protocolColorVariables(theme))) root.style.setProperty(name, value);
  }, [theme]);
  const toggle = () => {
    const next = otherTheme(theme);
    setTheme(next);
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // Not remembered; the toggle still works for this page.
    }
  };
  return (
    <button className="icon-button theme-toggle" data-testid="theme-toggle" onClick={toggle} title={`Switch to the ${otherTheme(theme)} theme`} aria-label={`Switch to the ${otherTheme(theme)} theme`}>
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
