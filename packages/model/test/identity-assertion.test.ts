/**
 * The identity assertion the front signs and the hub verifies: what it carries, and every way a
 * forged, altered, expired or foreign one is refused.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AssertionError, identityKey, scopeAllows, signIdentity, verifyIdentity, type Identity } from '../dist/http.js';

const key = identityKey(randomBytes(32).toString('hex'), 'test');
const alice: Identity = { subject: 'alice', name: 'alice@example.test', groups: ['shop-devs'], namespaces: ['shop'], admin: false };
const T0 = Date.UTC(2026, 11, 8, 12, 0, 0);

function payload(assertion: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An assertion with the given header and claims, signed with `k`. */
function forge(k: Buffer, header: object, claims: object): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', k).update(input).digest('base64url')}`;
}

describe('identity assertion', () => {
  it('carries the identity from signer to verifier', () => {
    const assertion = signIdentity(key, alice, T0);
    assert.deepEqual(verifyIdentity(key, assertion, T0 + 1000), alice);
    const admin: Identity = { subject: 'root', groups: [], namespaces: '*', admin: true };
    assert.deepEqual(verifyIdentity(key, signIdentity(key, admin, T0), T0), admin);
    assert.equal(payload(assertion).exp, payload(assertion).iat as number + 60);
  });

  it('refuses another key, an altered payload and a bad shape', () => {
    const assertion = signIdentity(key, alice, T0);
    assert.throws(() => verifyIdentity(identityKey('x'.repeat(32), 'test'), assertion, T0), /wrong signature/);
    const [h, , s] = assertion.split('.');
    const widened = Buffer.from(JSON.stringify({ ...payload(assertion), ns: '*' })).toString('base64url');
    assert.throws(() => verifyIdentity(key, `${h}.${widened}.${s}`, T0), /wrong signature/);
    assert.throws(() => verifyIdentity(key, 'abc', T0), /compact JWS/);
    assert.throws(() => verifyIdentity(key, `${assertion}x`, T0), /wrong signature/);
    assert.throws(() => verifyIdentity(key, 'a'.repeat(20_000), T0), /too long/);
  });

  it('refuses alg none and any header but its own', () => {
    const claims = payload(signIdentity(key, alice, T0));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    assert.throws(() => verifyIdentity(key, none, T0), /not HS256/);
    assert.throws(() => verifyIdentity(key, forge(key, { alg: 'HS512', typ: 'JWT' }, claims), T0), /not HS256/);
  });

  it('refuses an expired assertion and one from the future, allowing 30 s of clock skew', () => {
    const assertion = signIdentity(key, alice, T0);
    assert.doesNotThrow(() => verifyIdentity(key, assertion, T0 + 89_000));
    assert.throws(() => verifyIdentity(key, assertion, T0 + 91_000), (err: unknown) => err instanceof AssertionError && /expired/.test(err.message));
    assert.doesNotThrow(() => verifyIdentity(key, assertion, T0 - 29_000));
    assert.throws(() => verifyIdentity(key, assertion, T0 - 31_000), /future/);
  });

  it('refuses a validly signed token made for something else or missing claims', () => {
    const claims = payload(signIdentity(key, alice, T0));
    const header = { alg: 'HS256', typ: 'JWT' };
    assert.throws(() => verifyIdentity(key, forge(key, header, { ...claims, aud: 'someone-else' }), T0), /not for the hub/);
    assert.throws(() => verifyIdentity(key, forge(key, header, { ...claims, iss: 'x' }), T0), /not for the hub/);
    assert.throws(() => verifyIdentity(key, forge(key, header, { ...claims, admin: 'yes' }), T0), /admin flag/);
    assert.throws(() => verifyIdentity(key, forge(key, header, { ...claims, ns: 'shop' }), T0), /namespaces/);
    assert.throws(() => verifyIdentity(key, forge(key, header, { ...claims, exp: undefined }), T0), /lifetime/);
  });

  it('needs a key of at least 32 bytes', () => {
    assert.throws(() => identityKey('short\n', 'key-file'), /key-file: the identity key has 5 bytes; at least 32/);
    assert.equal(identityKey(` ${'k'.repeat(32)}\n`, 'f').length, 32);
  });

  it('scopes to listed namespaces or all', () => {
    assert.equal(scopeAllows('*', 'any'), true);
    assert.equal(scopeAllows('*', undefined), true);
    assert.equal(scopeAllows(['shop'], 'shop'), true);
    assert.equal(scopeAllows(['shop'], 'bank'), false);
    assert.equal(scopeAllows(['shop'], undefined), false);
    assert.equal(scopeAllows(['shop'], ''), false);
  });
});
