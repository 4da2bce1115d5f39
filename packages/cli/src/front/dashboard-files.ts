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
 * The path a URL path names inside `root`, or undefined when it names nothing there: paths that
 * climb out of `root` (`..`, encoded or not) and undecodable ones.
 */
export function pathIn(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.join(root, path.normalize(`/${decoded}`));
  return file.startsWith(root + path.sep) ? file : undefined;
}

/** What reading a dashboard file gave. */
export type FileRead = { body: Buffer; file: string } | { missing: true } | { error: string };

/**
 * The content of the file `urlPath` names in `root`. Read in one call, so there is no moment
 * between finding the file and reading it where its removal could fail the answer half-way:
 * a file that is gone (or a folder) is `missing`, one that cannot be read is an `error`. The
 * dashboard's files are small (the largest, the script bundle, is under a megabyte).
 */
export async function readDashboardFile(root: string, urlPath: string): Promise<FileRead> {
  const file = pathIn(root, urlPath);
  if (file === undefined) return { missing: true };
  try {
    return { body: await fs.promises.readFile(file), file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG') return { missing: true };
    return { error: code ?? String(err) };
  }
}
