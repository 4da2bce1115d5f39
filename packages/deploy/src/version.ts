import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Shoal's version, from this package's package.json (kept equal to the project's; a test checks
 * it): the images' tag and the `app.kubernetes.io/version` label. Read at run time so images and
 * checkouts need no generated file; found by module resolution, so that the CLI's start-up bundle
 * (packages/cli/rolldown.config.mjs) reads this package's file, not its own.
 */
export const SHOAL_VERSION: string = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@shoal/deploy/package.json'), 'utf8')) as { version: string }).version;
