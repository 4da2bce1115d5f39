/**
 * Regular expressions with RE2 semantics (https://github.com/google/re2/wiki/Syntax), the
 * syntax the CEL specification gives `matches()` and Kubeshark's KFL2 and `tap.regex` use.
 * Matching takes time linear in the subject: no pattern, however nested (`^(a+)+$`), can stall
 * the hub or a worker, as JavaScript's backtracking RegExp can. The one wrapper around the RE2
 * library (re2js, a pure JavaScript port of RE2: no native build, runs in the browser too);
 * used by the filter's `matches()` and by the hub's target `podRegex`.
 *
 * What RE2 refuses is what would need backtracking: backreferences (`\1`, `\k<name>`),
 * lookahead and lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`), atomic groups (`(?>`) and possessive
 * quantifiers (`a++`). A refusal says which construct, and where in the pattern it is.
 */

import { RE2JS, RE2JSSyntaxException } from 're2js';

/** A compiled pattern; `test` searches (not anchored), like RegExp.prototype.test. */
export interface Regex {
  test(subject: string): boolean;
}

/** Why RE2 refused a pattern, and where: a 0-based offset in the pattern and a length. */
export interface RegexProblem {
  reason: string;
  offset: number;
  length: number;
}

export type RegexResult = { ok: true; regex: Regex } | { ok: false; problem: RegexProblem };

/** How RE2 names a construct it refuses, and what to say instead (the first that fits wins). */
const REFUSED: { error: RegExp; input: RegExp; say: (input: string) => string; length?: (input: string) => number }[] = [
  {
    error: /escape sequence/, input: /^\\[1-9]/,
    say: (i) => `\`${i}\` is a backreference, which RE2 does not have (it matches in linear time)`,
  },
  {
    error: /escape sequence/, input: /^\\k$/,
    say: () => '`\\k<name>` is a backreference, which RE2 does not have (it matches in linear time)',
  },
  {
    error: /Perl syntax|named capture/, input: /^\(\?<?[=!]/,
    say: (i) => `\`${lookaround(i)}\` is a ${i.startsWith('(?<') ? 'lookbehind' : 'lookahead'}, which RE2 does not have (it matches in linear time)`,
    length: (i) => lookaround(i).length,
  },
  {
    error: /Perl syntax/, input: /^\(\?>/,
    say: () => '`(?>` is an atomic group, which RE2 does not have (it matches in linear time)',
  },
  {
    error: /nested repetition/, input: /^(?:[*+?]|\{\d*,?\d*\})\+$/,
    say: (i) => `\`${i}\` is a possessive quantifier, which RE2 does not have (it matches in linear time)`,
  },
  {
    error: /escape sequence/, input: /^\\Z$/,
    say: () => '`\\Z` is not RE2: use `\\z` (end of text) or `$`',
  },
  {
    error: /escape sequence/, input: /^\\[uc]$/,
    say: (i) => `\`${i}\` is not RE2: write a character by its code as \`\\x{41}\``,
  },
];

function lookaround(input: string): string {
  return input.startsWith('(?<') ? input.slice(0, 4) : input.slice(0, 3);
}

/** The first place `excerpt` occurs in `pattern` and is not itself escaped by a backslash. */
function offsetOf(pattern: string, excerpt: string): number {
  for (let at = pattern.indexOf(excerpt); at >= 0; at = pattern.indexOf(excerpt, at + 1)) {
    let slashes = 0;
    while (at - slashes > 0 && pattern[at - slashes - 1] === '\\') slashes++;
    if (slashes % 2 === 0) return at;
  }
  return 0;
}

function describe(pattern: string, err: RE2JSSyntaxException): RegexProblem {
  const input = err.input ?? '';
  const offset = offsetOf(pattern, input);
  const refused = REFUSED.find((r) => r.error.test(err.error) && r.input.test(input));
  if (refused) return { reason: refused.say(input), offset, length: refused.length?.(input) ?? input.length };
  return { reason: input === '' ? err.error : `${err.error}: \`${input}\``, offset, length: Math.max(1, input.length) };
}

/** Compiles `pattern` with RE2 semantics; a pattern RE2 refuses gives a problem, never a throw. */
export function compileRegex(pattern: string): RegexResult {
  try {
    return { ok: true, regex: RE2JS.compile(pattern) };
  } catch (err) {
    if (err instanceof RE2JSSyntaxException) return { ok: false, problem: describe(pattern, err) };
    throw err;
  }
}

/** How many patterns a RegexCache keeps. */
export const REGEX_CACHE_SIZE = 64;

/**
 * Compiled patterns computed at run time (`path.matches(request.headers.pattern)`), least
 * recently used dropped first, so a pattern that changes per entry neither recompiles for each
 * entry that repeats it nor grows memory without bound. Refusals are kept too.
 */
export class RegexCache {
  private readonly results = new Map<string, RegexResult>();

  constructor(private readonly capacity = REGEX_CACHE_SIZE) {}

  get(pattern: string): RegexResult {
    let result = this.results.get(pattern);
    if (result !== undefined) {
      this.results.delete(pattern); // re-inserted below: a Map keeps insertion order, oldest first
    } else {
      result = compileRegex(pattern);
      if (this.results.size >= this.capacity) this.results.delete(this.results.keys().next().value!);
    }
    this.results.set(pattern, result);
    return result;
  }

  get size(): number {
    return this.results.size;
  }
}
