/**
 * The bearer parser and the Origin rule that the worker and the hub share (docs/security.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerCheck, OriginCheck, bearerToken, isLoopbackHost, normaliseOrigin } from '../dist/http.js';

describe('bearerToken', () => {
  it('takes the token after the scheme, in any case, with blanks around it', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer \t abc.def-_~+/= \t'), 'abc.def-_~+/=');
    assert.equal(bearerToken('BEARER x'), 'x');
  });

  it('refuses other schemes, a missing blank and a missing header', () => {
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken('Bearerabc'), undefined);
    assert.equal(bearerToken('Bearer'), undefined);
    assert.equal(bearerToken('Bear abc'), undefined);
  });

  it('reads a 16 KiB header of blanks (the header the old regex was quadratic on) to the end', () => {
    const blanks = ' \t'.repeat(8192);
    assert.equal(bearerToken(`Bearer ${blanks}x${blanks}`), 'x');
    assert.equal(bearerToken(`Bearer ${blanks}`), '');
  });
});

describe('BearerCheck', () => {
  const check = new BearerCheck('s3cret');

  it('allows the right token only', () => {
    assert.equal(check.allows({ authorization: 'Bearer s3cret' }), true);
    assert.equal(check.allows({ authorization: 'bearer  s3cret ' }), true);
    assert.equal(check.allows({ authorization: 'Bearer s3cre' }), false);
    assert.equal(check.allows({ authorization: 'Bearer s3cret2' }), false);
    assert.equal(check.allows({ authorization: 's3cret' }), false);
    assert.equal(check.allows({}), false);
    assert.equal(check.open, false);
  });

  it('takes the token from X-Shoal-Token too (the API server removes Authorization before it proxies), and that header wins', () => {
    assert.equal(check.allows({ 'x-shoal-token': 's3cret' }), true);
    assert.equal(check.allows({ 'x-shoal-token': 's3cre' }), false);
    assert.equal(check.allows({ 'x-shoal-token': 'wrong', authorization: 'Bearer s3cret' }), false);
    assert.equal(check.allows({ 'x-shoal-token': ['s3cret', 's3cret'] }), false);
  });

  it('an empty expected token still needs the header', () => {
    const empty = new BearerCheck('');
    assert.equal(empty.allows({}), false);
    assert.equal(empty.allows({ authorization: 'Bearer ' }), true);
  });

  it('without a token everything is allowed (a loopback hub without --token-file)', () => {
    const open = new BearerCheck(undefined);
    assert.equal(open.open, true);
    assert.equal(open.allows({}), true);
  });
});

describe('OriginCheck', () => {
  const check = new OriginCheck(['https://Dash.Example:443']);

  it('lets programs through: they send no Origin', () => {
    assert.equal(check.refusal({ host: '127.0.0.1:8898' }), undefined);
  });

  it('allows the service\'s own origin and the listed ones', () => {
    assert.equal(check.refusal({ host: '127.0.0.1:8898', origin: 'http://127.0.0.1:8898' }), undefined);
    assert.equal(check.refusal({ host: 'LOCALHOST:8898', origin: 'http://localhost:8898' }), undefined);
    assert.equal(check.refusal({ host: 'hub:8898', origin: 'https://dash.example' }), undefined);
  });

  it('refuses a foreign page, a sandboxed one, another port, and junk', () => {
    assert.match(check.refusal({ host: '127.0.0.1:8898', origin: 'https://evil.example' }) ?? '', /Origin https:\/\/evil\.example is not allowed.*--allowed-origin https:\/\/evil\.example/);
    assert.notEqual(check.refusal({ host: '127.0.0.1:8898', origin: 'null' }), undefined);
    assert.notEqual(check.refusal({ host: '127.0.0.1:8898', origin: 'http://127.0.0.1:8899' }), undefined);
    assert.notEqual(check.refusal({ host: '127.0.0.1:8898', origin: 'file:///etc' }), undefined);
    assert.notEqual(check.refusal({ origin: 'http://127.0.0.1:8898' }), undefined);
  });

  it('normalises origins and knows loopback addresses', () => {
    assert.equal(normaliseOrigin('HTTPS://A.example:443/'), 'https://a.example');
    assert.equal(normaliseOrigin('ftp://a'), undefined);
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('127.3.0.9'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
    assert.equal(isLoopbackHost('::'), false);
  });
});
