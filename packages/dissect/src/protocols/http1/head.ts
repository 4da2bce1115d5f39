/**
 * Head parsing: start line and field lines of a complete head, from its latin1 text (RFC 9112
 * §2.2: a message is parsed as octets in a superset of US-ASCII; latin1 maps each byte to one
 * char, so string offsets are byte offsets). The caller has already found where the head ends
 * and has checked the start line with probe.ts, so this only splits and records.
 */

import { ErrorCodes } from '@shoal/model';
import { fieldName, sharedSlice } from './field-names.js';
import type { Http1Message } from './message.js';
import { START_LINE_WINDOW } from './probe.js';

const CR = 13;
const SP = 32;
const HTAB = 9;

/**
 * The fields the parser reads itself (body framing, content coding, protocol switch; the content
 * type that says whether a body may carry GraphQL) or hands to the protocol switched to (the
 * WebSocket extensions a 101 accepted: UpgradeHandshake): recorded even when the header record
 * is not wanted. Their name lengths let other lines skip the lookup.
 */
export const PARSER_FIELDS: readonly string[] = ['content-length', 'transfer-encoding', 'content-encoding', 'upgrade', 'content-type', 'sec-websocket-extensions'];
/** PARSER_FIELD_LENGTH[n] is 1 when a parser field has a name of n characters. */
const PARSER_FIELD_LENGTH = new Uint8Array(32);
for (const name of PARSER_FIELDS) PARSER_FIELD_LENGTH[name.length] = 1;

/** `HTTP/1.0` … `HTTP/1.9`, shared by every message. */
const VERSIONS = Array.from({ length: 10 }, (_, minor) => `HTTP/1.${minor}`);
const COMMON_METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS'];
const COMMON_REASONS = ['OK', 'Not Found', 'Not Modified', 'No Content', 'Created', 'Found', 'Bad Request'];

/** Marks field lines not recorded, so that their obs-fold continuations are skipped too. */
const SKIPPED = '';

/**
 * Parse the head at the start of `s` into `msg`. Returns the head's length through its empty
 * line; -1 if `s` holds no empty line; -2 if the start line is not valid. Problems in field
 * lines flag the message (DIS_ERR_SYNTAX) and are skipped: the framing may still be usable.
 * `allFields` false: `msg.headers` receives only PARSER_FIELDS (every line is still checked).
 */
export function parseHead(s: string, msg: Http1Message, allFields: boolean): number {
  const lf = s.indexOf('\n');
  if (lf < 0) return -1;
  const le = lf > 0 && s.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
  if (msg.isRequest) {
    const sp1 = s.indexOf(' ');
    const sp2 = s.lastIndexOf(' ', le - 1);
    if (sp1 < 0 || sp2 <= sp1 + 1 || le - sp2 !== 9) return -2;
    const target = s.slice(sp1 + 1, sp2);
    // probe.ts checked lines that fit its window; a longer one is checked here.
    if (le > START_LINE_WINDOW && target.indexOf(' ') >= 0) return -2;
    if (!s.startsWith('HTTP/1.', sp2 + 1)) return -2;
    const minor = s.charCodeAt(le - 1) - 48;
    if (minor < 0 || minor > 9) return -2;
    msg.method = sharedSlice(s, 0, sp1, COMMON_METHODS);
    msg.target = target;
    msg.version = VERSIONS[minor]!;
    msg.minor = minor;
  } else {
    if (le < 12) return -2;
    // probe.ts checked `HTTP/1.` DIGIT.
    msg.minor = s.charCodeAt(7) - 48;
    msg.version = VERSIONS[msg.minor]!;
    msg.status =
      (s.charCodeAt(9) - 48) * 100 + (s.charCodeAt(10) - 48) * 10 + (s.charCodeAt(11) - 48);
    msg.reason = le > 13 ? sharedSlice(s, 13, le, COMMON_REASONS) : '';
  }
  return parseFields(s, lf + 1, msg.headers, msg, allFields);
}

