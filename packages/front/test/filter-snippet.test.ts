import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { celString } from '../src/domain/cel-literal.js';
import { addTerm, endpointTerm, memberTerm, termText, variableTerm } from '../src/domain/filter-snippet.js';

describe('celString', () => {
  it('quotes with double quotes and escapes what CEL requires', () => {
    assert.equal(celString('GET'), '"GET"');
    assert.equal(celString('say "hi"'), '"say \\"hi\\""');
    assert.equal(celString('C:\\dir'), '"C:\\\\dir"');
    assert.equal(celString('a\nb\tc\rd'), '"a\\nb\\tc\\rd"');
    assert.equal(celString('\x00\x1b'), '"\\u0000\\u001b"');
    assert.equal(celString("it's é 🙂"), '"it\'s é 🙂"');
  });
});

describe('termText', () => {
  it('writes strings quoted and numbers bare, == or !=', () => {
    assert.equal(termText(variableTerm('method', 'POST')), 'method == "POST"');
    assert.equal(termText(variableTerm('status_code', 404), true), 'status_code != 404');
    assert.equal(termText(variableTerm('src.pod.name', 'cart-7d9f')), 'src.pod.name == "cart-7d9f"');
  });

  it('tests a header is there before reading it, so != keeps entries without it', () => {
    const h = { kind: 'header', side: 'request', name: 'x-id', value: '4"2' } as const;
    assert.equal(termText(h), '"x-id" in request.headers && request.headers["x-id"] == "4\\"2"');
    assert.equal(termText(h, true), '!("x-id" in request.headers && request.headers["x-id"] == "4\\"2")');
  });

  it('writes a value of a list variable as `in`, negated whole', () => {
    assert.equal(termText(memberTerm('dns_answers', '10.0.0.1')), '"10.0.0.1" in dns_answers');
    assert.equal(termText(memberTerm('dns_questions', 'a"b'), true), '!("a\\"b" in dns_questions)');
  });
});

describe('addTerm', () => {
  const get = variableTerm('method', 'GET');

  it('makes the term the whole query when there is none (or only comments)', () => {
    assert.equal(addTerm('', get), 'method == "GET"');
    assert.equal(addTerm('   ', get, true), 'method != "GET"');
    assert.equal(addTerm('// nothing yet\n', get), 'method == "GET"');
  });

  it('joins with && and no parentheses when the query has no looser operator at the top', () => {
    assert.equal(addTerm('http', get), 'http && method == "GET"');
    assert.equal(addTerm('http && (status_code == 500 || status_code == 503)', get), 'http && (status_code == 500 || status_code == 503) && method == "GET"');
    assert.equal(addTerm('summary.contains("a || b")', get), 'summary.contains("a || b") && method == "GET"');
    assert.equal(addTerm("path == 'x ? y'", get), "path == 'x ? y' && method == \"GET\"");
    assert.equal(addTerm('request.headers.or == "1"', get), 'request.headers.or == "1" && method == "GET"');
  });

  it('puts a query with || (or KFL1 or, or ?:) at the top in parentheses', () => {
    assert.equal(addTerm('status_code == 500 || status_code == 503', get), '(status_code == 500 || status_code == 503) && method == "GET"');
    assert.equal(addTerm('tcp or udp', get), '(tcp or udp) && method == "GET"');
    assert.equal(addTerm('http ? status_code > 0 : true', get), '(http ? status_code > 0 : true) && method == "GET"');
    // In a raw string a backslash escapes nothing: the || after it is outside the string.
    assert.equal(addTerm('path == r"\\" || http', get), '(path == r"\\" || http) && method == "GET"');
  });

  it('starts a new line after a query ending in a comment', () => {
    assert.equal(addTerm('http // only http', get), 'http // only http\n&& method == "GET"');
    assert.equal(addTerm('tcp || udp // flows', get), '(tcp || udp // flows\n) && method == "GET"');
    assert.equal(addTerm('path == "//x"', get), 'path == "//x" && method == "GET"');
  });
});

describe('endpointTerm', () => {
  it('names a side as the row does: pod, else service, else name, else IP', () => {
    assert.deepEqual(endpointTerm('src', { ip: '10.0.0.1', pod: 'cart-1', service: 'cart' }), variableTerm('src.pod.name', 'cart-1'));
    assert.deepEqual(endpointTerm('dst', { ip: '10.0.0.2', service: 'kube-dns' }), variableTerm('dst.service.name', 'kube-dns'));
    assert.deepEqual(endpointTerm('dst', { ip: '10.0.0.2', name: 'db' }), variableTerm('dst.name', 'db'));
    assert.deepEqual(endpointTerm('src', { ip: '::1', pod: '' }), variableTerm('src.ip', '::1'));
  });
});
