import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'packages/cli/bundle/**', '**/dist-test/**', 'node_modules/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The dashboard runs in the browser.
    files: ['packages/front/src/**'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', navigator: 'readonly', WebSocket: 'readonly', fetch: 'readonly', requestAnimationFrame: 'readonly', ResizeObserver: 'readonly', localStorage: 'readonly', Blob: 'readonly', AbortController: 'readonly' },
    },
  },
  {
    // Node, and functions that playwright runs in the page.
    files: ['bench/front/**'],
    languageOptions: {
      globals: { performance: 'readonly', window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', requestAnimationFrame: 'readonly', dispatchEvent: 'readonly', PopStateEvent: 'readonly', PerformanceObserver: 'readonly' },
    },
  },
);
