import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from '../src/domain/filter-tokens.js';

/** `kind:text` for every token but spaces. */
const kinds = (text: string) => tokenize(text).filter((t) => t.kind !== 'space').map((t) => `${t.kind}:${t.text}`);

describe('tokenize', () => {
  it('covers the text end to end, spaces included', () => {
    for (const text of ['http && status_code >= 500', '  a  ', 'path.matches(r"^/x\\d")', 'x == "open', '']) {
      const tokens = tokenize(text);
      assert.equal(tokens.map((t) => t.text).join(''), text);
      tokens.forEach((t, i) => assert.equal(t.start, i === 0 ? 0 : tokens[i - 1]!.end));
    }
  });

  it('tells variables, operators, numbers and strings apart', () => {
    assert.deepEqual(kinds('http && status_code >= 500 || method != "GET"'), [
      'variable:http', 'operator:&&', 'variable:status_code', 'operator:>=', 'number:500', 'operator:||', 'variable:method', 'operator:!=', 'string:"GET"',
    ]);
  });

  it('follows dotted names through the catalog; unknown fields are plain names', () => {
    assert.deepEqual(kinds('src.pod.name'), ['variable:src', 'punctuation:.', 'variable:pod', 'punctuation:.', 'variable:name']);
    assert.deepEqual(kinds('request.headers.cookie'), ['variable:request', 'punctuation:.', 'variable:headers', 'punctuation:.', 'name:cookie']);
  });

  it('marks calls as functions, including methods after a dot', () => {
    assert.deepEqual(kinds('has(request.body) && path.startsWith("/a")'), [
      'function:has', 'punctuation:(', 'variable:request', 'punctuation:.', 'name:body', 'punctuation:)', 'operator:&&',
      'variable:path', 'punctuation:.', 'function:startsWith', 'punctuation:(', 'string:"/a"', 'punctuation:)',
    ]);
  });

  it('knows the KFL1 aliases and literals as keywords, but not as fields', () => {
    assert.deepEqual(kinds('http and not malformed or true'), ['variable:http', 'keyword:and', 'keyword:not', 'variable:malformed', 'keyword:or', 'keyword:true']);
    assert.deepEqual(kinds('"x" in request.headers.and'), ['string:"x"', 'keyword:in', 'variable:request', 'punctuation:.', 'variable:headers', 'punctuation:.', 'name:and']);
  });

  it('reads string forms: raw, bytes, single quotes, triple quotes, escapes, unterminated', () => {
    assert.deepEqual(kinds(`r"\\d" b'x' """a"b""" "q\\"q"`), ['string:r"\\d"', "string:b'x'", 'string:"""a"b"""', 'string:"q\\"q"']);
    assert.deepEqual(kinds('path == "/api'), ['variable:path', 'operator:==', 'string:"/api']);
  });

  it('reads numbers and comments', () => {
    assert.deepEqual(kinds('2.5 200u 0x1F 1e3 // done'), ['number:2.5', 'number:200u', 'number:0x1F', 'number:1e3', 'comment:// done']);
  });

  it('marks characters CEL does not have', () => {
    assert.deepEqual(kinds('a # b'), ['name:a', 'unknown:#', 'name:b']);
  });
});
