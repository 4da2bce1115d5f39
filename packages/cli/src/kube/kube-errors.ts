import { ApiException } from '@kubernetes/client-node';
import { isShoalError, ShoalError } from '@shoal/model';
import { describeScope, describeTarget, type ApiCall } from './api-call.js';

/**
 * The API server's failures in words a user can act on: the Status it answers (reason, code,
 * message; "API Concepts", Responses) and the network errors before any answer, turned into
 * coded errors naming the call, the resource, the namespace and the server.
 */
interface Status {
  code?: number;
  reason?: string;
  message?: string;
}

function statusOf(err: ApiException<unknown>): Status {
  const body = err.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as Status;
    } catch {
      return { message: body.trim() };
    }
  }
  return (body ?? {}) as Status;
}

/** node-fetch's errors before an answer: refused, unknown host, timed out, TLS failures. */
function isNetworkError(err: unknown): err is Error & { code?: string } {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { type?: string; code?: string; cause?: unknown };
  return e.name === 'FetchError' || e.type === 'system' || /^E[A-Z]+$/.test(e.code ?? '') || /certificate|self.signed|SSL|TLS/i.test(e.message);
}

export interface Cluster {
  server: string;
  context: string;
}

export function unreachable(cluster: Cluster, err: unknown): ShoalError {
  const why = (err as Error).message;
  return new ShoalError('CLI_ERR_CLUSTER_UNREACHABLE', `cannot reach the cluster's API server at ${cluster.server} (context ${cluster.context}): ${why}. Check that the cluster runs and that this context points at it (kubectl --context ${cluster.context} get ns)`, { cause: err });
}

/** `err` from a call described by `call`, as a ShoalError. */
export function kubeError(err: unknown, call: ApiCall, cluster: Cluster): ShoalError {
  if (isShoalError(err)) return err;
  if (err instanceof ApiException) {
    const status = statusOf(err);
    const code = err.code;
    const server = status.message !== undefined && status.message !== '' ? status.message : `HTTP ${code}`;
    switch (code) {
      case 401:
        return new ShoalError('CLI_ERR_CLUSTER_AUTH', `the API server at ${cluster.server} does not accept the credentials of context ${cluster.context} (401 Unauthorized): they are wrong or expired; sign in again as you would for kubectl`, { cause: err });
      case 403:
        return new ShoalError('CLI_ERR_FORBIDDEN', `forbidden by RBAC: you may not ${call.verb} ${describeTarget(call)} ${describeScope(call)} (the API server said: ${server}). Ask a cluster admin for that right, or use another --context`, { cause: err });
      case 404:
        return new ShoalError('CLI_ERR_NOT_FOUND', `${describeTarget(call)} ${describeScope(call)} does not exist (the API server said: ${server})`, { cause: err });
      default:
        return new ShoalError('CLI_ERR_CLUSTER', `the API server at ${cluster.server} refused to ${call.verb} ${describeTarget(call)} ${describeScope(call)}: ${code} ${status.reason ?? ''} ${server}`.replace(/\s+/g, ' ').trim(), { cause: err });
    }
  }
  if (isNetworkError(err)) return unreachable(cluster, err);
  return new ShoalError('CLI_ERR_CLUSTER', `${call.verb} ${describeTarget(call)} ${describeScope(call)} failed: ${(err as Error).message}`, { cause: err });
}

/**
 * The API server's own words for a refusal (its Status message: `container "hub" in pod "…" is
 * waiting to start: ContainerCreating`), or the error's message when it gave none.
 */
export function apiMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const status = statusOf(err);
    return status.message !== undefined && status.message !== '' ? status.message : `HTTP ${err.code}`;
  }
  return (err as Error).message;
}

/** Whether `err` is the API server's 404 (the object is not there). */
export function isNotFound(err: unknown): boolean {
  return (err instanceof ApiException && err.code === 404) || (isShoalError(err) && err.code === 'CLI_ERR_NOT_FOUND');
}
