// The CLI's start-up bundle (packages/cli/bundle/, made by `npm run build` after tsc): the
// workspace's own modules (@shoal/*) joined into one chunk per command and per shared part, with
// third-party packages and Node's built-ins left to be imported from node_modules as usual.
// An ES module graph loads file by file: `shoal dissect` read about 130 files of dist/ before its
// first packet (60 ms of a 70 ms start on an empty file); from the bundle it reads a handful.
// bin/shoal runs the bundle when it is there, else dist/main.js (the images, which do not carry it).
// Modules that find files of their package do so through its package.json (module resolution),
// never relative to their own location, so they work from either place.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bare specifiers other than the workspace's own: resolved from node_modules at run time. */
const thirdParty = (id) => /^node:/.test(id) || !(id.startsWith('@shoal/') || id.startsWith('.') || path.isAbsolute(id));

export default {
  // The dissect threads' entry is a module of its own (new Worker(new URL('./dissect-shard.js'))).
  input: { main: path.join(here, 'dist', 'main.js'), 'dissect-shard': path.join(here, 'dist', 'dissect', 'dissect-shard.js') },
  platform: 'node',
  external: thirdParty,
  logLevel: 'warn',
  // Whitespace and comments removed, names kept (stack traces still name functions; the source
  // maps beside the chunks give lines): V8 scans every byte of a module at load, and the dissect
  // chunk's comments and indentation were 45% of it, about 10 ms of `shoal dissect`'s start.
  output: {
    dir: path.join(here, 'bundle'),
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    cleanDir: true,
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
    sourcemap: true,
  },
};
