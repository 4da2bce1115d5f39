import { ErrorCodes } from '@shoal/model';
import { ApiError, jsonApi } from '@shoal/model/http';

/**
 * The hub API's errors: `{error: {code, message}}` with a HUB_ERR_* code from the model's
 * registry (docs/errors.md, docs/hub.md); filter errors keep their FLT_ERR_* code and position,
 * the same shape as the worker's.
 */
export { ErrorCodes };

export { ApiError, sendJson } from '@shoal/model/http';

export function badRequest(message: string): ApiError {
  return new ApiError(400, ErrorCodes.HUB_ERR_BAD_REQUEST, message);
}

/** Largest request body accepted (a filter, a target selection). */
export const MAX_BODY_BYTES = 1 << 20;

export const { sendError, fail, refuseUpgrade, readBody, readJson, timeParam, compiledParam } = jsonApi({
  realm: 'shoal-hub',
  maxBodyBytes: MAX_BODY_BYTES,
  tooLargeCode: ErrorCodes.HUB_ERR_TOO_LARGE,
  badRequestCode: ErrorCodes.HUB_ERR_BAD_REQUEST,
  internalCode: ErrorCodes.HUB_ERR_INTERNAL,
  service: 'hub',
});
