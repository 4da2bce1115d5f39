/** A surrogate half without its partner: not text, and CEL refuses it in a `\u` escape. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A CEL string literal for any text, so a name taken from the traffic can go into a query. CEL
 * accepts JSON's escapes (\" \\ \n \t \uXXXX: cel-spec's lexical grammar), so JSON's quoting is
 * valid CEL once lone surrogates are replaced by U+FFFD.
 */
export function celString(text: string): string {
  return JSON.stringify(text.replace(LONE_SURROGATE, '\uFFFD'));
}
