import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64Bytes, bodyKind, bodyNotes, formFields, imageDataUrl, mediaType } from '../src/domain/body-format.js';
import { hexDump } from '../src/domain/hex-dump.js';
import { formatJson, type JsonLine } from '../src/domain/json-format.js';
import { formatMarkup } from '../src/domain/markup-format.js';

/** The printed text of formatted JSON, two spaces an indent. */
const print = (lines: JsonLine[]): string => lines.map((l) => '  '.repeat(l.indent) + l.tokens.map((t) => t.text).join('')).join('\n');

describe('bodyKind', () => {
  it('goes by the media type, then sniffs vague ones', () => {
    assert.equal(mediaType({ 'content-type': 'Application/JSON; charset=utf-8' }), 'application/json');
    assert.equal(mediaType(undefined), '');
    assert.equal(bodyKind('application/json', '{}', false), 'json');
    assert.equal(bodyKind('application/vnd.api+json', '{}', false), 'json');
    assert.equal(bodyKind('application/x-ndjson', '{}\n{}', false), 'json');
    assert.equal(bodyKind('application/x-www-form-urlencoded', 'a=1', false), 'form');
    assert.equal(bodyKind('text/html', '<p>', false), 'html');
    assert.equal(bodyKind('application/soap+xml', '<a/>', false), 'xml');
    assert.equal(bodyKind('image/png', 'iVBO', true), 'image');
    assert.equal(bodyKind('image/svg+xml', '<svg/>', false), 'image');
    assert.equal(bodyKind('application/octet-stream', 'AAEC', true), 'binary');
    assert.equal(bodyKind('', ' [1,2]', false), 'json');
    assert.equal(bodyKind('text/plain', '<!DOCTYPE html><html>', false), 'html');
    assert.equal(bodyKind('', '<a/>', false), 'xml');
    assert.equal(bodyKind('text/plain', 'hello', false), 'text');
  });
});

describe('formatJson', () => {
  it('indents and tags keys, strings, numbers, literals and punctuation', () => {
    const lines = formatJson('{"a":1,"b":[true,null,"x"],"c":{},"d":[]}');
    assert.equal(print(lines), '{\n  "a": 1,\n  "b": [\n    true,\n    null,\n    "x"\n  ],\n  "c": {},\n  "d": []\n}');
    assert.deepEqual(lines[1]!.tokens, [
      { kind: 'key', text: '"a"' },
      { kind: 'punct', text: ': ' },
      { kind: 'number', text: '1' },
      { kind: 'punct', text: ',' },
    ]);
    assert.equal(lines[3]!.tokens[0]!.kind, 'literal');
    assert.equal(lines[5]!.tokens[0]!.kind, 'string');
  });

  it('keeps the text as sent: big numbers, escapes, duplicate keys', () => {
    assert.equal(print(formatJson('{"n": 12345678901234567890, "s": "a\\"b,{c}", "n": -1.5e3}')), '{\n  "n": 12345678901234567890,\n  "s": "a\\"b,{c}",\n  "n": -1.5e3\n}');
  });

  it('prints a cut body as far as it goes, and NDJSON one value after the other', () => {
    assert.equal(print(formatJson('{"a":[1,2')), '{\n  "a": [\n    1,\n    2');
    assert.equal(print(formatJson('{"a":1}\n{"a":2}\n')), '{\n  "a": 1\n}\n{\n  "a": 2\n}');
    assert.equal(print(formatJson('"just a string"')), '"just a string"');
  });
});

describe('formatMarkup', () => {
  it('indents XML by element, leaving declarations, comments and empty elements flat', () => {
    const xml = '<?xml version="1.0"?><a x="1>2"><!-- c --><b>text</b><c/></a>';
    assert.equal(formatMarkup(xml, false), '<?xml version="1.0"?>\n<a x="1>2">\n  <!-- c -->\n  <b>\n    text\n  </b>\n  <c/>\n</a>');
  });

  it('knows HTML void elements and keeps script content as sent', () => {
    const html = '<!doctype html><html><head><meta charset="utf-8"><script>if (a < b) { go(); }</script></head><body><br><p>Hi  there</p></body></html>';
    assert.equal(
      formatMarkup(html, true),
      ['<!doctype html>', '<html>', '  <head>', '    <meta charset="utf-8">', '    <script>', '      if (a < b) { go(); }', '    </script>', '  </head>', '  <body>', '    <br>', '    <p>', '      Hi there', '    </p>', '  </body>', '</html>'].join('\n'),
    );
  });
});

describe('form, image and binary bodies', () => {
  it('decodes form fields in order', () => {
    assert.deepEqual(formFields('a=1&b=x%20y&c=%E2%9C%93+z&a=2'), [
      ['a', '1'],
      ['b', 'x y'],
      ['c', '✓ z'],
      ['a', '2'],
    ]);
  });

  it('makes data URLs for base64 and SVG text', () => {
    assert.equal(imageDataUrl('image/png', 'iVBORw0K', true), 'data:image/png;base64,iVBORw0K');
    assert.equal(imageDataUrl('image/svg+xml', '<svg>é</svg>', false), `data:image/svg+xml;base64,${Buffer.from('<svg>é</svg>').toString('base64')}`);
  });

  it('dumps bytes as offset, hex and ASCII, 16 a line, up to a limit', () => {
    const bytes = base64Bytes(Buffer.from('HTTP/1.1 200 OK\r\n\x00\xff').toString('base64'));
    const { lines, cut } = hexDump(bytes);
    assert.equal(lines[0], '00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|');
    assert.equal(lines[1], `00000010  0a 00 c3 bf${' '.repeat(39)}|....|`);
    assert.equal(cut, false);
    const big = hexDump(new Uint8Array(100), 2);
    assert.equal(big.lines.length, 2);
    assert.equal(big.cut, true);
  });
});

describe('bodyNotes', () => {
  it('says what was decoded, what failed to decode, and where the body was cut', () => {
    assert.deepEqual(bodyNotes({ body: '{}', bodySize: 10 }), []);
    assert.deepEqual(bodyNotes({ body: 'abc', bodySize: 30, contentEncoding: 'gzip', decodedSize: 3 }), [{ text: 'decoded from gzip: 30 bytes on the wire, 3 decoded', level: 'info' }]);
    assert.deepEqual(bodyNotes({ body: 'H4sI', bodyEncoding: 'base64', bodySize: 3, contentEncoding: 'gzip', decodeError: 'unexpected end of file' }), [
      { text: 'not decoded (gzip): unexpected end of file; shown as captured', level: 'warning' },
    ]);
    assert.deepEqual(bodyNotes({ body: 'é'.repeat(4), bodySize: 100000, truncated: true }), [{ text: 'body truncated at 8 bytes of 100000', level: 'warning' }]);
  });
});
