import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryRow } from '../src/domain/entry-row.js';
import { applySuggestion, completionContext, literalFor, suggestions, MAX_SUGGESTIONS } from '../src/domain/filter-completion.js';
import { SeenValues } from '../src/domain/seen-values.js';

const side = (pod: string, namespace: string) => ({ label: pod, ip: '10.0.0.1', port: 80, pod, namespace, service: `${pod.split('-')[0]}` });
const row = (method: string, status: number, src: string, dst: string): EntryRow => ({
  kind: 'entry', id: `${method}${status}${src}${dst}`, stream: 's', timestamp: 0, elapsedMs: 1, protocol: 'http', abbr: 'HTTP', method, status, text: '/', result: 'ok',
  src: side(src, 'shop'), dst: side(dst, 'payments'), node: 'n', bytes: 1, malformed: false,
});
const SEEN = new SeenValues([row('GET', 200, 'cart-1', 'ledger-1'), row('GET', 404, 'cart-1', 'ledger-2'), row('POST', 200, 'web-1', 'ledger-1')]);

/** The caret is where `|` is. */
function at(marked: string) {
  const caret = marked.indexOf('|');
  const text = marked.replace('|', '');
  return { text, caret, context: completionContext(text, caret) };
}

describe('completionContext', () => {
  it('completes a name being typed, dots included', () => {
    assert.deepEqual(at('http && src.po|').context, { kind: 'variable', prefix: 'src.po', start: 8, end: 14 });
    assert.deepEqual(at('src.|').context, { kind: 'variable', prefix: 'src.', start: 0, end: 4 });
    assert.deepEqual(at('stat|us_code').context, { kind: 'variable', prefix: 'stat', start: 0, end: 11 });
  });

  it('offers names where an operand starts, not after one', () => {
    assert.deepEqual(at('|').context, { kind: 'variable', prefix: '', start: 0, end: 0 });
    assert.deepEqual(at('http && |').context, { kind: 'variable', prefix: '', start: 8, end: 8 });
    assert.deepEqual(at('http and (|').context, { kind: 'variable', prefix: '', start: 10, end: 10 });
    assert.equal(at('http |').context, undefined);
    assert.equal(at('status_code >= 5|').context, undefined);
  });

  it('completes a value after `variable ==`, inside its string or before it', () => {
    assert.deepEqual(at('dst.namespace == |').context, { kind: 'value', variable: 'dst.namespace', prefix: '', start: 17, end: 17 });
    assert.deepEqual(at('method != "PO|"').context, { kind: 'value', variable: 'method', prefix: 'PO', start: 10, end: 14 });
    assert.deepEqual(at('method == "G|').context, { kind: 'value', variable: 'method', prefix: 'G', start: 10, end: 12 });
    assert.equal(at('method == "GET"|').context, undefined, 'after the closing quote the value is done');
  });

  it('offers nothing inside a string that is not compared with a variable', () => {
    assert.equal(at('path.startsWith("/a|")').context, undefined);
  });
});

describe('suggestions', () => {
  it('ranks variables starting with the text first, shorter first, each with type and meaning', () => {
    const list = suggestions(at('st|').context!, SEEN);
    assert.equal(list[0]!.label, 'stream');
    assert.deepEqual(list.slice(0, 2).map((s) => s.label), ['stream', 'status_code']);
    assert.equal(list[1]!.detail, 'int');
    assert.match(list[1]!.description, /response status/);
    assert.ok(list.some((s) => s.label === 'dst.ip'), 'names containing the text follow');
  });

  it('lists at most MAX_SUGGESTIONS', () => {
    assert.equal(suggestions(at('|').context!, SEEN).length, MAX_SUGGESTIONS);
  });

  it('offers values seen, most frequent first, written as the variable needs', () => {
    // Pods of either side: a pod seen as a client is as likely a server in the next filter.
    assert.deepEqual(suggestions(at('dst.pod.name == |').context!, SEEN).map((s) => s.insert), ['"cart-1"', '"ledger-1"', '"ledger-2"', '"web-1"']);
    assert.deepEqual(suggestions(at('status_code == |').context!, SEEN).map((s) => [s.insert, s.detail]), [['200', 'seen 2×'], ['404', 'seen 1×']]);
    assert.deepEqual(suggestions(at('method == "P|').context!, SEEN).map((s) => s.label), ['POST']);
    assert.deepEqual(suggestions(at('src.namespace == |').context!, SEEN).map((s) => s.label), ['payments', 'shop']);
    assert.deepEqual(suggestions(at('path == |').context!, SEEN), []);
  });

  it('quotes strings with JSON escapes', () => {
    assert.equal(literalFor('method', 'a"b'), '"a\\"b"');
    assert.equal(literalFor('status_code', '503'), '503');
  });
});

describe('applySuggestion', () => {
  it('replaces the typed name and leaves the caret after it', () => {
    const { text, context } = at('http && src.po| || x');
    const s = suggestions(context!, SEEN).find((x) => x.label === 'src.pod.name')!;
    assert.deepEqual(applySuggestion(text, context!, s), { text: 'http && src.pod.name || x', caret: 20 });
  });

  it('replaces a value string whole and puts the caret after a space', () => {
    const { text, context } = at('method == "P|" && http');
    assert.deepEqual(applySuggestion(text, context!, suggestions(context!, SEEN)[0]!), { text: 'method == "POST" && http', caret: 17 });
    const end = at('status_code == |');
    assert.deepEqual(applySuggestion(end.text, end.context!, suggestions(end.context!, SEEN)[0]!), { text: 'status_code == 200 ', caret: 19 });
  });
});
