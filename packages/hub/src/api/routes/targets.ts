import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError, type TargetsAnswer } from '@shoal/model';
import type { TargetPusher } from '../../targets/target-pusher.js';
import { parseSelection } from '../../targets/target-selection.js';
import { ApiError, badRequest, ErrorCodes, readJson, sendJson } from '../http-util.js';

function noPods(): ApiError {
  return new ApiError(409, ErrorCodes.HUB_ERR_BAD_REQUEST, 'this hub has no pod source (a Kubernetes watch or an inventory file), so it cannot choose targets; give the workers --targets instead');
}

function body(pusher: TargetPusher): TargetsAnswer {
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

/**
 * PUT /targets: a new selection, saved (with --state-dir) and pushed to every worker before the
 * answer (each worker's push landed, failed and is retried, or waits for a retry).
 */
export async function putTargets(pusher: TargetPusher | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (pusher === undefined) throw noPods();
  let selection;
  try {
    selection = parseSelection(await readJson(req));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest((err as Error).message);
  }
  try {
    await pusher.set(selection);
  } catch (err) {
    // The selection could not be saved (--state-dir): refused, the previous one stays in force.
    if (isShoalError(err) && err.code === ErrorCodes.HUB_ERR_STATE) throw new ApiError(500, err.code, err.message);
    throw err;
  }
  sendJson(res, 200, body(pusher));
}
