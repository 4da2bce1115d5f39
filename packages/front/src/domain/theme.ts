/**
 * Light or dark: the user's last choice (kept in localStorage under THEME_KEY), else the
 * system's preference. The page applies it as `data-theme` on the root element, where
 * src/styles.css switches its colour variables.
 */
export type Theme = 'light' | 'dark';

export const THEME_KEY = 'shoal.theme';

export function initialTheme(stored: string | null, systemPrefersDark: boolean): Theme {
  if (stored === 'light' || stored === 'dark') return stored;
  return systemPrefersDark ? 'dark' : 'light';
}

export function otherTheme(theme: Theme): Theme {
  return theme === 'dark' ? 'light' : 'dark';
}
