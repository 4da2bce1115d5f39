import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftOf, fieldOfError, namespaceList, selectionOf } from '../src/domain/target-form.js';

describe('target form', () => {
  it('reads namespace lists separated by commas or spaces', () => {
    assert.deepEqual(namespaceList(' shop, db  kube-system,,'), ['shop', 'db', 'kube-system']);
    assert.deepEqual(namespaceList(''), []);
  });

  it('turns a selection into a draft and back', () => {
    const s = { podRegex: '^web-', namespaces: ['shop', 'db'], excludedNamespaces: [] };
    assert.deepEqual(selectionOf(draftOf(s)), s);
    assert.deepEqual(selectionOf(draftOf(null)), { podRegex: '.*', namespaces: [], excludedNamespaces: [] }, 'no selection yet: every pod');
    assert.equal(selectionOf({ podRegex: '', namespaces: '', excludedNamespaces: '' }).podRegex, '.*');
  });

  it("finds the field a hub error names", () => {
    assert.equal(fieldOfError('podRegex is not an RE2 regular expression: missing closing ): `(` (at character 1 of the pattern)'), 'podRegex');
    assert.equal(fieldOfError('excludedNamespaces must be an array of namespace names'), 'excludedNamespaces');
    assert.equal(fieldOfError('namespaces must be an array of namespace names'), 'namespaces');
    assert.equal(fieldOfError('request body over 1 MiB'), undefined);
  });
});
