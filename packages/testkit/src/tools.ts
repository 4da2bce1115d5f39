import { existsSync } from 'node:fs';

/**
 * A real tool from the folder `make tools` fills (.tools/bin: kubectl and helm, static binaries
 * from an npm package, fetched once; Makefile); undefined when it is not there.
 */
export function toolPath(name: 'kubectl' | 'helm'): string | undefined {
  const path = new URL(`../../../.tools/bin/${name}`, import.meta.url).pathname;
  return existsSync(path) ? path : undefined;
}
