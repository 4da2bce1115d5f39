import { readFileSync } from 'node:fs';

/**
 * This CLI's version, from its package.json (kept equal to the project's and to @shoal/deploy's
 * SHOAL_VERSION, which the chart and the images carry; a test checks all of them): `shoal
 * --version` and `shoal version`. Read at run time, as SHOAL_VERSION is, so no file is generated.
 */
export const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
