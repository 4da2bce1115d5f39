import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ShoalError } from '@shoal/model';

/**
 * Where the built dashboard is: `dist/` of the @shoal/front package (built by `npm run build`).
 * Missing only in a checkout that was never built, which the error says.
 */
export function dashboardDir(): string {
  const pkg = createRequire(import.meta.url).resolve('@shoal/front/package.json');
  const dir = path.join(path.dirname(pkg), 'dist');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new ShoalError('CLI_ERR_USAGE', `the dashboard is not built (${path.join('packages', 'front', 'dist')} has no index.html): run make build`);
  }
  return dir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or undefined when there is none. Paths that climb out
 * of `root` (`..`, encoded or not) name nothing.
 */
export function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = path.join(root, path.normalize(decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
