import { defineConfig } from 'vite';

// No plugin: Vite's own transform compiles TSX with the automatic React runtime (tsconfig "jsx").
// No source maps in the served bundle; `shoal front` serves dist/ as built here.
export default defineConfig({
  root: '.',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
