/**
 * docs/filter.md and the code say the same thing: every variable the doc lists is in the catalog
 * with the same type and vice versa; every example in the doc's tables compiles; the error codes
 * in the doc are the package's.
 */

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileFilter, FilterErrorCodes, VARIABLES } from '@shoal/filter';

const DOC = fs.readFileSync(fileURLToPath(new URL('../../../docs/filter.md', import.meta.url)), 'utf8');

/** The text of a `## Title` section, up to the next `## ` heading. */
function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `docs/filter.md has a "## ${title}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** Cells of the body rows of every table in `text` (header and separator rows dropped). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('|---'))
    .map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()))
    .filter((cells) => !['Variable', 'Function', 'Code', 'Operators'].includes(cells[0]!));
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** CEL type as the doc's short column spells it. */
const docType = (t: string): string => (t.startsWith('list<') ? 'list' : t.startsWith('map<') ? 'map' : t);

describe('docs/filter.md', () => {
  const documented = new Map<string, { type: string; example: string }>();
  for (const [names, type, , example] of rows(section('Variables'))) {
    for (const name of codeSpans(names!)) documented.set(name, { type: type!, example: codeSpans(example!)[0] ?? '' });
  }

  it('lists every catalog variable, with its type', () => {
    for (const v of VARIABLES) {
      const d = documented.get(v.name);
      assert.ok(d, `${v.name} is documented`);
      assert.equal(d.type, docType(v.type), `type of ${v.name}`);
    }
  });

  it('lists nothing the catalog does not know', () => {
    const known = new Set(VARIABLES.map((v) => v.name));
    assert.deepEqual([...documented.keys()].filter((n) => !known.has(n)), []);
  });

  it('every example in the variable and function tables compiles', () => {
    const examples = [...documented.values()].map((d) => d.example);
    for (const [, example] of rows(section('Functions and macros'))) examples.push(codeSpans(example!)[0] ?? '');
    assert.ok(examples.length > 40);
    for (const ex of examples) {
      assert.notEqual(ex, '');
      assert.doesNotThrow(() => compileFilter(ex), ex);
    }
  });

  it('the code blocks of the introduction compile', () => {
    const intro = DOC.slice(0, DOC.indexOf('\n## '));
    const block = /```\n([\s\S]*?)```/.exec(intro)?.[1] ?? '';
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length >= 3);
    for (const l of lines) assert.doesNotThrow(() => compileFilter(l), l);
  });

  it('documents exactly the package error codes', () => {
    const codes = rows(section('Errors')).map((r) => codeSpans(r[0]!)[0]).filter((c) => c?.startsWith('FLT_'));
    assert.deepEqual(codes.sort(), Object.keys(FilterErrorCodes).sort());
  });

  it('shows error messages as the code prints them', () => {
    const samples: [string, string][] = [
      ['status_code === 200', 'expected `==` to compare, found `=` (CEL has no `=` or `===`) (at 1:15)'],
      ['src.prot == 80', '`src` has no field `prot`; did you mean `port`?; it has `ip`, `port`,'],
      ['status_code == "200"', 'type mismatch: no such overload: int == string; numbers are written without quotes (at 1:1)'],
      ['path.matches(r"(\\w+)/\\1")', 'expected an RE2 regular expression for matches(): `\\1` is a backreference, which RE2 does not have (it matches in linear time) (at 1:22)'],
    ];
    for (const [filter, shown] of samples) {
      assert.ok(DOC.includes(shown), `the doc shows: ${shown}`);
      assert.throws(() => compileFilter(filter), (err: Error) => err.message.includes(shown.replace(/,$/, '')));
    }
    const printed = /```\n(unknown variable[\s\S]*?)```/.exec(section('Errors'))?.[1] ?? '';
    const blocks = printed.trim().split('\n\n');
    assert.equal(blocks.length, 3);
    for (const b of blocks) {
      const excerpt = b.split('\n').slice(1);
      const filter = excerpt[0]!.slice(2);
      const lines = ['http &&', '  status_code >= 500 &&', filter];
      const text = b.includes('(at 3:') ? lines.join('\n') : filter;
      assert.throws(() => compileFilter(text), (err: Error) => err.message === b, b);
    }
  });
});
