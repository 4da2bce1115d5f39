import { readFileSync } from 'node:fs';

/**
 * Shoal's version, from this package's package.json (kept equal to the project's; a test checks
 * it): the images' tag and the `app.kubernetes.io/version` label. Read at run time so images and
 * checkouts need no generated file.
 */
export const SHOAL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
