import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileFilter, isFilterError } from '@shoal/filter';
import { positionedErrorBody } from '@shoal/model';
import { badRequest, readBody, sendJson } from '../http-util.js';

/**
 * POST /query/validate: a dashboard checks a filter as the user types. The body is JSON
 * `{"filter": "…"}` (or `q`) or the bare text. Answers 200 either way: `{"ok": true, "variables"}`
 * or `{"ok": false, "error": {code, message, position, excerpt}}` — an invalid filter is the
 * answer asked for, not a failed request.
 */
export async function validateQuery(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  let text = body;
  if ((req.headers['content-type'] ?? '').includes('json')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      throw badRequest(`the request body is not JSON: ${(err as Error).message}`);
    }
    const o = json as Record<string, unknown> | null;
    const filter = o !== null && typeof o === 'object' ? (o['filter'] ?? o['q']) : undefined;
    if (typeof filter !== 'string') throw badRequest('send {"filter": "<CEL expression>"}');
    text = filter;
  }
  try {
    const compiled = compileFilter(text);
    sendJson(res, 200, { ok: true, filter: text, variables: compiled.variables });
  } catch (err) {
    if (!isFilterError(err)) throw err;
    sendJson(res, 200, { ok: false, filter: text, error: positionedErrorBody(err) });
  }
}
