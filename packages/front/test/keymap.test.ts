import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyAction, SHORTCUTS, type KeyInput } from '../src/domain/keymap.js';

const press = (key: string, more: Partial<KeyInput> = {}) => keyAction({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, helpOpen: false, ...more });

describe('keymap', () => {
  it('maps each key of the table to its action', () => {
    assert.equal(press('j'), 'next');
    assert.equal(press('ArrowDown'), 'next');
    assert.equal(press('k'), 'previous');
    assert.equal(press('ArrowUp'), 'previous');
    assert.equal(press('Enter'), 'open');
    assert.equal(press('/'), 'focus-filter');
    assert.equal(press(' '), 'toggle-follow');
    assert.equal(press('?'), 'help');
    assert.equal(press('Escape'), 'close');
    assert.equal(press('x'), undefined);
  });

  it('leaves keys typed in a field to the field, except Escape', () => {
    for (const key of ['j', '/', ' ', '?', 'Enter']) assert.equal(press(key, { inField: true }), undefined, key);
    assert.equal(press('Escape', { inField: true }), 'close');
  });

  it('leaves keys with a modifier to the browser', () => {
    assert.equal(press('k', { ctrlKey: true }), undefined);
    assert.equal(press('/', { metaKey: true }), undefined);
    assert.equal(press('j', { altKey: true }), undefined);
  });

  it('while the help is open, only ? and Escape work', () => {
    assert.equal(press('j', { helpOpen: true }), undefined);
    assert.equal(press('?', { helpOpen: true }), 'help');
    assert.equal(press('Escape', { helpOpen: true }), 'close');
  });

  it('lists every action once in the help table', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    assert.equal(new Set(actions).size, actions.length);
    assert.ok(SHORTCUTS.every((s) => s.description !== '' && s.label !== ''));
  });
});
