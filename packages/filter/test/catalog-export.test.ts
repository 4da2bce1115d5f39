/**
 * `@shoal/filter/catalog` is what the dashboard imports to complete variable names: the same
 * list as the package's main entry, in a module that imports nothing, so a browser bundle gets
 * the names without the CEL engine or any Node-only code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { FUNCTIONS as MAIN_FUNCTIONS, VARIABLES as MAIN_VARIABLES } from '@shoal/filter';
import { FUNCTIONS, VARIABLES } from '@shoal/filter/catalog';

describe('@shoal/filter/catalog', () => {
  it('exports the same variables and functions as the main entry', () => {
    assert.equal(VARIABLES, MAIN_VARIABLES);
    assert.equal(FUNCTIONS, MAIN_FUNCTIONS);
  });

  it('imports no other module, so it is safe in a browser bundle', () => {
    const file = createRequire(import.meta.url).resolve('@shoal/filter/catalog');
    const source = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(source, /^\s*import\s|\bimport\(|\brequire\(/m);
  });
});
