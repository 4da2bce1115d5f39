/**
 * A message body as the entry detail sees it: which printer shows it (json-format.ts,
 * markup-format.ts, hex-dump.ts, a form table, an image) and what to say about how it was
 * captured. The dissector has already undone Content-Encoding and chunking; the body is UTF-8
 * text, or base64 when it is not valid UTF-8 or holds NUL bytes, and may be cut at the body cap
 * (docs/entries.md).
 */

export type BodyKind = 'json' | 'xml' | 'html' | 'form' | 'image' | 'text' | 'binary';

/** The body fields of an HTTP message (docs/entries.md, `request` and `response`). */
export interface BodyFields {
  headers?: Record<string, string>;
  bodySize?: number;
  body?: string;
  bodyEncoding?: string;
  contentEncoding?: string;
  decodedSize?: number;
  decodeError?: string;
  truncated?: boolean;
}

/** The media type without parameters, lower case: `application/json`. */
export function mediaType(headers: Record<string, string> | undefined): string {
  return (headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** How to show a body of media type `type` whose text (or base64) is `body`. */
export function bodyKind(type: string, body: string, base64: boolean): BodyKind {
  if (type.startsWith('image/') && (base64 || type === 'image/svg+xml')) return 'image';
  if (base64) return 'binary';
  if (type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson' || type === 'application/problem+json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  // No or a vague type: sniff the first character, as a reader would.
  if (type === '' || type === 'text/plain' || type === 'application/octet-stream') {
    const start = body.trimStart();
    if (/^[[{]/.test(start)) return 'json';
    if (/^<!doctype html|^<html/i.test(start)) return 'html';
    if (start.startsWith('<')) return 'xml';
  }
  return 'text';
}

export interface BodyNote {
  text: string;
  /** `warning` when the body shown is not all of it, or not what the application read. */
  level: 'info' | 'warning';
}

/** What the detail says about how the body was captured; empty when there is nothing to say. */
export function bodyNotes(m: BodyFields): BodyNote[] {
  const notes: BodyNote[] = [];
  if (m.contentEncoding !== undefined && m.decodeError === undefined) {
    const sizes = m.decodedSize !== undefined ? `: ${m.bodySize ?? 0} bytes on the wire, ${m.decodedSize} decoded` : '';
    notes.push({ text: `decoded from ${m.contentEncoding}${sizes}`, level: 'info' });
  }
  if (m.decodeError !== undefined) notes.push({ text: `not decoded (${m.contentEncoding ?? 'content-encoding'}): ${m.decodeError}; shown as captured`, level: 'warning' });
  if (m.truncated === true) {
    const shown = m.body === undefined ? 0 : m.bodyEncoding === 'base64' ? base64Length(m.body) : new TextEncoder().encode(m.body).length;
    notes.push({ text: `body truncated at ${shown} bytes of ${m.decodedSize ?? m.bodySize ?? '?'}`, level: 'warning' });
  }
  return notes;
}

function base64Length(b64: string): number {
  const clean = b64.replace(/=+$/, '');
  return Math.floor((clean.length * 3) / 4);
}

/** The bytes of a base64 body. */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** `data:` URL to preview an image body (base64, or SVG text). */
export function imageDataUrl(type: string, body: string, base64: boolean): string {
  if (base64) return `data:${type};base64,${body}`;
  let bin = '';
  for (const b of new TextEncoder().encode(body)) bin += String.fromCharCode(b);
  const data = btoa(bin);
  return `data:${type};base64,${data}`;
}

/** The fields of a form body, in order, decoded (`a=1&b=x%20y` → `[['a','1'],['b','x y']]`). */
export function formFields(body: string): [string, string][] {
  return [...new URLSearchParams(body.trim())];
}
