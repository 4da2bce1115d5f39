/** formatBytes: the one way the dashboard and the CLI print a size. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes } from '../dist/index.js';

describe('formatBytes', () => {
  it('bytes below 1 KiB, then binary units with one decimal below 10 and none above', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(10 * 1024), '10 KiB');
    assert.equal(formatBytes(3.2 * 1024 * 1024), '3.2 MiB');
    assert.equal(formatBytes(5 * 1024 ** 4), '5.0 TiB');
    assert.equal(formatBytes(2048 * 1024 ** 4), '2048 TiB');
  });
});
