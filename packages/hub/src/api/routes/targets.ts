import type { IncomingMessage, ServerResponse } from 'node:http';
import { isShoalError, type TargetSelection, type TargetsAnswer } from '@shoal/model';
import type { ViewScope } from '../../access/view-scope.js';
import type { TargetPusher } from '../../targets/target-pusher.js';
import { parseSelection } from '../../targets/target-selection.js';
import { ApiError, badRequest, ErrorCodes, readJson, sendJson } from '../http-util.js';

function noPods(): ApiError {
  return new ApiError(409, ErrorCodes.HUB_ERR_BAD_REQUEST, 'this hub has no pod source (a Kubernetes watch or an inventory file), so it cannot choose targets; give the workers --targets instead');
}

/** What a caller of `scope` sees of the targets: the selection, and the selected pods in its scope. */
function body(pusher: TargetPusher, scope: ViewScope): TargetsAnswer {
  return {
    selection: pusher.current ?? null,
    pods: pusher.selected().filter((p) => scope.seesNamespace(p.namespace)).map((p) => ({ name: p.name, namespace: p.namespace, ip: p.ip, node: p.node })),
    workers: pusher.workers(),
  };
}

/** GET /targets: the selection, the pods it selects now (those in the caller's scope), and what each worker was given. */
export function getTargets(pusher: TargetPusher | undefined, res: ServerResponse, scope: ViewScope): void {
  if (pusher === undefined) throw noPods();
  sendJson(res, 200, body(pusher, scope));
}

/** A change of the selection, for the audit line (server.ts: only admins make one). */
export interface TargetsChange {
  old: TargetSelection | null;
  new: TargetSelection;
}

/**
 * PUT /targets: a new selection, saved (with --state-dir) and pushed to every worker before the
 * answer (each worker's push landed, failed and is retried, or waits for a retry). `changed`
 * hears each selection that took effect, with the one it replaced.
 */
export async function putTargets(pusher: TargetPusher | undefined, req: IncomingMessage, res: ServerResponse, scope: ViewScope, changed: (change: TargetsChange) => void): Promise<void> {
  if (pusher === undefined) throw noPods();
  let selection;
  try {
    selection = parseSelection(await readJson(req));
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest((err as Error).message);
  }
  const old = pusher.current ?? null;
  try {
    await pusher.set(selection);
  } catch (err) {
    // The selection could not be saved (--state-dir): refused, the previous one stays in force.
    if (isShoalError(err) && err.code === ErrorCodes.HUB_ERR_STATE) throw new ApiError(500, err.code, err.message);
    throw err;
  }
  changed({ old, new: selection });
  sendJson(res, 200, body(pusher, scope));
}
