import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TargetPusher } from '../../targets/target-pusher.js';
import { parseSelection } from '../../targets/target-selection.js';
import { ApiError, badRequest, ErrorCodes, readJson, sendJson } from '../http-util.js';

function noPods(): ApiError {
  return new ApiError(409, ErrorCodes.HUB_ERR_BAD_REQUEST, 'this hub has no pod source (a Kubernetes watch or an inventory file), so it cannot choose targets; give the workers --targets instead');
}

function body(pusher: TargetPusher): Record<string, unknown> {
  return {
    selection: pusher.current ?? null,
    pods: pusher.selected().map((p) => ({ name: p.name, namespace: p.namespace, ip: p.ip, node: p.node })),
    workers: pusher.workers(),
  };
}

/** GET /targets: the selection, the pods it selects now, and what each worker was given. */
export function getTargets(pusher: TargetPusher | undefined, res: ServerResponse): void {
  if (pusher === undefined) throw noPods();
  sendJson(res, 200, body(pusher));
}

/** PUT /targets: a new selection, pushed to every worker before the answer. */
export async function putTargets(pusher: TargetPusher | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (pusher === undefined) throw noPods();
  let selection;
  try {
    selection = parseSelection(await readJson(req));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest((err as Error).message);
  }
  await pusher.set(selection);
  sendJson(res, 200, body(pusher));
}
