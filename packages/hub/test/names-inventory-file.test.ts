import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ResolutionPatch } from '@shoal/model';
import { waitFor } from '@shoal/testkit';
import { InventoryError, InventoryNames, NameHistory } from '../dist/names/index.js';
import { recordingLogger } from './helpers/names-recording-logger.js';

function inventory(pods: { ip: string; name: string }[]): string {
  return JSON.stringify({
    nodes: [{ name: 'node-1', ip: '10.10.0.2' }],
    pods: pods.map((p) => ({ ...p, namespace: 'shop', node: 'node-1', labels: { app: p.name.replace(/-\d+$/, '') } })),
    services: [{ name: 'web', namespace: 'shop', clusterIPs: ['10.30.0.10'], ports: [{ port: 80 }], selector: { app: 'web' } }],
  });
}

describe('InventoryNames (names from a file, re-read when it changes)', () => {
  let dir: string;
  let file: string;
  let source: InventoryNames | undefined;
  const clock = { ms: 1000 };
  let history: NameHistory;
  let patches: ResolutionPatch[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shoal-inventory-'));
    file = join(dir, 'inventory.json');
    clock.ms = 1000;
    history = new NameHistory({ now: () => clock.ms });
    patches = [];
    history.onPatch((p) => patches.push(p));
  });

  afterEach(async () => {
    source?.stop();
    source = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('names pods, services and nodes, and lists the pods with labels for targeting', async () => {
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }]));
    source = new InventoryNames({ path: file, history });
    await source.start();
    assert.deepEqual(history.at('10.20.1.5', undefined, 1500), { name: 'web-1', pod: 'web-1', namespace: 'shop', node: 'node-1', service: 'web' });
    assert.deepEqual(history.at('10.30.0.10', 80, 1500), { name: 'web', namespace: 'shop', service: 'web' });
    assert.deepEqual(history.at('10.10.0.2', undefined, 1500), { name: 'node-1', node: 'node-1' });
    assert.deepEqual(
      source.pods().map((p) => [p.name, p.namespace, p.node, p.ip, p.labels]),
      [['web-1', 'shop', 'node-1', '10.20.1.5', { app: 'web' }]],
    );
    assert.equal(patches.length, 1);
  });

  it('a rewritten file is re-read: a reused IP names old times with the old pod, new times with the new', async () => {
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }]));
    source = new InventoryNames({ path: file, history });
    await source.start();
    let podChanges = 0;
    source.onChange(() => podChanges++);
    clock.ms = 2000;
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'db-0' }]));
    await waitFor('the rewritten file to be applied', () => patches.length === 2);
    assert.deepEqual(patches[1], { upsert: { '10.20.1.5': { name: 'db-0', pod: 'db-0', namespace: 'shop', node: 'node-1' } } });
    assert.equal(history.at('10.20.1.5', undefined, 1500)?.pod, 'web-1');
    assert.equal(history.at('10.20.1.5', undefined, 2500)?.pod, 'db-0');
    assert.equal(podChanges, 1);
  });

  it('a file replaced by rename (how editors and ConfigMaps update) is re-read', async () => {
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }]));
    source = new InventoryNames({ path: file, history });
    await source.start();
    await writeFile(join(dir, 'next.json'), inventory([{ ip: '10.20.1.5', name: 'web-1' }, { ip: '10.20.1.6', name: 'web-2' }]));
    await rename(join(dir, 'next.json'), file);
    await waitFor('the replaced file to be applied', () => source!.pods().length === 2);
    assert.equal(history.at('10.20.1.6', undefined, 1000)?.pod, 'web-2');
  });

  it('without fs.watch, the periodic stat check notices the change', async () => {
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }]));
    source = new InventoryNames({ path: file, history, fsWatch: false, checkEveryMs: 20 });
    await source.start();
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }, { ip: '10.20.1.6', name: 'web-2' }]));
    await waitFor('the stat check to apply the new file', () => source!.pods().length === 2);
  });

  it('a bad new file is logged with its field and the previous names stay; a good one is taken again', async () => {
    const logger = recordingLogger();
    await writeFile(file, inventory([{ ip: '10.20.1.5', name: 'web-1' }]));
    source = new InventoryNames({ path: file, history, logger });
    await source.start();
    await writeFile(file, inventory([{ ip: '10.20.1.500', name: 'web-1' }]));
    // writeFile truncates first, so a read may also catch an empty file: wait for the verdict on the whole one.
    const invalid = () => logger.lines.find((l) => l.level === 'error' && l.obj.code === 'HUB_ERR_INVENTORY_INVALID');
    await waitFor('the bad file to be reported', () => invalid() !== undefined);
    const line = invalid()!;
    assert.equal(line.obj.field, 'pods[0].ip');
    assert.equal(source.lastError()?.field, 'pods[0].ip');
    assert.equal(history.at('10.20.1.5', undefined, 1000)?.pod, 'web-1');
    assert.equal(source.inventory().pods[0]?.ip, '10.20.1.5');

    await writeFile(file, '{"pods": [');
    await waitFor('the truncated file to be reported', () => source!.lastError()?.code === 'HUB_ERR_INVENTORY_READ');
    assert.equal(history.at('10.20.1.5', undefined, 1000)?.pod, 'web-1');

    await writeFile(file, inventory([{ ip: '10.20.1.7', name: 'web-3' }]));
    await waitFor('the good file to be applied', () => history.at('10.20.1.7', undefined, 1000) !== undefined);
    assert.equal(source.lastError(), undefined);
  });

  it('a first file that is missing or bad stops the start with a coded error', async () => {
    source = new InventoryNames({ path: file, history });
    await assert.rejects(source.start(), (err) => err instanceof InventoryError && err.code === 'HUB_ERR_INVENTORY_READ');
    await writeFile(file, JSON.stringify({ pods: [{ ip: '10.20.1.5', name: 'web-1' }] }));
    await assert.rejects(source.start(), (err) => err instanceof InventoryError && err.field === 'pods[0].namespace');
    assert.deepEqual(history.snapshot(), {});
  });
});
