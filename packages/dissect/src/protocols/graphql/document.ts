/**
 * The operations of a GraphQL document, read at the level of its tokens (GraphQL spec, October
 * 2021, §2 "Language"): enough to tell that a text is an executable document and which
 * operations it defines, not a full parser (selections, arguments and fragments are skipped as
 * balanced token runs; a selection set must open with a field or a fragment).
 *
 *   Document            → Definition+
 *   ExecutableDefinition → OperationDefinition | FragmentDefinition                 (§2.2)
 *   OperationDefinition → OperationType Name? VariableDefinitions? Directives? SelectionSet
 *                        | SelectionSet                     (the query shorthand, §2.3)
 *   OperationType       → query | mutation | subscription
 *   FragmentDefinition  → fragment FragmentName TypeCondition Directives? SelectionSet (§2.8)
 *
 * Tokens (§2.1): ignored are the BOM, white space, line terminators, commas and `#` comments;
 * punctuators `! $ & ( ) ... : = @ [ ] { | }`; names `/[_A-Za-z][_0-9A-Za-z]*`; numbers; strings
 * `"…"` (with `\` escapes) and block strings `"""…"""` (with `\"""`). A document with a type system
 * definition (`type`, `schema`, …) is not executable: not a request.
 */

import type { GraphqlOperationType } from '@shoal/model';

export interface Operation {
  type: GraphqlOperationType;
  name?: string;
}

const T_EOF = 0;
const T_PUNCT = 1;
const T_NAME = 2;
const T_OTHER = 3;
const T_SPREAD = 4;

class Lexer {
  pos = 0;
  kind = T_EOF;
  /** The punctuator's character code, or the name's text. */
  punct = 0;
  name = '';

  constructor(private readonly s: string) {}

  /** Reads the next token; false when the text is not GraphQL tokens. */
  next(): boolean {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2c || c === 0xfeff) p++;
      else if (c === 0x23 /* # */) {
        while (p < s.length && s.charCodeAt(p) !== 0x0a && s.charCodeAt(p) !== 0x0d) p++;
      } else break;
    }
    if (p >= s.length) {
      this.pos = p;
      this.kind = T_EOF;
      return true;
    }
    const c = s.charCodeAt(p);
    if (isNameStart(c)) {
      let e = p + 1;
      while (e < s.length && isNameContinue(s.charCodeAt(e))) e++;
      this.kind = T_NAME;
      this.name = s.slice(p, e);
      this.pos = e;
      return true;
    }
    if (c === 0x22 /* " */) return this.string(p);
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let e = p + 1;
      // IntValue / FloatValue: digits, sign, `.`, exponent; validated no further than that.
      while (e < s.length && /[0-9.eE+-]/.test(s[e]!)) e++;
      this.kind = T_OTHER;
      this.pos = e;
      return true;
    }
    if (c === 0x2e /* . */) {
      if (s.startsWith('...', p)) {
        this.kind = T_SPREAD;
        this.pos = p + 3;
        return true;
      }
      return false;
    }
    if ('!$&()[]{}:=@|'.includes(s[p]!)) {
      this.kind = T_PUNCT;
      this.punct = c;
      this.pos = p + 1;
      return true;
    }
    return false;
  }

  private string(p: number): boolean {
    const s = this.s;
    this.kind = T_OTHER;
    if (s.startsWith('"""', p)) {
      for (let e = p + 3; e < s.length; e++) {
        if (s.startsWith('\\"""', e)) e += 3;
        else if (s.startsWith('"""', e)) {
          this.pos = e + 3;
          return true;
        }
      }
      return false;
    }
    for (let e = p + 1; e < s.length; e++) {
      const c = s.charCodeAt(e);
      if (c === 0x5c /* \ */) e++;
      else if (c === 0x22) {
        this.pos = e + 1;
        return true;
      } else if (c === 0x0a || c === 0x0d) return false;
    }
    return false;
  }
}

const isNameStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNameContinue = (c: number): boolean => isNameStart(c) || (c >= 0x30 && c <= 0x39);

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;

/** The operations a document defines, in order; null when it is not an executable document. */
export function documentOperations(text: string): Operation[] | null {
  const lex = new Lexer(text);
  const ops: Operation[] = [];
  for (;;) {
    if (!lex.next()) return null;
    if (lex.kind === T_EOF) return ops.length > 0 ? ops : null;
    if (lex.kind === T_PUNCT && lex.punct === OPEN_BRACE) {
      if (!skipSelectionSet(lex)) return null;
      ops.push({ type: 'query' });
      continue;
    }
    if (lex.kind !== T_NAME) return null;
    const word = lex.name;
    if (word === 'query' || word === 'mutation' || word === 'subscription') {
      const op: Operation = { type: word };
      if (!lex.next()) return null;
      if (lex.kind === T_NAME) {
        op.name = lex.name;
        if (!lex.next()) return null;
      }
      if (!toSelectionSet(lex) || !skipSelectionSet(lex)) return null;
      ops.push(op);
    } else if (word === 'fragment') {
      if (!lex.next() || !toSelectionSet(lex) || !skipSelectionSet(lex)) return null;
    } else return null;
  }
}

/**
 * From the current token, past variable definitions and directives (whose default values and
 * arguments may hold braces, inside parentheses), to the `{` that opens the selection set.
 */
function toSelectionSet(lex: Lexer): boolean {
  let parens = 0;
  for (;;) {
    if (lex.kind === T_EOF) return false;
    if (lex.kind === T_PUNCT) {
      if (lex.punct === OPEN_PAREN) parens++;
      else if (lex.punct === CLOSE_PAREN) {
        if (--parens < 0) return false;
      } else if (lex.punct === OPEN_BRACE && parens === 0) return true;
    }
    if (!lex.next()) return false;
  }
}

/**
 * The current token is the `{` of a selection set: reads to its matching `}`. A selection set is
 * not empty and starts with a field (a name) or a fragment (`...`), §2.4: so a JSON object is
 * not taken for the query shorthand.
 */
function skipSelectionSet(lex: Lexer): boolean {
  const first = lex.next() ? lex.kind : -1;
  if (first !== T_NAME && first !== T_SPREAD) return false;
  let depth = 1;
  while (depth > 0) {
    if (!lex.next() || lex.kind === T_EOF) return false;
    if (lex.kind === T_PUNCT) {
      if (lex.punct === OPEN_BRACE) depth++;
      else if (lex.punct === CLOSE_BRACE) depth--;
    }
  }
  return true;
}