/**
 * Parse field lines (RFC 9112 §5) from `s` at `from` into `into` up to and including the empty
 * line that closes them. Returns the index after that empty line, or -1 if there is none.
 * Used for heads and for the trailer section of a chunked body (RFC 9112 §7.1.2).
 * `allFields` false: only PARSER_FIELDS are recorded.
 */
export function parseFields(
  s: string,
  from: number,
  into: Record<string, string>,
  msg: Http1Message,
  allFields: boolean,
): number {
  let p = from;
  let lastName: string | undefined;
  // Names recorded so far, to notice repeats without probing the record (a slow lookup of an
  // absent key on an object whose shape varies message to message).
  const seen: string[] = [];
  for (;;) {
    const nl = s.indexOf('\n', p);
    if (nl < 0) return -1;
    const e = nl > p && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (e === p) return nl + 1;
    const c = s.charCodeAt(p);
    if (c === SP || c === HTAB) {
      // obs-fold (RFC 9112 §5.2): a continuation of the previous value; replace it with SP.
      if (lastName === undefined) {
        // Whitespace before the first field line (RFC 9112 §2.2): ignore the line.
        msg.flag(ErrorCodes.DIS_ERR_SYNTAX);
      } else if (lastName !== SKIPPED) {
        const more = trimOws(s, p, e);
        if (more !== '') into[lastName] = (into[lastName] ?? '') + ' ' + more;
      }
      p = nl + 1;
      continue;
    }
    const colon = s.indexOf(':', p);
    if (colon < 0 || colon > e || colon === p) {
      msg.flag(ErrorCodes.DIS_ERR_SYNTAX);
      p = nl + 1;
      continue;
    }
    let ne = colon;
    const before = s.charCodeAt(colon - 1);
    if (before === SP || before === HTAB) {
      // RFC 9112 §5.1: no whitespace between name and colon (a smuggling vector). Servers
      // reject such a message; we show it, trimmed, and say it is malformed.
      msg.flag(ErrorCodes.DIS_ERR_SYNTAX);
      while (ne > p && (s.charCodeAt(ne - 1) === SP || s.charCodeAt(ne - 1) === HTAB)) ne--;
    }
    if (!allFields && PARSER_FIELD_LENGTH[ne - p] !== 1) {
      lastName = SKIPPED;
      p = nl + 1;
      continue;
    }
    const name = fieldName(s, p, ne);
    if (!allFields && !PARSER_FIELDS.includes(name)) {
      lastName = SKIPPED;
      p = nl + 1;
      continue;
    }
    const value = trimOws(s, colon + 1, e);
    if (seen.indexOf(name) < 0 && name !== '__proto__') {
      seen.push(name);
      into[name] = value;
    } else addField(into, name, value);
    lastName = name;
    p = nl + 1;
  }
}

/** `s[from, to)` without leading and trailing optional whitespace (SP / HTAB). */
function trimOws(s: string, from: number, to: number): string {
  // The usual shape, "name: value", costs one check each side.
  if (s.charCodeAt(from) === SP && to > from + 1) {
    const c1 = s.charCodeAt(from + 1);
    const cl = s.charCodeAt(to - 1);
    if (c1 !== SP && c1 !== HTAB && cl !== SP && cl !== HTAB) return s.slice(from + 1, to);
  }
  let a = from;
  let b = to;
  while (a < b && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HTAB)) a++;
  while (b > a && (s.charCodeAt(b - 1) === SP || s.charCodeAt(b - 1) === HTAB)) b--;
  return s.slice(a, b);
}

/**
 * Record one field. RFC 9110 §5.3: repeated fields combine into one list, joined with ", ".
 * Set-Cookie is the exception that section names (its values contain commas, RFC 6265 §3), so
 * its values are joined with "\n" instead.
 */
export function addField(into: Record<string, string>, name: string, value: string): void {
  // Only own properties hold strings: an inherited one (`constructor`, `__proto__`) is not ours.
  const prev: unknown = into[name];
  if (typeof prev === 'string') {
    into[name] = prev + (name === 'set-cookie' ? '\n' : ', ') + value;
  } else if (name === '__proto__') {
    Object.defineProperty(into, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    into[name] = value;
  }
}
