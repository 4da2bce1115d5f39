import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * This CLI's version, from its package.json (kept equal to the project's and to @shoal/deploy's
 * SHOAL_VERSION, which the chart and the images carry; a test checks all of them): `shoal
 * --version` and `shoal version`. Read at run time, as SHOAL_VERSION is, so no file is generated;
 * found by module resolution, so the start-up bundle (rolldown.config.mjs) finds it too.
 */
export const CLI_VERSION: string = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@shoal/cli/package.json'), 'utf8')) as { version: string }).version;
